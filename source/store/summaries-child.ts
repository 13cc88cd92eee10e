/**
 * Entry of the short-lived process that reads one listing's summaries over its own connection and
 * sends them back packed (see summaries-in-child.ts), then exits.
 */
import {TokenError, type TokenSummary, oneLine} from '../tokens/index.js';
import {type PackedSummaries, packSummaries} from './summary-pack.js';
import type {RedisTarget} from './connection.js';
import {connectRedis} from './open.js';
import {asRedisError} from './redis-errors.js';
import {type SummaryOptions, TokenStore, type UnreadableRecord} from './token-store.js';

export type ChildRequest = {
	target: RedisTarget;
	options: Omit<SummaryOptions, 'onUnreadable' | 'onUnusable'>;
	/** Send the listing's first rows (TokenStore.head) before the whole of it, for a first screen. */
	head?: number;
};
/**
 * The listing comes in parts of PART_ROWS rows, then `done` with the records skipped because they
 * cannot be read: a 100,000-token listing in one IPC message costs the receiving app a 20 MB buffer
 * plus a second one to join its chunks.
 */
export type ChildReply =
	| {head: {ids: number; part: PackedSummaries}}
	| {part: PackedSummaries}
	| {done: true; unreadable: UnreadableRecord[]}
	| {error: {code: TokenError['code'] | undefined; message: string}};
export const PART_ROWS = 10_000;

const send = async (reply: ChildReply) =>
	new Promise<void>((resolve, reject) => {
		process.send!(reply, undefined, {}, error => {
			if (error) {
				reject(error);
			} else {
				resolve();
			}
		});
	});

async function read({target, options, head}: ChildRequest): Promise<void> {
	let summaries: TokenSummary[];
	const unreadable: UnreadableRecord[] = [];
	try {
		const redis = await connectRedis(target);
		try {
			const store = new TokenStore(redis, target.prefix);
			if (head !== undefined) {
				// Here rather than in the app: it reads every id (HKEYS) to find the first ones, and at
				// 100,000 tokens those 100,000 strings would be the app's garbage for as long as it
				// runs without a full collection (~20 MB of its resident set).
				const first = await store.head(head, options);
				await send({head: {ids: first.ids, part: packSummaries(first.summaries)}});
			}

			summaries = await store.summaries({...options, onUnreadable: record => unreadable.push(record)});
		} finally {
			redis.disconnect();
		}
	} catch (error) {
		const typed = asRedisError(error, target);
		await send({error: {code: typed instanceof TokenError ? typed.code : undefined, message: oneLine(typed)}});
		return;
	}

	for (let start = 0; start < summaries.length; start += PART_ROWS) {
		await send({part: packSummaries(summaries.slice(start, start + PART_ROWS))});
	}

	await send({done: true, unreadable});
}

process.once('message', request => {
	// Gone once the listing is out: its memory goes back to the system with it.
	void read(request as ChildRequest).finally(() => process.disconnect());
});
// The parent going away (the app quit mid-load) ends this process too.
process.once('disconnect', () => process.exit(0));
