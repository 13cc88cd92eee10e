import pino, {type Logger} from 'pino';

export type {Logger} from 'pino';

/**
 * JSON lines on stdout with EmailEngine's fields (level, time, pid, hostname, msg). The default
 * level is `trace`, as EmailEngine's, so the level-20 prepared-token lines show without flags.
 * Writes are synchronous: a fatal line must be out before the process exits with 1.
 */
export function createLogger(env: Record<string, string | undefined> = process.env, destination: number | NodeJS.WritableStream = 1): Logger {
	const level = env['EENGINE_LOG_LEVEL']?.trim().toLowerCase() || 'trace';
	const stream = typeof destination === 'number' ? pino.destination({dest: destination, sync: true}) : destination;
	return pino({level: pino.levels.values[level] === undefined ? 'trace' : level}, stream);
}

/**
 * An `err` field for pino without a stack: expected failures are one line (DESIGN: no stack traces
 * for expected failures), and a 64-hex run in a message is hidden in case it is a raw token.
 */
export function logError(error: unknown): Error {
	const text = error instanceof Error ? error.message : String(error);
	const plain = new Error(text.replaceAll(/\s*\n\s*/g, ' ').replaceAll(/[\da-f]{64,}/gi, '[redacted]').trim());
	plain.name = error instanceof Error ? error.name : 'Error';
	plain.stack = undefined;
	return plain;
}
