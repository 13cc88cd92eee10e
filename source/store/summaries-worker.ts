/**
 * Worker-thread entry: reads one listing's summaries over its own connection and posts them back
 * packed. The app's table loads this way so the reading, decoding and sorting of 100,000 tokens
 * runs on another core while the main thread loads Ink and keeps answering keys.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {TokenError, oneLine, packSummaries} from '../tokens/index.js';
import type {RedisTarget} from './connection.js';
import {connectRedis} from './open.js';
import {asRedisError} from './redis-errors.js';
import {type ListOptions, TokenStore} from './token-store.js';

export type WorkerRequest = {target: RedisTarget; options: Omit<ListOptions, 'lastUse'>};
export type WorkerReply = {packed: ReturnType<typeof packSummaries>} | {error: {code: TokenError['code'] | undefined; message: string}};

async function main({target, options}: WorkerRequest): Promise<WorkerReply> {
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

const reply = await main(workerData as WorkerRequest);
if ('packed' in reply) {
	// The typed arrays move instead of being copied.
	const {ends, present, times, scopes} = reply.packed;
	parentPort!.postMessage(reply, [ends, present, times, scopes].map(array => array.buffer as ArrayBuffer));
} else {
	parentPort!.postMessage(reply);
}
