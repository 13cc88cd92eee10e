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
import type {ChainableCommander} from 'ioredis';
import {checkExec} from './redis-errors.js';
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
 * nothing else is written either. reviewEach() reads them.
 */
export async function* reviewRecords(
	store: StoreContext,
	{account}: {account?: string} = {},
	size = BATCH,
): AsyncGenerator<ReviewRecord[]> {
	const read = await reviewEach(store, {account}, entry => entry);
	for (let start = 0; start < read.length; start += size) {
		yield read.slice(start, start + size);
	}
}

/**
 * What `make` makes of every stored token for review (its ReviewRecord, whole), id descending,
 * each id once: `make` runs as soon as a token's record, last use and account are known, so a
 * caller keeps only what it makes (review: the findings), not 100,000 records until the end.
 * Redis is read in batches: HSCAN pages of the records, and for each page one pipeline of HMGETs
 * of 1,000 ids for its last uses and HEXISTS for the accounts it names that were not asked about
 * yet, so 100,000 tokens are a few dozen round trips, not 100,000. Each page is read as it
 * arrives, while Redis reads the next one: a record by the listing's fast reader
 * (summarizeRecord), which takes out the fields review reads without building the record (the
 * library decodes only the few records that are not plain), a last use by its fast reader
 * (lastUseOf). So the stored bytes die young. What `make` makes need not be an object: `idOf`
 * gives its id (review --json makes a number, its line's in a packed store: commands/review-json.ts).
 */
export async function reviewEach<T>(
	store: StoreContext,
	{account}: {account?: string},
	make: (entry: ReviewRecord) => T,
	idOf: (made: T) => string = made => (made as {id: string}).id,
): Promise<T[]> {
	const {redis, keys} = store;
	// In the order read, so that of an id HSCAN returned twice the first is kept, as a listing keeps it.
	const made: T[] = [];
	const exists = new Map<string, boolean>();
	const asked = new Set<string>();
	const reads: Array<Promise<void>> = [];
	const readPage = (ids: readonly string[], records: ReadonlyArray<Buffer | null | undefined>) => {
		const page: ReviewRecord[] = [];
		for (const [index, id] of ids.entries()) {
			const bytes = records[index];
			if (bytes) {
				page.push(reviewRecordOf(id, bytes));
			}
		}

		if (page.length === 0) {
			return;
		}

		const first = made.length;
		made.length += page.length;
		const accounts: string[] = [];
		for (const entry of page) {
			const bound = accountOf(entry);
			if (bound !== undefined && !asked.has(bound)) {
				asked.add(bound);
				accounts.push(bound);
			}
		}

		const pipeline = redis.pipeline();
		for (let start = 0; start < page.length; start += BATCH) {
			pipeline.hmgetBuffer(keys.access, ...page.slice(start, start + BATCH).map(entry => entry.id));
		}

		askAccounts(store, pipeline, accounts);
		// Pipelines on one connection are answered in order, so every account an earlier page asked
		// about is known by the time this page's answers come.
		const done = pipeline.exec().then(replies => {
			const batches = Math.ceil(page.length / BATCH);
			// checkExec words a per-reply error (WRONGTYPE, NOPERM…) as every other store failure is worded.
			const values = (checkExec(replies?.slice(0, batches) ?? null, 'Reading tokens') as Array<Array<Buffer | null>>).flat();
			accountAnswers(replies?.slice(batches) ?? [], accounts, exists);
			for (const [index, entry] of page.entries()) {
				entry.lastUse = lastUseOf(values[index]);
				const bound = accountOf(entry);
				if (bound !== undefined) {
					entry.accountExists = exists.get(bound);
				}

				made[first + index] = make(entry);
			}
		});
		done.catch(() => {});
		reads.push(done);
	};

	if (account === undefined) {
		// Everything: the hash, through HSCAN (which never blocks a live EmailEngine).
		for await (const flat of scanPages(redis, keys.tokens)) {
			const ids: string[] = [];
			const records: Buffer[] = [];
			for (let index = 0; index + 1 < flat.length; index += 2) {
				ids.push(flat[index]!.toString());
				records.push(flat[index + 1]!);
			}

			readPage(ids, records);
		}
	} else {
		// One account's tokens: its index (a hint, as for `list --account`), then their records by id.
		const ids = await redis.smembers(keys.index(account));
		readPage(ids, await hmgetBatched(redis, keys.tokens, ids));
	}

	await Promise.all(reads);
	sortByIdDescending(made, idOf);
	return made;
}

/** One stored record as review reads it; its last use and account existence are filled in later. */
function reviewRecordOf(id: string, bytes: Buffer): ReviewRecord {
	const summary = summarizeRecord(id, bytes);
	if (!summary) {
		return {id, record: undefined, unreadable: unreadableReason(bytes) ?? 'unreadable', lastUse: undefined, accountExists: undefined};
	}

	// A plain record without a description of plain text is decoded whole, so that review
	// prints the description as stored (an empty one, a number…), not as a table shows it.
	const plainWithoutDescription = summary.problem === undefined && summary.description === undefined;
	const record = plainWithoutDescription ? decodeRecord(bytes) : reviewedRecordOf(summary);
	return {id, record, unreadable: undefined, lastUse: undefined, accountExists: undefined};
}

/** The account a token is bound to (text), whose existence review asks about. */
function accountOf(entry: ReviewRecord): string | undefined {
	const bound = entry.record ? boundAccountOf(entry.record) : undefined;
	return typeof bound === 'string' ? bound : undefined;
}

/** Queues on `pipeline` whether each account exists: its hash has the field `account` (compatibility §1.2). */
function askAccounts(store: StoreContext, pipeline: ChainableCommander, accounts: readonly string[]): void {
	for (const account of accounts) {
		pipeline.hexists(store.keys.account(account), 'account');
	}
}

/**
 * The answers of askAccounts(), into `exists`. A key of another type under iad:{account} (another
 * writer's) leaves the account unknown, rather than failing the review of every other token.
 */
function accountAnswers(replies: Array<[Error | null, unknown]>, accounts: readonly string[], exists: Map<string, boolean>): void {
	for (const [index, [error, reply]] of replies.entries()) {
		if (error && !error.message.startsWith('WRONGTYPE')) {
			throw new TokenError('redis', `Reading accounts failed: ${error.message}`, {cause: error});
		}

		if (!error) {
			exists.set(accounts[index]!, reply === 1);
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
	askAccounts(store, pipeline, asked);
	accountAnswers((await pipeline.exec()) ?? [], asked, exists);
}
