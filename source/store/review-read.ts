import {
	TokenError,
	type LastUse,
	type TokenRecord,
	boundAccountOf,
	decodeRecord,
	lastUseOf,
	reviewedRecordOf,
	summarizeRecord,
	unreadableReason,
} from '../tokens/index.js';
import {sortByIdDescending} from './id-order.js';
import {BATCH, type StoreContext, hmgetBatched, scanPages} from './stored-records.js';

/** One token as review sees it: everything reviewToken() needs that only Redis knows. */
export type ReviewRecord = {
	id: string;
	/**
	 * The record as far as review reads it and prints it (reviewedRecordOf: description, account,
	 * scopes, times, and restrictions, permissions or metadata when it has them); the whole record
	 * when it is anything but plain. Undefined when it cannot be read (`unreadable` says why).
	 */
	record: TokenRecord | undefined;
	unreadable: string | undefined;
	lastUse: LastUse | undefined;
	/** For a token bound to an account (text): whether `iad:{account}` has its `account` field. */
	accountExists: boolean | undefined;
};

/**
 * Every stored token for review, a chunk at a time, id descending: expired ones and records that
 * cannot be read included (a listing hides both), with last use and whether each bound account
 * still exists. Read-only: unlike EmailEngine's listing it reaps nothing (compatibility §1.8), and
 * nothing else is written either. Redis is read in batches (HSCAN pages of the records, one
 * pipeline of HMGETs of 1,000 ids for the last uses, one pipeline of HEXISTS per chunk for the
 * accounts not yet looked up), so 100,000 tokens are a few dozen round trips, not 100,000; records
 * are read a chunk at a time, so what is made of them dies young. A record is read by the
 * listing's fast reader (summarizeRecord), which takes out the fields review reads without
 * building the record; the library decodes only the few records that are not plain.
 */
export async function* reviewRecords(
	store: StoreContext,
	{account}: {account?: string} = {},
	size = BATCH,
): AsyncGenerator<ReviewRecord[]> {
	const {redis, keys} = store;
	type Row = {id: string; bytes: Buffer; lastUse: LastUse | undefined};
	const rows: Row[] = [];
	// Each page of records is kept, and its last uses asked for as it arrives (one pipeline of
	// HMGETs of 1,000 ids), so Redis reads them while the next page comes rather than after the
	// whole hash; joined by position, no lookup by id (most are the 0x80 of "never"), and read as
	// they come by the fast reader (lastUseOf), so their bytes are not kept.
	const reads: Array<Promise<void>> = [];
	const readAccess = (page: Row[]) => {
		if (page.length === 0) {
			return;
		}

		for (const row of page) {
			rows.push(row);
		}

		const read = hmgetBatched(
			redis,
			keys.access,
			page.map(row => row.id),
		).then(values => {
			for (const [index, row] of page.entries()) {
				row.lastUse = lastUseOf(values[index]);
			}
		});
		read.catch(() => {});
		reads.push(read);
	};

	if (account === undefined) {
		// Everything: the hash, through HSCAN (which never blocks a live EmailEngine).
		for await (const flat of scanPages(redis, keys.tokens)) {
			const page: Row[] = [];
			for (let index = 0; index + 1 < flat.length; index += 2) {
				page.push({id: flat[index]!.toString(), bytes: flat[index + 1]!, lastUse: undefined});
			}

			readAccess(page);
		}
	} else {
		// One account's tokens: its index (a hint, as for `list --account`), then their records by id.
		const ids = await redis.smembers(keys.index(account));
		const records = await hmgetBatched(redis, keys.tokens, ids);
		const page: Row[] = [];
		for (const [index, id] of ids.entries()) {
			const bytes = records[index];
			if (bytes) {
				page.push({id, bytes, lastUse: undefined});
			}
		}

		readAccess(page);
	}

	await Promise.all(reads);
	// Id descending, each id once (HSCAN may return a field twice); made after the reads, so what
	// is made of the records is in listing order.
	sortByIdDescending(rows);
	const exists = new Map<string, boolean>();
	for (let start = 0; start < rows.length; start += size) {
		const chunk = rows.slice(start, start + size).map(({id, bytes, lastUse}): ReviewRecord => {
			const summary = summarizeRecord(id, bytes);
			if (!summary) {
				return {id, record: undefined, unreadable: unreadableReason(bytes) ?? 'unreadable', lastUse, accountExists: undefined};
			}

			// A plain record without a description of plain text is decoded whole, so that review
			// prints the description as stored (an empty one, a number…), not as a table shows it.
			const plainWithoutDescription = summary.problem === undefined && summary.description === undefined;
			const record = plainWithoutDescription ? decodeRecord(bytes) : reviewedRecordOf(summary);
			return {id, record, unreadable: undefined, lastUse, accountExists: undefined};
		});
		await lookUpAccounts(store, chunk, exists);
		yield chunk;
	}
}

/** Fills in accountExists for a chunk, asking Redis (one pipeline) only about accounts not yet known. */
async function lookUpAccounts(store: StoreContext, chunk: ReviewRecord[], exists: Map<string, boolean>): Promise<void> {
	const accountOf = (entry: ReviewRecord) => (entry.record ? boundAccountOf(entry.record) : undefined);
	const unknown = new Set<string>();
	for (const entry of chunk) {
		const account = accountOf(entry);
		if (typeof account === 'string' && !exists.has(account)) {
			unknown.add(account);
		}
	}

	await lookUpAccountsInto(store, unknown, exists);
	for (const entry of chunk) {
		const account = accountOf(entry);
		if (typeof account === 'string') {
			entry.accountExists = exists.get(account);
		}
	}
}

/**
 * Whether each account exists, into `exists`: one pipeline of HEXISTS for all of them (review, and
 * the risk of a listing's rows). An account under a key of another type is left out (unknown).
 */
export async function lookUpAccountsInto(store: StoreContext, accounts: Iterable<string>, exists: Map<string, boolean>): Promise<void> {
	const asked = [...accounts];
	if (asked.length === 0) {
		return;
	}

	const pipeline = store.redis.pipeline();
	for (const account of asked) {
		// An account exists exactly when its hash has the field `account` (compatibility §1.2).
		pipeline.hexists(store.keys.account(account), 'account');
	}

	const replies = (await pipeline.exec()) ?? [];
	for (const [index, [error, reply]] of replies.entries()) {
		// A key of another type under iad:{account} (another writer's) leaves the account unknown,
		// rather than failing the review of every other token.
		if (error && !error.message.startsWith('WRONGTYPE')) {
			throw new TokenError('redis', `Reading accounts failed: ${error.message}`, {cause: error});
		}

		if (!error) {
			exists.set(asked[index]!, reply === 1);
		}
	}
}
