import {oneLine} from '../tokens/index.js';

/**
 * One line for a failure shown in a dialog or banner, without a trailing period. ioredis speaks
 * of retries and closed connections when Redis is away; people want to hear just that.
 */
export function failureText(error: unknown): string {
	const text = oneLine(error).replace(/\.+$/, '');
	if (/max retries per request|Connection is closed|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Stream isn't writeable|enableOfflineQueue/i.test(text)) {
		return 'Redis is unavailable (the app keeps retrying)';
	}

	return text;
}
