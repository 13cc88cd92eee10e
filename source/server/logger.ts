import {oneLine} from '../tokens/index.js';
import pino, {type Logger} from 'pino';

export type {Logger} from 'pino';

/**
 * JSON lines on stdout with EmailEngine's fields (level, time, pid, hostname, msg). The default
 * level is `trace`, as EmailEngine's, so the level-20 prepared-token lines show without flags.
 *
 * One synchronous write per request line costs the server about a third of its throughput, so
 * lines are buffered (up to 4 KiB) and flushed at least every 200 ms, after the lines that tell a
 * supervisor something (call flushLogs), and on exit (pino flushes a buffered destination then).
 */
export function createLogger(env: Record<string, string | undefined> = process.env, destination: number | NodeJS.WritableStream = 1): Logger {
	const level = env['EENGINE_LOG_LEVEL']?.trim().toLowerCase() || 'trace';
	let stream: pino.DestinationStream;
	if (typeof destination === 'number') {
		const boom = pino.destination({dest: destination, sync: false, minLength: 4096});
		setInterval(() => {
			flushQuietly(boom);
		}, 200).unref();
		stream = boom;
	} else {
		stream = destination;
	}

	return pino({level: pino.levels.values[level] === undefined ? 'trace' : level}, stream);
}

function flushQuietly(stream: {flush(callback?: (error?: Error) => void): void}): void {
	try {
		stream.flush(() => {});
	} catch {
		// Nothing buffered yet, or the stream is closing: the next flush or the exit takes care.
	}
}

/** Pushes buffered lines out now, e.g. right after "listening", which scripts wait for. */
export function flushLogs(logger: Logger): void {
	try {
		logger.flush();
	} catch {}
}

/**
 * An `err` field for pino without a stack: expected failures are one line (DESIGN: no stack traces
 * for expected failures), and a 64-hex run in a message is hidden in case it is a raw token.
 */
export function logError(error: unknown): Error {
	const plain = new Error(oneLine(error).replaceAll(/[\da-f]{64,}/gi, '[redacted]'));
	plain.stack = undefined;
	return plain;
}
