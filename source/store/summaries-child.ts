/**
 * Entry of the short-lived process that reads one listing's summaries over its own connection and
 * sends them back packed (see summaries-in-child.ts), or only their counts (serve's inventory),
 * then exits.
 */
import {type Inventory, TokenError, type TokenSummary, inventoryOf, oneLine} from '../tokens/index.js';
import {type PackedSummaries, type PartFingerprint, fingerprintOf, packSummaries} from './summary-pack.js';
import type {RedisTarget} from './connection.js';
import {connectRedis} from './open.js';
import {asRedisError} from './redis-errors.js';
import {type SummaryOptions, TokenStore, type UnreadableRecord} from './token-store.js';

export type ChildRequest = {
	target: RedisTarget;
	options: Omit<SummaryOptions, 'onUnreadable' | 'onUnusable'>;
	/**
	 * Count the listing at this time (milliseconds) and send only the counts: what serve's /metrics
	 * needs of 100,000 summaries is a dozen numbers, and packing, sending and parsing the listing
	 * was most of a first scrape's time.
	 */
	inventoryAt?: number;
	/**
	 * The fingerprints of the parts of the table this listing replaces (a reload): a part whose
	 * rows are unchanged is not sent again, only its times if they moved (`kept`).
	 */
	previousParts?: PartFingerprint[];
};
/**
 * The listing comes in parts of PART_ROWS rows, then `done` with the records skipped because they
 * cannot be read: a 100,000-token listing in one IPC message costs the receiving app a 20 MB buffer
 * plus a second one to join its chunks.
 */
export type ChildReply =
	| {part: PackedSummaries; fingerprint: PartFingerprint}
	| {kept: PartFingerprint; changed?: Pick<PackedSummaries, 'times' | 'unreadableUse'>}
	| {done: true; unreadable: UnreadableRecord[]}
	| {inventory: Inventory}
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

async function read({target, options, inventoryAt, previousParts = []}: ChildRequest): Promise<void> {
	let summaries: TokenSummary[];
	const unreadable: UnreadableRecord[] = [];
	try {
		const redis = await connectRedis(target);
		try {
			summaries = await new TokenStore(redis, target.prefix).summaries({...options, onUnreadable: record => unreadable.push(record)});
		} finally {
			redis.disconnect();
		}
	} catch (error) {
		const typed = asRedisError(error, target);
		await send({error: {code: typed instanceof TokenError ? typed.code : undefined, message: oneLine(typed)}});
		return;
	}

	if (inventoryAt !== undefined) {
		await send({inventory: inventoryOf(summaries, unreadable.length, inventoryAt)});
		return;
	}

	for (let index = 0; index * PART_ROWS < summaries.length; index++) {
		const part = packSummaries(summaries.slice(index * PART_ROWS, (index + 1) * PART_ROWS));
		const fingerprint = fingerprintOf(part);
		const before = previousParts[index];
		if (before?.rows !== fingerprint.rows) {
			await send({part, fingerprint});
		} else if (before.times === fingerprint.times) {
			await send({kept: fingerprint});
		} else {
			await send({kept: fingerprint, changed: {times: part.times, unreadableUse: part.unreadableUse}});
		}
	}

	await send({done: true, unreadable});
}

process.once('message', request => {
	// Gone once the listing is out: its memory goes back to the system with it.
	void read(request as ChildRequest).finally(() => process.disconnect());
});
// The parent going away (the app quit mid-load) ends this process too.
process.once('disconnect', () => process.exit(0));
