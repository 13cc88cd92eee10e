/**
 * Entry of the short-lived process that reads one listing's summaries over its own connection and
 * sends them back packed (see summaries-in-child.ts), then exits.
 */
import {TokenError, oneLine, packSummaries} from '../tokens/index.js';
import type {RedisTarget} from './connection.js';
import {connectRedis} from './open.js';
import {asRedisError} from './redis-errors.js';
import {type ListOptions, TokenStore} from './token-store.js';

export type ChildRequest = {target: RedisTarget; options: Omit<ListOptions, 'lastUse'>};
export type ChildReply = {packed: ReturnType<typeof packSummaries>} | {error: {code: TokenError['code'] | undefined; message: string}};

async function read({target, options}: ChildRequest): Promise<ChildReply> {
	try {
		const redis = await connectRedis(target);
		try {
			return {packed: packSummaries(await new TokenStore(redis, target.prefix).summaries(options))};
		} finally {
			redis.disconnect();
		}
	} catch (error) {
		const typed = asRedisError(error);
		return {error: {code: typed instanceof TokenError ? typed.code : undefined, message: oneLine(typed)}};
	}
}

process.once('message', request => {
	void read(request as ChildRequest).then(reply => {
		// Gone once the reply is out: its memory goes back to the system with it.
		process.send!(reply, () => process.disconnect());
	});
});
// The parent going away (the app quit mid-load) ends this process too.
process.once('disconnect', () => process.exit(0));
