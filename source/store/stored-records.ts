import type {Redis} from 'ioredis';
import {TokenError, type TokenRecord, decodeRecord, unreadableReason} from '../tokens/index.js';
import type {Keys} from './keys.js';
import {checkExec} from './redis-errors.js';

/**
 * What every part of the token store shares: its connection, the key layout, the clock, and how
 * stored records are read in batches and decoded (or found unreadable).
 */
export type StoreContext = {
	readonly redis: Redis;
	readonly keys: Keys;
	readonly now: () => number;
};

/** EmailEngine reads and deletes in batches of 1000 ids per command (compatibility §1.5, §7). */
export const BATCH = 1000;

/** A stored record a listing skipped: its id and why it cannot be read. */
export type UnreadableRecord = {id: string; reason: string};

/** Told about each record that cannot be read (not msgpack, not a map, too deep, too large). */
export type OnUnreadable = ((record: UnreadableRecord) => void) | undefined;

export function decodeOrUndefined(bytes: Buffer | null | undefined): TokenRecord | undefined {
	if (!bytes) {
		return undefined;
	}

	try {
		return decodeRecord(bytes);
	} catch {
		return undefined;
	}
}

/** The record of stored bytes; an unreadable one is reported (with its reason) and is undefined. */
export function decodeOrReport(id: string, bytes: Buffer, onUnreadable: OnUnreadable): TokenRecord | undefined {
	const record = decodeOrUndefined(bytes);
	if (!record) {
		reportUnreadable(id, bytes, onUnreadable);
	}

	return record;
}

/** Says why a record cannot be read, to `onUnreadable` if given, and returns the reason. */
export function reportUnreadable(id: string, bytes: Buffer, onUnreadable: OnUnreadable): string {
	const reason = unreadableReason(bytes) ?? 'unreadable';
	onUnreadable?.({id, reason});
	return reason;
}

/** An unreadable record's message: it exists, it cannot be shown, and it can still be revoked. */
export const unreadableError = (id: string, reason: string): TokenError =>
	new TokenError(
		'unreadable',
		`Token ${id} is stored but its record cannot be read (${reason}); it can still be revoked: ee-tokens revoke -t ${id}`,
	);

/** HMGET in batches of 1000, all batches in one pipeline (one round trip). */
export async function hmgetBatched(redis: Redis, key: string, ids: readonly string[]): Promise<Array<Buffer | null>> {
	const pipeline = redis.pipeline();
	for (let start = 0; start < ids.length; start += BATCH) {
		pipeline.hmgetBuffer(key, ...ids.slice(start, start + BATCH));
	}

	// checkExec words a per-reply error (WRONGTYPE, NOPERM…) as every other store failure is worded.
	const replies = checkExec(await pipeline.exec(), 'Reading tokens') as Array<Array<Buffer | null>>;
	return replies.flat();
}

/**
 * Every field of a hash, through HSCAN rather than HGETALL: the result is the same, but a live
 * EmailEngine sharing this Redis is never blocked behind one reply of a hundred thousand records.
 * A field can come twice (a rehash during the scan); listings de-duplicate when they sort.
 */
export async function scanHash(redis: Redis, key: string, visit: (field: string, value: Buffer) => void): Promise<void> {
	for await (const flat of scanPages(redis, key)) {
		for (let index = 0; index + 1 < flat.length; index += 2) {
			visit(flat[index]!.toString(), flat[index + 1]!);
		}
	}
}

/**
 * scanHash() a page at a time, each page HSCAN's flat reply (field, value, field, value…). The next
 * page is asked for before this one is handed over, so Redis and the network work while the
 * caller decodes, instead of one waiting for the other.
 */
export async function* scanPages(redis: Redis, key: string): AsyncGenerator<Buffer[]> {
	const page = async (cursor: string) => redis.hscanBuffer(key, cursor, 'COUNT', 5000);
	let reply = await page('0');
	for (;;) {
		const cursor = reply[0].toString();
		const next = cursor === '0' ? undefined : page(cursor);
		next?.catch(() => {});
		yield reply[1];
		if (!next) {
			return;
		}

		reply = await next;
	}
}
