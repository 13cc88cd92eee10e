import {TokenError, oneLine} from '../tokens/index.js';

const REDIS_ERROR_NAMES = new Set(['ReplyError', 'MaxRetriesPerRequestError', 'AbortError', 'ParserError', 'InterruptError']);
const CONNECTION_TROUBLE =
	/connection is closed|stream isn't writeable|enableofflinequeue|max retries per request|econnreset|econnrefused|epipe|etimedout|enotconn|enotfound/i;

/** Whether an error (ours or ioredis's) says Redis cannot be reached right now, as opposed to refusing a command. */
export function isConnectionTrouble(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
	return CONNECTION_TROUBLE.test(`${oneLine(error)} ${code}`);
}

/**
 * Turns what ioredis throws when Redis goes away or refuses a command into the typed error the
 * edges report as "Redis failed" (exit 3, 503, a banner); anything else is left alone, since it is
 * a bug and should say so.
 */
export function asRedisError(error: unknown): unknown {
	if (error instanceof TokenError || !(error instanceof Error)) {
		return error;
	}

	if (REDIS_ERROR_NAMES.has(error.name) || isConnectionTrouble(error)) {
		return new TokenError('redis', `Redis failed: ${oneLine(error)}`);
	}

	return error;
}

/**
 * The replies of a MULTI, or a TokenError if any command in it failed: EmailEngine treats a
 * per-command error in EXEC as failure of the whole write (spec §1.5).
 */
export function checkExec(replies: Array<[Error | null, unknown]> | null, what: string): unknown[] {
	if (replies === null) {
		throw new TokenError('redis', `${what} failed: transaction aborted`);
	}

	return replies.map(([error, value]) => {
		if (error) {
			throw new TokenError('redis', `${what} failed: ${error.message}`);
		}

		return value;
	});
}
