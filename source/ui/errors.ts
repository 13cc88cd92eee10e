import {type RedisEndpoint, asRedisError, isConnectionTrouble, isTimeout, notAnswering} from '../store/index.js';
import {oneLine} from '../tokens/index.js';
import {displayText} from '../format/index.js';

/**
 * One line for a failure shown in a dialog or banner, without a trailing period. ioredis speaks
 * of retries and closed connections when Redis is away; people want to hear just that. Redis's
 * own replies are in the message, so it goes through displayText like anything else from there.
 */
export function failureText(error: unknown): string {
	return isConnectionTrouble(error)
		? 'Redis is unavailable (the app keeps retrying)'
		: displayText(oneLine(error).replace(/\.+$/, ''), 300);
}

/** Why the table could not be read: Redis is away (down, or not answering), or it answered with an error. */
export type LoadFailure = {away: boolean; reason: string};

/**
 * A failure to read the table, or of the connection, in the store's words (asRedisError: which
 * Redis, what it said), told apart as the store tells them: a Redis that cannot be reached or does
 * not answer within the time limit is away; one that refuses the read (a key of the wrong type, an
 * ACL) is up and says why.
 */
export function loadFailure(error: unknown, endpoint?: RedisEndpoint): LoadFailure {
	const typed = asRedisError(error, endpoint);
	const reason = oneLine(typed);
	// The loader child reports a time limit that ran out already in the store's words.
	const away = isConnectionTrouble(error) || isTimeout(error) || (endpoint !== undefined && reason.startsWith(notAnswering(endpoint)));
	return {away, reason: displayText(reason.replace(/\.+$/, ''), 300)};
}
