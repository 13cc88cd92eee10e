import {once} from 'node:events';
import {escapeUnsafe} from '../tokens/index.js';

/** How many lines go out in one write: one string for 100,000 lines would double the peak memory. */
const LINES_PER_WRITE = 1000;

/**
 * Writes lines in chunks, each ending in a newline. False when the stream queued them (a pipe whose
 * reader is behind): a caller with more to write waits for 'drain' (drained()).
 */
export function writeLines(stream: NodeJS.WritableStream, lines: readonly string[]): boolean {
	let more = true;
	for (let start = 0; start < lines.length; start += LINES_PER_WRITE) {
		more = stream.write(`${lines.slice(start, start + LINES_PER_WRITE).join('\n')}\n`);
	}

	return more;
}

/**
 * Waits for the stream to take what it queued when the last write said so (`more` false). A
 * command that writes 100,000 tokens as fast as it makes them otherwise queues its whole output in
 * memory behind a pipe: `list --json` of 100,000 tokens into `| cat` peaked at 180 MB without
 * waiting and 159-171 MB with, and took no longer (1.35-1.53 s against 1.28-1.34 s, 3 runs each).
 */
export async function drained(stream: NodeJS.WritableStream, more: boolean): Promise<void> {
	if (!more) {
		await once(stream, 'drain');
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
			await drained(stream, array.write(JSON.stringify(chunk).slice(1, -1).replaceAll('},{"id":', '},\n{"id":')));
		}
	}

	array.end();
}

/**
 * writeJsonArray() of objects already made JSON text, escaped (escapeUnsafe) and joined one a line
 * as UTF-8 bytes, a chunk at a time: for a caller that writes its objects by hand, which at
 * 100,000 objects costs a fraction of JSON.stringify of them, and escapes only the parts that can
 * hold what it escapes (`list --json`, whose texts are written straight from each token's stored
 * bytes: entriesJson; review). Each chunk is written as it comes, the next asked for once the
 * stream has taken it (drained()).
 */
export async function writeEscapedJsonBodies(
	stream: NodeJS.WritableStream,
	chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<void> {
	let first = true;
	for await (const body of chunks) {
		if (body.length > 0) {
			stream.write(first ? '[\n' : ',\n');
			await drained(stream, stream.write(body));
			first = false;
		}
	}

	stream.write(first ? '[]\n' : '\n]\n');
}

/** The brackets and separators around bodies of comma-separated object lines, each escaped once. */
function jsonArrayWriter(
	stream: NodeJS.WritableStream,
	escape: (json: string) => string = escapeUnsafe,
): {write: (body: string) => boolean; end: () => void} {
	let first = true;
	return {
		write(body) {
			const more = stream.write(`${first ? '[\n' : ',\n'}${escape(body)}`);
			first = false;
			return more;
		},
		end() {
			stream.write(first ? '[]\n' : '\n]\n');
		},
	};
}
