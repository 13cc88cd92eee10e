/**
 * Expected failures carry a code and a one-line human message. The edges (CLI, HTTP, UI) map the
 * code to an exit code, a status code or a banner; none of them prints a stack trace for these.
 */
export type ErrorCode =
	| 'usage' // the caller asked for something malformed (unknown flag, bad scope, bad duration)
	| 'invalid-export' // an export string that cannot be decoded into a token
	| 'not-found' // no token under that id or raw token
	| 'unreadable' // a token record exists but cannot be read (too deep, too large, not msgpack)
	| 'redis' // Redis unreachable, refused our credentials, or failed a write
	| 'refused' // a safety rule said no (revoke without --yes and no terminal to ask)
	| 'conflict' // the record changed between our read and our write (another writer): nothing written
	| 'listen'; // the API server cannot listen (port in use, not permitted, not an address here)

export class TokenError extends Error {
	override readonly name = 'TokenError';

	constructor(
		readonly code: ErrorCode,
		message: string,
		/** What was thrown first (a Redis reply), for an edge that tells kinds of failure apart. */
		options?: {cause: unknown},
	) {
		super(message, options);
	}
}

/** A one-line description of any thrown value, for the places that must never print a stack. */
export function oneLine(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.replaceAll(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}
