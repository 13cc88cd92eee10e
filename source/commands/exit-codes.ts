import type {ErrorCode} from '../tokens/index.js';

/** Documented in the README; scripts branch on these. */
export const EXIT = {
	ok: 0,
	/** Something unexpected: a bug, reported in one line. */
	failure: 1,
	/** diff: the two ends differ (as diff(1) says it, the same number as failure). */
	different: 1,
	/** Bad arguments: unknown command or flag, unknown scope, bad duration, refused without --yes. */
	usage: 2,
	/** Redis unreachable, refused our credentials, or a write failed. */
	redis: 3,
	/** No token with that id or value. */
	notFound: 4,
	/** An export string (or at least one of many) could not be decoded. */
	invalidExport: 5,
	/** A token record exists but cannot be read (it can still be revoked by id). */
	unreadable: 6,
	/** serve cannot listen: the port is in use, needs privileges, or the host is not here. */
	listen: 7,
	/** rotate or edit: the token changed between our read and our write; nothing was written. */
	conflict: 8,
	/** review --fail-on: a finding at that level or above (the review itself was printed). */
	findings: 9,
	/** can: the token may not make that request (the check that refuses it was printed). */
	denied: 10,
} as const;

export const exitCodeFor = (code: ErrorCode): number =>
	({
		usage: EXIT.usage,
		refused: EXIT.usage,
		redis: EXIT.redis,
		'not-found': EXIT.notFound,
		'invalid-export': EXIT.invalidExport,
		unreadable: EXIT.unreadable,
		listen: EXIT.listen,
		conflict: EXIT.conflict,
	})[code];
