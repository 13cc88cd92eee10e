import {type Inventory, type TokenSummary, inventoryOf} from '../tokens/index.js';
import {SummaryTable} from './summary-table.js';
import type {RedisTarget} from './connection.js';
import {asRedisError} from './redis-errors.js';
import {inventoryInChild, summariesInChild} from './summaries-in-child.js';
import type {SummaryOptions, TokenStore} from './token-store.js';

/**
 * Below this many records the app reads its table in its own process; from it up, in the child
 * (summaries-in-child.ts). The child exists for 100,000 tokens, whose reading would hold the keys
 * for seconds, but starting a Node process costs ~270 ms on a quiet machine, on every 10-second
 * reload, where 6 tokens take ~1 ms here.
 *
 * Measured with test/bench/load-threshold.ts (2 cores shared with other test runs, load average
 * 6-9, so slower than a quiet machine; median of 7-9 runs; "stall" is the longest the event loop
 * was held, which is what a key pressed during the load waits):
 *
 *   tokens   in-process load, stall   child load, stall
 *   10       1-5 ms, 0 ms             0.9-2.1 s, 21-36 ms
 *   1,000    26-46 ms, 0-2 ms         1.1-1.3 s, 13-55 ms
 *   2,000    42-47 ms, 5-10 ms        1.5-2.2 s, 26-30 ms
 *   5,000    25-200 ms, 1-89 ms       2.2-2.5 s, 31-84 ms
 *   10,000   275-300 ms, 169-197 ms   2.8-3.1 s, 35-42 ms
 *   50,000   2.5 s, 331 ms            3.8 s, 65 ms
 *
 * Up to 2,000 an in-process load holds the keys no longer than the child's own messages do, and
 * is done 30-1000 times sooner; by 5,000 it can hold them for 90 ms, past the app's 50 ms target
 * for a keystroke; at 10,000 it always does.
 */
export const IN_PROCESS_LIMIT = 2000;

/**
 * The whole listing for the app, read where it costs least: here for a small instance, in a child
 * process for a large one (or while this process's connection is down), decided by the record
 * count (HLEN, constant time). `forked` says which. Kept packed (SummaryTable): the app holds it
 * for as long as it shows it.
 */
export async function loadSummaryTable(
	store: TokenStore,
	target: RedisTarget,
	options: SummaryOptions,
	limit = IN_PROCESS_LIMIT,
	/** The table this load replaces (the app's reload): the new one shares what did not change with it (SummaryTableBuilder). */
	previous?: SummaryTable,
): Promise<{table: SummaryTable; forked: boolean}> {
	if (await readsHere(store, target, limit)) {
		return {table: SummaryTable.of(await here(target, async () => store.summaries(options)), undefined, previous), forked: false};
	}

	return {table: await summariesInChild(target, options, previous), forked: true};
}

/**
 * Whether a listing is read in this process: over a connection that is up (a persistent one that
 * is reconnecting, or whose reconnect was vetoed, its database gone, would queue the reads; the
 * child connects afresh and says what is wrong, as it always has) and below `limit` records
 * (HLEN, constant time).
 */
async function readsHere(store: TokenStore, target: RedisTarget, limit: number): Promise<boolean> {
	return store.redis.status === 'ready' && (await here(target, async () => store.count())) < limit;
}

/** A read in this process whose failure says what happened at which Redis, as the child's do. */
async function here<T>(target: RedisTarget, read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (error) {
		throw asRedisError(error, target);
	}
}

/** The listing's first rows (a screenful and some paging) and how many ids it has in all. */
export type ListingHead = {ids: number; summaries: TokenSummary[]};

/**
 * The app's first load: a screenful of rows to show at once, read now, and loadSummaryTable(),
 * after the head: at once for a small instance, and for a large one when all() is first called
 * (the app calls it once the head is on screen). A small instance's head is its first rows
 * (TokenStore.head), read here; a large one's is the rows HSCAN
 * walks first (TokenStore.sample): the head's HKEYS of every id would leave 100,000 strings in this
 * process (~20 MB of its resident set until a full collection).
 */
export function loadSummaryTableWithHead(
	store: TokenStore,
	target: RedisTarget,
	options: SummaryOptions,
	headRows: number,
	limit = IN_PROCESS_LIMIT,
): {head: Promise<ListingHead>; all: () => Promise<{table: SummaryTable; forked: boolean}>} {
	// Only over a connection that is up (see loadSummaryTable); one that is not has no head to show.
	const size = here(target, async () => (store.redis.status !== 'ready' ? 'away' : (await store.count()) < limit ? 'small' : 'large'));
	const head = size.then(async which =>
		// here() says which Redis: "not connected" alone would not.
		here(target, async () => {
			if (which === 'away') {
				throw new Error('not connected');
			}

			return which === 'small' ? store.head(headRows, options) : store.sample(headRows, options);
		}),
	);
	head.catch(() => {});
	let whole: Promise<{table: SummaryTable; forked: boolean}> | undefined;
	const all = async () =>
		(whole ??= size.then(async which => {
			// After the head: the two do not compete for this process's connection and thread.
			await head.catch(() => {});
			return which === 'small'
				? {table: SummaryTable.of(await here(target, async () => store.summaries(options))), forked: false}
				: {table: await summariesInChild(target, options), forked: true};
		}));
	// A small instance's whole table is read at once (milliseconds, here), a large one's when asked.
	// Its failure is the caller's, from its own all() (the same promise): this early start must not
	// leave it unhandled, which in the app is a crash (a Redis that stalls during the read did it).
	size.then(async which => (which === 'small' ? all() : undefined)).catch(() => {});
	return {head, all};
}

/**
 * The counts serve's /metrics reports (tokens/inventory.ts) at `now`, read where it costs least,
 * as loadSummaryTable() decides: a small instance's listing counted here, a large one's in the
 * loader child, which sends back only the counts. `forked` says which.
 */
export async function loadInventory(
	store: TokenStore,
	target: RedisTarget,
	now: number,
	limit = IN_PROCESS_LIMIT,
): Promise<{inventory: Inventory; forked: boolean}> {
	if (await readsHere(store, target, limit)) {
		return {inventory: await here(target, async () => inventoryHere(store, now)), forked: false};
	}

	return {inventory: await inventoryInChild(target, now), forked: true};
}

/** The inventory at `now`, counted in this process whatever the size. */
export async function inventoryHere(store: TokenStore, now: number): Promise<Inventory> {
	let unreadable = 0;
	const summaries = await store.summaries({
		onUnreadable() {
			unreadable++;
		},
	});
	return inventoryOf(summaries, unreadable, now);
}
