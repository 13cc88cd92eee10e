// Over 300 lines for a reason: every way of reading many tokens (the whole listing, in chunks,
// its first rows, by account) shares one scan, filter and join, and reads best beside it.
import {
	type StoredEntry,
	type TokenEntry,
	type TokenQuery,
	type TokenRecord,
	type TokenSummary,
	type UNREADABLE_TIME,
	decodeLastUse,
	isEveryToken,
	isExpired,
	lastUsedTime,
	matchesQuery,
	matchesSearch,
	normaliseQuery,
	reviewedAccountOf,
	searchTextOf,
	selectTokens,
	summarizeRecord,
	summaryExpired,
	summaryRisk,
	unreadableSummary,
	showsOf,
} from '../tokens/index.js';
import {ByteArena} from './byte-arena.js';
import {joinById, sortByIdDescending, topByIdDescending} from './id-order.js';
import {
	BATCH,
	type OnUnreadable,
	type StoreContext,
	type UnreadableRecord,
	decodeOrReport,
	hmgetBatched,
	reportUnreadable,
	scanHash,
	scanPages,
} from './stored-records.js';
import {lookUpAccountsInto} from './review-read.js';

/**
 * Listings, as EmailEngine computes them (compatibility §7): every token or one account's, id
 * descending, expired ones hidden, filtered by scope and search text. Three shapes of one
 * selection: whole entries (list, listInChunks: JSON and exports), row summaries (tables), and a
 * page (the REST route).
 */

export type ListOptions = {
	/** Only tokens bound to this account (read through its index set). */
	account?: string;
	/** EmailEngine's search (the REST route): a case-insensitive substring of id, description or account. */
	query?: string;
	/**
	 * The filter language (tokens/query.ts: `list --query`, revoke by query): what the rows show and
	 * facts, last use included. Tokens it asks for (`is:expired`) are included even when expired.
	 */
	where?: TokenQuery;
	/** Literal membership in `scopes` (a `*` token does not match `mcp`). */
	scope?: string;
	/** Also return records whose expiry has passed (EmailEngine hides them). */
	includeExpired?: boolean;
	/**
	 * Reckon each row's review risk (summary.risk: the app's marker). A query with a `risk:` term
	 * has it reckoned whether or not this is set.
	 */
	risk?: boolean;
	/** Read last use too (default); an export has no use for it and skips a whole hash. */
	lastUse?: boolean;
	/**
	 * Told about each record that is skipped because it cannot be read, so the front end can say so;
	 * the listing goes on without it.
	 */
	onUnreadable?: OnUnreadable;
	/** Told about each listed token that can never authenticate, and why (recordProblem). */
	onUnusable?: (id: string, problem: string) => void;
	/**
	 * Told about each expired record the listing hid, so a caller that reaps as EmailEngine's REST
	 * listing does (compatibility §1.8) can; the listing itself never writes.
	 */
	onExpired?: (id: string, record: TokenRecord) => void;
};

/** What a token table asks of a listing: list()'s options, and whether unreadable records are rows. */
export type SummaryOptions = Omit<ListOptions, 'lastUse'> & {
	/**
	 * Unreadable records become rows of their own (unreadableSummary: the id and why) instead of
	 * being skipped, so a table shows them and they can be revoked from it; still reported.
	 */
	unreadableRows?: boolean;
};

/** All tokens, or one account's, sorted by id descending, expired ones hidden. */
export async function listEntries(store: StoreContext, options: ListOptions = {}): Promise<TokenEntry[]> {
	const entries: TokenEntry[] = [];
	for await (const chunk of listEntriesInChunks(store, options)) {
		for (const entry of chunk) {
			entries.push(entry);
		}
	}

	return entries;
}

/**
 * listEntries(), a chunk at a time, for writing out as it goes (`list --json` of 100,000 tokens).
 * Records are decoded in listing order one chunk at a time (listEntryBytesInChunks), so they die
 * young instead of 100,000 of them living through the sort. Every Redis read is done before the
 * first chunk comes.
 */
export async function* listEntriesInChunks(store: StoreContext, options: ListOptions = {}, size = BATCH): AsyncGenerator<TokenEntry[]> {
	for await (const rows of listEntryBytesInChunks(store, options, size)) {
		const chunk: TokenEntry[] = [];
		for (const {id, record: bytes, access} of rows) {
			// Summaries and records agree on what is readable (summarizeRecord), so this is a guard.
			const record = decodeOrReport(id, bytes, options.onUnreadable);
			if (record) {
				chunk.push({id, record, lastUse: decodeLastUse(access)});
			}
		}

		yield chunk;
	}
}

/**
 * The listing's selection as stored bytes, a chunk at a time, for a caller that writes each token
 * straight from its bytes (entriesJson: `list --json`) instead of decoding it first. Every Redis
 * read is done before the first chunk comes, so the selection holds each record's bytes until then:
 * copied into one arena (byte-arena.ts) as they are read, not decoded (100,000 decoded records
 * living through the sort cost the garbage collector more than decoding them) and not as a Buffer
 * each. Only readable records are selected (summarizeRecord decides, as the library).
 */
export async function* listEntryBytesInChunks(store: StoreContext, options: ListOptions = {}, size = BATCH): AsyncGenerator<StoredEntry[]> {
	const {where} = options;
	const arena = new ByteArena();
	const recordOf = (row: HeldEntry) => arena.view(row.recordAt, row.recordLength);
	const accessOf = (row: HeldEntry) => (row.accessAt < 0 ? undefined : arena.view(row.accessAt, row.accessLength));
	let rows = await select<HeldEntry, Buffer>(
		store,
		options,
		// Every field there from birth, so attaching the last use later does not change each row's shape.
		(summary, bytes) => ({id: summary.id, recordAt: arena.add(bytes), recordLength: bytes.length, accessAt: -1, accessLength: 0}),
		// A query about last use needs it even when the caller does not.
		options.lastUse === false && !where
			? undefined
			: {
					keep: bytes => bytes,
					attach(row, bytes) {
						row.accessAt = arena.add(bytes);
						row.accessLength = bytes.length;
					},
					byId: true,
				},
	);
	if (where && !isEveryToken(where)) {
		// The rows keep bytes, not summaries (memory): a query summarises each once more, here.
		rows = await queried(store, rows, row => summarizeRecord(row.id, recordOf(row), lastUsedTime(accessOf(row))), where);
	}

	const withLastUse = options.lastUse !== false;
	for (let start = 0; start < rows.length; start += size) {
		yield rows
			.slice(start, start + size)
			.map(row => ({id: row.id, record: recordOf(row), access: withLastUse ? accessOf(row) : undefined}));
	}
}

/** A selected token while the listing reads: its id, and the places in the arena of its record and last use (-1: none). */
type HeldEntry = {id: string; recordAt: number; recordLength: number; accessAt: number; accessLength: number};

/**
 * The listing as token tables show it (the app, `list` on a terminal): what listEntries() selects,
 * in the same order, but as row summaries read straight from the msgpack bytes, with only the time
 * of each last use. At 100,000 tokens this is a fraction of listEntries()'s time and memory.
 */
export async function listSummaries(store: StoreContext, options: SummaryOptions = {}): Promise<TokenSummary[]> {
	const summaries = await select<TokenSummary, number | typeof UNREADABLE_TIME>(store, options, summary => summary, {
		// Only used tokens' times are kept: on most instances a minority.
		keep: lastUsedTime,
		attach(summary, time) {
			summary.lastUsed = time;
		},
	});
	if (options.risk || options.where?.wantsRisk) {
		await withRisk(store, summaries);
	} else {
		dropReviewFields(summaries);
	}

	// After the join: the query may be about last use (or risk).
	return options.where ? selectTokens(summaries, options.where, store.now()) : summaries;
}

/**
 * A selected token as stored: its row summary, its record's bytes and its last-use bytes, and for a
 * selection by account, the index key its id was read from (SMEMBERS): it was a member of that set
 * as the plan was read, which the snapshot then need not ask Redis again.
 */
export type StoredRow = {id: string; summary: TokenSummary; record: Buffer; access: Buffer | undefined; memberOf?: string};

/**
 * listSummaries()'s selection with the stored bytes of each row kept too, for a revoke that
 * journals exactly what it deletes without reading every record a second time. A row's
 * `summary.lastUsed` is read from its last-use bytes only when `where` is given (a query may be
 * about last use); otherwise a caller that shows rows reads it from `access` (lastUsedTime), for
 * the rows it shows: at 10,000 rows, reading every time costs more than the ten a plan shows.
 */
export async function listStored(store: StoreContext, options: SummaryOptions = {}): Promise<StoredRow[]> {
	const memberOf = options.account === undefined ? undefined : store.keys.index(options.account);
	const rows = await select<StoredRow, Buffer>(
		store,
		options,
		(summary, record) => ({id: summary.id, summary, record, access: undefined, memberOf}),
		{
			keep: bytes => bytes,
			attach(row, bytes) {
				row.access = bytes;
			},
		},
	);
	if (!options.where) {
		return rows;
	}

	// After the join, as listSummaries: the query may be about last use (or risk).
	for (const row of rows) {
		row.summary.lastUsed = row.access && lastUsedTime(row.access);
	}

	return queried(store, rows, row => row.summary, options.where);
}

/**
 * The rows whose summaries `where` keeps, read after the last-use join; their risk is reckoned
 * first when the query asks about it (`risk:`), as listSummaries does. One place, so a listing and
 * the revoke that acts on it select the same tokens.
 */
async function queried<Row>(
	store: StoreContext,
	rows: Row[],
	summaryOf: (row: Row) => TokenSummary | undefined,
	where: TokenQuery,
): Promise<Row[]> {
	const summaries = rows.map(summaryOf);
	if (where.wantsRisk) {
		await withRisk(store, summaries);
	}

	const now = store.now();
	return rows.filter((_row, index) => {
		const summary = summaries[index];
		return summary !== undefined && matchesQuery(where, summary, showsOf(summary), now);
	});
}

/**
 * A table's rows keep no `review` fields once their risk is reckoned or not asked for: they serve
 * only that, and a listing is then the same here as from the loader child (which never sends them).
 */
function dropReviewFields(summaries: ReadonlyArray<TokenSummary | undefined>): void {
	for (const summary of summaries) {
		if (summary?.review !== undefined) {
			summary.review = undefined;
		}
	}
}

/**
 * Sets each summary's risk (review's highest level, summary-risk.ts) at the store's now, after
 * last use is joined: one pipeline asks whether each distinct bound account exists (at 100,000
 * tokens a few hundred accounts, not 100,000 reads). The `review` fields are let go once used.
 */
export async function withRisk(store: StoreContext, summaries: ReadonlyArray<TokenSummary | undefined>): Promise<void> {
	const accounts = new Set<string>();
	for (const summary of summaries) {
		const account = summary && reviewedAccountOf(summary);
		if (account !== undefined) {
			accounts.add(account);
		}
	}

	const exists = new Map<string, boolean>();
	await lookUpAccountsInto(store, accounts, exists);
	const now = store.now();
	for (const summary of summaries) {
		if (summary) {
			const account = reviewedAccountOf(summary);
			summary.risk = summaryRisk(summary, account === undefined ? undefined : exists.get(account), now);
			summary.review = undefined;
		}
	}
}

/**
 * What a listing keeps of each last use, and how it joins its row: the JSON listing keeps the
 * stored bytes, a table only the time. `keep` returns undefined for nothing worth keeping (a token
 * never used), and those rows are left as they are.
 */
type LastUses<Row, Use> = {
	keep: (bytes: Buffer) => Use | undefined;
	attach: (row: Row, use: Use) => void;
	/**
	 * Read by the ids of each page of records as it comes (HMGET), instead of scanning the whole
	 * last-use hash beside the records and joining it by id: for a caller that keeps every last use,
	 * most of them the one byte of a token never used, whose field names a scan returns too.
	 */
	byId?: boolean;
};

/**
 * The selection every listing shares, as rows its caller makes: every record the options select
 * (readable, unexpired unless asked, matching the filters), id descending, each made into a row by
 * `makeRow` as it is read, with what `lastUses` keeps of each last use attached. The caller makes
 * its own rows because at 100,000 tokens what a row holds is the listing's memory: a table keeps
 * the summary alone, the JSON listing the record's bytes alone.
 */
async function select<Row extends {id: string}, Use>(
	store: StoreContext,
	options: ListOptions & Pick<SummaryOptions, 'unreadableRows'>,
	makeRow: (summary: TokenSummary, bytes: Buffer) => Row,
	lastUses: LastUses<Row, Use> | undefined,
): Promise<Row[]> {
	const {redis, keys} = store;
	const now = store.now();
	const filter = filterFor(options);
	const rows: Row[] = [];
	const visit = (id: string, bytes: Buffer) => {
		let summary = summarizeRecord(id, bytes);
		if (!summary) {
			const reason = reportUnreadable(id, bytes, options.onUnreadable);
			if (!options.unreadableRows) {
				return;
			}

			summary = unreadableSummary(id, reason);
		}

		const expired = summaryExpired(summary, now);
		if (expired && options.onExpired) {
			// Summaries and records agree on what is readable, so this decodes; guarded all the same.
			const record = decodeOrReport(id, bytes, undefined);
			if (record) {
				options.onExpired(id, record);
			}
		}

		if ((options.includeExpired || options.where?.wantsExpired || !expired) && (!filter || filter(summary))) {
			rows.push(makeRow(summary, bytes));
			if (summary.problem !== undefined) {
				options.onUnusable?.(id, summary.problem);
			}
		}
	};

	if (options.account !== undefined) {
		// One account's tokens: its index, then their records and last uses by id, both asked for at
		// once (one round trip, not two; Redis reads the last uses while the records are read here).
		const ids = await redis.smembers(keys.index(options.account));
		const [records, values] = await Promise.all([
			hmgetBatched(redis, keys.tokens, ids),
			lastUses ? hmgetBatched(redis, keys.access, ids) : undefined,
		]);
		for (const [index, id] of ids.entries()) {
			const bytes = records[index];
			if (!bytes) {
				continue;
			}

			const selected = rows.length;
			visit(id, bytes);
			// Joined by position in the index, to the row made of this record when it was selected.
			const value = values?.[index];
			const use = value && rows.length > selected ? lastUses!.keep(value) : undefined;
			if (use !== undefined) {
				lastUses!.attach(rows[selected]!, use);
			}
		}

		sortByIdDescending(rows);
		return rows;
	}

	if (lastUses?.byId) {
		// Each page's selected rows ask for their last uses as the page is read: Redis reads them
		// while the next pages are scanned and read here, and each reply is joined by position.
		const reads: Array<Promise<void>> = [];
		for await (const flat of scanPages(redis, keys.tokens)) {
			const from = rows.length;
			for (let index = 0; index + 1 < flat.length; index += 2) {
				visit(flat[index]!.toString(), flat[index + 1]!);
			}

			const page = rows.slice(from);
			if (page.length > 0) {
				const read = hmgetBatched(
					redis,
					keys.access,
					page.map(row => row.id),
				).then(values => {
					for (const [index, value] of values.entries()) {
						const use = value ? lastUses.keep(value) : undefined;
						if (use !== undefined) {
							lastUses.attach(page[index]!, use);
						}
					}
				});
				// Awaited below, with the others; a failure is not unhandled meanwhile.
				read.catch(() => {});
				reads.push(read);
			}
		}

		await Promise.all(reads);
		sortByIdDescending(rows);
		return rows;
	}

	// Everything: both hashes are scanned side by side, then joined by id.
	const used = {ids: [] as string[], values: [] as Use[]};
	await Promise.all([
		scanHash(redis, keys.tokens, visit),
		lastUses &&
			scanHash(redis, keys.access, (id, bytes) => {
				const use = lastUses.keep(bytes);
				if (use !== undefined) {
					used.ids.push(id);
					used.values.push(use);
				}
			}),
	]);
	sortByIdDescending(rows);
	if (lastUses) {
		joinById(rows, row => row.id, used.ids, used.values, lastUses.attach);
	}

	return rows;
}

/**
 * The first `count` rows of the unfiltered listing and the number of ids, without reading every
 * record: one HKEYS, a top-`count` pass over the ids, one HMGET of their records and last uses.
 * A screen shows these while the whole listing loads. `ids` counts every hash field, expired
 * and unreadable records too, so it can be a little above the listing's length; `unreadable`
 * are the records among the first ones that cannot be read.
 */
export async function listHead(
	store: StoreContext,
	count: number,
	{unreadableRows = false, risk = false}: Pick<SummaryOptions, 'unreadableRows' | 'risk'> = {},
): Promise<{ids: number; summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
	const ids = await store.redis.hkeys(store.keys.tokens);
	// A few spare ids stand in for expired or undecodable records among the first ones.
	return {ids: ids.length, ...(await headRows(store, topByIdDescending(ids, count + 16), count, {unreadableRows, risk}))};
}

/**
 * `count` rows of the listing for a first screen, and the number of ids, without reading every id
 * as listHead does: the first fields HSCAN walks (a page or a few), whichever tokens those are. At
 * 100,000 tokens listHead's HKEYS makes 100,000 strings, ~20 MB of a process's heap until its
 * next full collection; this reads a screenful. For a screen sorted by anything but the id (the
 * app's is by creation) the highest ids are no truer a first screen than any others.
 */
export async function listSample(
	store: StoreContext,
	count: number,
	options: Pick<SummaryOptions, 'unreadableRows' | 'risk'> = {},
): Promise<{ids: number; summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
	const {redis, keys} = store;
	// A Set: HSCAN may return a field twice (a rehash during the scan).
	const found = new Set<string>();
	let cursor = '0';
	do {
		const [next, pairs] = await redis.hscan(keys.tokens, cursor, 'COUNT', count + 16);
		for (let index = 0; index < pairs.length; index += 2) {
			found.add(pairs[index]!);
		}

		cursor = next;
	} while (cursor !== '0' && found.size < count + 16);

	const ids = await redis.hlen(keys.tokens);
	return {ids, ...(await headRows(store, topByIdDescending([...found], count + 16), count, options))};
}

/** The rows of `top` (ids in listing order) for a first screen: listHead's and listSample's. */
async function headRows(
	store: StoreContext,
	top: string[],
	count: number,
	{unreadableRows = false, risk = false}: Pick<SummaryOptions, 'unreadableRows' | 'risk'>,
): Promise<{summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
	const {redis, keys} = store;
	const now = store.now();
	const [records, access] = await Promise.all([hmgetBatched(redis, keys.tokens, top), hmgetBatched(redis, keys.access, top)]);
	const summaries: TokenSummary[] = [];
	const unreadable: UnreadableRecord[] = [];
	for (const [index, id] of top.entries()) {
		const record = records[index];
		if (!record || summaries.length >= count) {
			continue;
		}

		const summary = summarizeRecord(id, record, lastUsedTime(access[index]));
		if (!summary) {
			const reason = reportUnreadable(id, record, found => unreadable.push(found));
			if (unreadableRows) {
				summaries.push(unreadableSummary(id, reason));
			}
		} else if (!summaryExpired(summary, now)) {
			summaries.push(summary);
		}
	}

	if (risk) {
		await withRisk(store, summaries);
	} else {
		dropReviewFields(summaries);
	}

	return {summaries, unreadable};
}

/**
 * One page of the listing, as EmailEngine's REST route and admin page compute it. With a query or
 * scope filter every candidate is read and matched; without one only the ids are read and sorted,
 * and only the page's records and last uses are fetched, so a page of 20 out of 100,000 decodes 20
 * records. Missing and undecodable records are skipped but still counted in `total`; expired ones
 * are hidden and subtracted, as EmailEngine does (it also reaps them: onExpired; a listing never writes).
 */
export async function listPage(
	store: StoreContext,
	options: ListOptions & {page: number; pageSize: number},
): Promise<{total: number; entries: TokenEntry[]}> {
	const {redis, keys} = store;
	const start = options.page * options.pageSize;
	if (options.query || options.scope !== undefined) {
		const matches = await listEntries(store, {...options, lastUse: false});
		const entries = matches.slice(start, start + options.pageSize);
		const access = await hmgetBatched(
			redis,
			keys.access,
			entries.map(entry => entry.id),
		);
		for (const [index, entry] of entries.entries()) {
			entry.lastUse = decodeLastUse(access[index]);
		}

		return {total: matches.length, entries};
	}

	const ids = options.account === undefined ? await redis.hkeys(keys.tokens) : await redis.smembers(keys.index(options.account));
	sortByIdDescending(ids, id => id);
	const pageIds = ids.slice(start, start + options.pageSize);
	const [records, access] = await Promise.all([hmgetBatched(redis, keys.tokens, pageIds), hmgetBatched(redis, keys.access, pageIds)]);
	const now = store.now();
	let total = ids.length;
	const entries: TokenEntry[] = [];
	for (const [index, id] of pageIds.entries()) {
		const bytes = records[index];
		const record = bytes ? decodeOrReport(id, bytes, options.onUnreadable) : undefined;
		if (!record) {
			continue;
		}

		if (isExpired(record, now)) {
			options.onExpired?.(id, record);
			if (!options.includeExpired) {
				total--;
				continue;
			}
		}

		entries.push({id, record, lastUse: decodeLastUse(access[index])});
	}

	return {total, entries};
}

/**
 * The scope and query filters of a listing as one predicate, or undefined when there are none.
 * Scope is literal membership; the query is a case-insensitive substring of id, description or
 * account (compatibility §7).
 */
function filterFor(options: ListOptions): ((summary: TokenSummary) => boolean) | undefined {
	const {scope} = options;
	const query = options.query ? normaliseQuery(options.query) : undefined;
	if (scope === undefined && query === undefined) {
		return undefined;
	}

	return summary =>
		(scope === undefined || summary.scopes?.includes(scope) === true) &&
		(query === undefined || matchesSearch(summary, searchTextOf(summary), query));
}
