import {isConnectionTrouble} from '../store/index.js';
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
