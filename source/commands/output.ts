import {once} from 'node:events';
import {escapeUnsafe} from '../tokens/index.js';

/** How many lines go out in one write: one string for 100,000 lines would double the peak memory. */
const LINES_PER_WRITE = 1000;

/** Writes lines in chunks, each ending in a newline. */
export function writeLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
	for (let start = 0; start < lines.length; start += LINES_PER_WRITE) {
		stream.write(`${lines.slice(start, start + LINES_PER_WRITE).join('\n')}\n`);
	}
}

/**
 * Streams a JSON array of objects whose first key is "id", one object a line, a chunk at a time as
 * they come, instead of building the whole array (or one string of it) first. Escaped as safeJson
 * escapes, so it is as inert on a terminal as a table.
 */
export async function writeJsonArray(
	stream: NodeJS.WritableStream,
	chunks: AsyncIterable<readonly object[]> | Iterable<readonly object[]>,
): Promise<void> {
	const array = jsonArrayWriter(stream);
	for await (const chunk of chunks) {
		if (chunk.length > 0) {
			// One stringify and one escape pass per chunk, not per object.
			array.write(JSON.stringify(chunk).slice(1, -1).replaceAll('},{"id":', '},\n{"id":'));
		}
	}

	array.end();
}

/**
 * writeJsonArray() of objects already made JSON text, escaped (escapeUnsafe) and joined one a line
 * as UTF-8 bytes, a chunk at a time: for a caller that writes its objects by hand, which at
 * 100,000 objects costs a fraction of JSON.stringify of them, and escapes only the parts that can
 * hold what it escapes (`list --json`, whose texts are written straight from each token's stored
 * bytes: entriesJson; review). Each chunk is written as it comes. With `drain`, a chunk the stream
 * queues (a pipe whose reader is behind) is waited for before the next is asked for: for a caller
 * whose chunks are all made already (review), so its output is not queued whole in memory.
 */
export async function writeEscapedJsonBodies(
	stream: NodeJS.WritableStream,
	chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	{drain = false}: {drain?: boolean} = {},
): Promise<void> {
	let first = true;
	for await (const body of chunks) {
		if (body.length > 0) {
			stream.write(first ? '[\n' : ',\n');
			if (!stream.write(body) && drain) {
				await once(stream, 'drain');
			}

			first = false;
		}
	}

	stream.write(first ? '[]\n' : '\n]\n');
}

/** The brackets and separators around bodies of comma-separated object lines, each escaped once. */
function jsonArrayWriter(
	stream: NodeJS.WritableStream,
	escape: (json: string) => string = escapeUnsafe,
): {write: (body: string) => void; end: () => void} {
	let first = true;
	return {
		write(body) {
			stream.write(`${first ? '[\n' : ',\n'}${escape(body)}`);
			first = false;
		},
		end() {
			stream.write(first ? '[]\n' : '\n]\n');
		},
	};
}
