import type {Redis} from 'ioredis';
import {
	EMPTY_ACCESS,
	type LastUse,
	type NewToken,
	type TokenEntry,
	TokenError,
	type TokenRecord,
	buildRecord,
	decodeExportString,
	decodeLastUse,
	decodeRecord,
	encodeExportString,
	encodeRecord,
	generateRawToken,
	importedRecord,
	indexAccountOf,
	isExpired,
	isHex64,
	lastUsedTime,
	normaliseQuery,
	matchesSearch,
	searchTextOf,
	shallowFields,
	summarizeRecord,
	summaryExpired,
	summaryOf,
	unreadableSummary,
	type TokenSummary,
	tokenIdOf,
	unreadableReason,
} from '../tokens/index.js';
import {joinById, sortByIdDescending, topByIdDescending} from './id-order.js';
import {type Keys, keysFor} from './keys.js';
import {asRedisError, checkExec} from './redis-errors.js';

/** EmailEngine reads and deletes in batches of 1000 ids per command (spec §1.5, §7). */
const BATCH = 1000;

export type ListOptions = {
	/** Only tokens bound to this account (read through its index set). */
	account?: string;
	/** Case-insensitive substring of id, description or account. */
	query?: string;
	/** Literal membership in `scopes` (a `*` token does not match `mcp`). */
	scope?: string;
	/** Also return records whose expiry has passed (EmailEngine hides them). */
	includeExpired?: boolean;
	/** Read last use too (default); an export has no use for it and skips a whole hash. */
	lastUse?: boolean;
	/**
	 * Told about each record that is skipped because it cannot be read (not msgpack, not a map,
	 * nested too deep, too large), so the front end can say so; the listing goes on without it.
	 */
	onUnreadable?: (record: UnreadableRecord) => void;
	/** Told about each listed token that can never authenticate, and why (recordProblem). */
	onUnusable?: (id: string, problem: string) => void;
};

/** What a token table asks of a listing: list()'s options, and whether unreadable records are rows. */
export type SummaryOptions = Omit<ListOptions, 'lastUse'> & {
	/**
	 * Unreadable records become rows of their own (unreadableSummary: the id and why) instead of
	 * being skipped, so a table shows them and they can be revoked from it; still reported.
	 */
	unreadableRows?: boolean;
};

/** A stored record a listing skipped: its id and why it cannot be read. */
export type UnreadableRecord = {id: string; reason: string};

export type ImportOutcome = {status: 'imported' | 'present'; id: string};

/**
 * An import that Redis stopped part-way (a refused write, a lost connection): the outcome of every
 * string handled before it stopped (the rest are undefined), so the caller can say how many were
 * written, and the error that stopped it.
 */
export class ImportStopped extends Error {
	override readonly name = 'ImportStopped';

	constructor(
		readonly outcomes: ReadonlyArray<ImportOutcome | TokenError | undefined>,
		override readonly cause: unknown,
	) {
		super(cause instanceof Error ? cause.message : String(cause));
	}
}

/**
 * Writes the import trio only if the hash field still holds what the caller saw (absent, or an
 * expired/undecodable record it decided to replace). This makes import atomic without WATCH:
 * two processes importing one string at once produce one record and one "imported".
 * KEYS: tokens, access, new index, old index. ARGV: id, record, expected, expected-present, access.
 */
const IMPORT_IF_UNCHANGED = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == '1' then
  if current ~= ARGV[3] then return 0 end
  redis.call('SREM', KEYS[4], ARGV[1])
elseif current then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
`;



function decodeOrUndefined(bytes: Buffer | null | undefined): TokenRecord | undefined {
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
function decodeOrReport(id: string, bytes: Buffer, onUnreadable: ListOptions['onUnreadable']): TokenRecord | undefined {
	const record = decodeOrUndefined(bytes);
	if (!record) {
		reportUnreadable(id, bytes, onUnreadable);
	}

	return record;
}

function reportUnreadable(id: string, bytes: Buffer, onUnreadable: ListOptions['onUnreadable']): string {
	const reason = unreadableReason(bytes) ?? 'unreadable';
	onUnreadable?.({id, reason});
	return reason;
}

/** An unreadable record's message: it exists, it cannot be shown, and it can still be revoked. */
const unreadableError = (id: string, reason: string) =>
	new TokenError('unreadable', `Token ${id} is stored but its record cannot be read (${reason}); it can still be revoked: ee-tokens revoke -t ${id}`);

/**
 * The token store over one Redis connection, implementing spec §1.5 to the byte. It never sees a
 * raw token except to hash it, and never keeps one.
 */
export class TokenStore {
	readonly keys: Keys;

	constructor(
		readonly redis: Redis,
		readonly prefix = '',
		private readonly now: () => number = Date.now,
	) {
		this.keys = keysFor(prefix);
		redis.defineCommand('eeImportIfUnchanged', {numberOfKeys: 4, lua: IMPORT_IF_UNCHANGED});
	}

	/** Provision (spec §1.5): record, empty access record and index entry in one MULTI. */
	async issue(token: Omit<NewToken, 'created'>): Promise<{rawToken: string; id: string; record: TokenRecord}> {
		const rawToken = generateRawToken();
		const id = tokenIdOf(rawToken);
		const record = buildRecord({...token, created: this.now()});
		await this.provision(id, record);
		return {rawToken, id, record};
	}

	/**
	 * Writes a record built by the caller (the REST route builds its own shape) with the provision
	 * trio: record, empty access record, index entry, in one MULTI.
	 */
	async provision(id: string, record: TokenRecord): Promise<void> {
		const replies = await this.redis
			.multi()
			.hset(this.keys.tokens, id, encodeRecord(record))
			.hset(this.keys.access, id, EMPTY_ACCESS)
			.sadd(this.keys.index(indexAccountOf(record)), id)
			.exec();
		checkExec(replies, 'Issuing the token');
	}

	/** Reap an expired token (spec §1.5): record, access and index entry; the audit log keeps its TTL. */
	async reap(id: string, record: TokenRecord): Promise<void> {
		const replies = await this.redis
			.multi()
			.hdel(this.keys.tokens, id)
			.hdel(this.keys.access, id)
			.srem(this.keys.index(indexAccountOf(record)), id)
			.exec();
		checkExec(replies, 'Reaping the expired token');
	}

	/** The record stored under an id, if any; an unreadable one reads as absent and is reported. */
	async get(id: string, onUnreadable?: ListOptions['onUnreadable']): Promise<TokenRecord | undefined> {
		const bytes = await this.redis.hgetBuffer(this.keys.tokens, id);
		return bytes ? decodeOrReport(id, bytes, onUnreadable) : undefined;
	}

	/**
	 * An argument that may be an id or a raw token, tried as an id first and then hashed, as
	 * EmailEngine's export and delete do. Expired tokens are found too. A record that exists but
	 * cannot be read is a TokenError 'unreadable', or, with `allowUnreadable` (revoking it), an entry
	 * with what could be read of it (shallowFields) and `unreadable` saying why.
	 */
	async resolve(idOrToken: string, options: {allowUnreadable?: boolean} = {}): Promise<TokenEntry> {
		const value = idOrToken.trim();
		if (!isHex64(value)) {
			throw new TokenError('usage', 'A token id or raw token is 64 hex characters');
		}

		// Both readings and both last uses in one round trip; the id reading wins, as in EmailEngine.
		const candidates = [value.toLowerCase(), tokenIdOf(value)];
		const [records, access] = await Promise.all([
			this.redis.hmgetBuffer(this.keys.tokens, ...candidates),
			this.redis.hmgetBuffer(this.keys.access, ...candidates),
		]);
		for (const [index, id] of candidates.entries()) {
			const record = decodeOrUndefined(records[index]);
			if (record) {
				return {id, record, lastUse: decodeLastUse(access[index])};
			}
		}

		// Only when neither reading is a readable record: EmailEngine's lookups read an unreadable
		// one as absent and go on to the next reading.
		for (const [index, id] of candidates.entries()) {
			const bytes = records[index];
			if (bytes) {
				const reason = unreadableReason(bytes) ?? 'unreadable';
				if (!options.allowUnreadable) {
					throw unreadableError(id, reason);
				}

				return {id, record: shallowFields(bytes), lastUse: decodeLastUse(access[index]), unreadable: reason};
			}
		}

		// No part of the value: it may be a raw token, and no message echoes one, not even a prefix.
		throw new TokenError('not-found', 'No token with that id or value');
	}

	async lastUse(id: string): Promise<LastUse | undefined> {
		return decodeLastUse(await this.redis.hgetBuffer(this.keys.access, id));
	}

	/** All tokens, or one account's, sorted by id descending (spec §7), expired ones hidden. */
	async list(options: ListOptions = {}): Promise<TokenEntry[]> {
		const entries: TokenEntry[] = [];
		for await (const chunk of this.listInChunks(options)) {
			for (const entry of chunk) {
				entries.push(entry);
			}
		}

		return entries;
	}

	/**
	 * list(), a chunk at a time, for writing out as it goes (`list --json` of 100,000 tokens).
	 * Records are decoded in listing order, one chunk at a time, so they die young instead of
	 * 100,000 of them living through the sort and the garbage collector copying each one twice.
	 */
	async *listInChunks(options: ListOptions = {}, size = BATCH): AsyncGenerator<TokenEntry[]> {
		type Kept = {id: string; bytes: Buffer; access: Buffer | undefined};
		// `access` is there from birth, so attaching it later does not change each row's shape.
		const rows = await this.selected<Kept, Buffer>(options, (summary, bytes) => ({id: summary.id, bytes, access: undefined}), {
			skip: options.lastUse === false,
			read: bytes => bytes ?? undefined,
			attach(row, bytes) {
				row.access = bytes;
			},
		});
		for (let start = 0; start < rows.length; start += size) {
			const chunk: TokenEntry[] = [];
			for (const {id, bytes, access} of rows.slice(start, start + size)) {
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
	 * The listing as token tables show it (the app, `list` on a terminal): what list() selects, in
	 * the same order, but as row summaries read straight from the msgpack bytes, with only the time
	 * of each last use. At 100,000 tokens this is a fraction of list()'s time and memory.
	 */
	async summaries(options: SummaryOptions = {}): Promise<TokenSummary[]> {
		return this.selected<TokenSummary, number>(options, summary => summary, {
			// Only used tokens' times are kept: on most instances a minority.
			read: lastUsedTime,
			attach(summary, time) {
				summary.lastUsed = time;
			},
		});
	}

	/**
	 * What a listing selects, in its order (id descending, spec §7), as `keep` makes each row from
	 * the record's summary (expiry and the filters need no decoded record) and stored bytes; then
	 * what `lastUse.read` makes of each row's last-use bytes, attached. Every Redis read is done
	 * before this returns.
	 */
	private async selected<Row extends {id: string}, Value>(
		options: ListOptions & Pick<SummaryOptions, 'unreadableRows'>,
		keep: (summary: TokenSummary, bytes: Buffer) => Row,
		lastUse: {skip?: boolean; read: (bytes: Buffer | null | undefined) => Value | undefined; attach: (row: Row, value: Value) => void},
	): Promise<Row[]> {
		const now = this.now();
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

			if ((options.includeExpired || !summaryExpired(summary, now)) && (!filter || filter(summary))) {
				rows.push(keep(summary, bytes));
				if (summary.problem !== undefined) {
					options.onUnusable?.(id, summary.problem);
				}
			}
		};

		if (options.account === undefined) {
			// Listing everything reads both hashes; the scans run side by side.
			const access = {ids: [] as string[], values: [] as Value[]};
			await Promise.all([
				this.scanHash(this.keys.tokens, visit),
				lastUse.skip
					? undefined
					: this.scanHash(this.keys.access, (id, bytes) => {
							const value = lastUse.read(bytes);
							if (value !== undefined) {
								access.ids.push(id);
								access.values.push(value);
							}
						}),
			]);
			sortByIdDescending(rows);
			joinById(rows, row => row.id, access.ids, access.values, lastUse.attach);
		} else {
			await this.readIndex(options.account, visit);
			sortByIdDescending(rows);
			if (!lastUse.skip) {
				const values = await this.hmgetBatched(
					this.keys.access,
					rows.map(row => row.id),
				);
				for (const [index, row] of rows.entries()) {
					const value = lastUse.read(values[index]);
					if (value !== undefined) {
						lastUse.attach(row, value);
					}
				}
			}
		}

		return rows;
	}

	/**
	 * The first `count` rows of the unfiltered listing and the number of ids, without reading every
	 * record: one HKEYS, a top-`count` pass over the ids, one HMGET of their records and last uses.
	 * A screen shows these while the whole listing loads. `ids` counts every hash field, expired
	 * and unreadable records too, so it can be a little above the listing's length; `unreadable`
	 * are the records among the first ones that were skipped because they cannot be read.
	 */
	async head(count: number, {unreadableRows = false}: Pick<SummaryOptions, 'unreadableRows'> = {}): Promise<{ids: number; summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
		const now = this.now();
		const ids = await this.redis.hkeys(this.keys.tokens);
		// A few spare ids stand in for expired or undecodable records among the first ones.
		const top = topByIdDescending(ids, count + 16);
		const [records, access] = await Promise.all([this.hmgetBatched(this.keys.tokens, top), this.hmgetBatched(this.keys.access, top)]);
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

		return {ids: ids.length, summaries, unreadable};
	}

	/**
	 * One page of the listing, as EmailEngine's REST route and admin page compute it (spec §7).
	 * With a query or scope filter every candidate is read and matched; without one only the ids are
	 * read and sorted, and only the page's records and last uses are fetched, so a page of 20 out of
	 * 100,000 decodes 20 records. Missing and undecodable records are skipped but still counted in
	 * `total`; expired ones are hidden and subtracted, as EmailEngine does (it also reaps them; a
	 * listing here never writes).
	 */
	async page(options: ListOptions & {page: number; pageSize: number}): Promise<{total: number; entries: TokenEntry[]}> {
		const start = options.page * options.pageSize;
		if (options.query || options.scope !== undefined) {
			const matches = await this.list({...options, lastUse: false});
			const entries = matches.slice(start, start + options.pageSize);
			await this.attachLastUse(entries);
			return {total: matches.length, entries};
		}

		const ids =
			options.account === undefined
				? await this.redis.hkeys(this.keys.tokens)
				: await this.redis.smembers(this.keys.index(options.account));
		sortByIdDescending(ids, id => id);
		const pageIds = ids.slice(start, start + options.pageSize);
		const [records, access] = await Promise.all([
			this.hmgetBatched(this.keys.tokens, pageIds),
			this.hmgetBatched(this.keys.access, pageIds),
		]);
		const now = this.now();
		let total = ids.length;
		const entries: TokenEntry[] = [];
		for (const [index, id] of pageIds.entries()) {
			const bytes = records[index];
			const record = bytes ? decodeOrReport(id, bytes, options.onUnreadable) : undefined;
			if (!record) {
				continue;
			}

			if (!options.includeExpired && isExpired(record, now)) {
				total--;
				continue;
			}

			entries.push({id, record, lastUse: decodeLastUse(access[index])});
		}

		return {total, entries};
	}

	/** Last use for one account's entries: HMGET in batches, one pipeline. */
	private async attachLastUse(entries: TokenEntry[]): Promise<void> {
		if (entries.length === 0) {
			return;
		}

		const values = await this.hmgetBatched(
			this.keys.access,
			entries.map(entry => entry.id),
		);
		for (const [index, entry] of entries.entries()) {
			entry.lastUse = decodeLastUse(values[index]);
		}
	}

	/**
	 * HSCAN rather than HGETALL: the result is the same, but a live EmailEngine sharing this Redis is
	 * never blocked behind one reply of a hundred thousand records. A field can come twice (a rehash
	 * during the scan); the caller sees it twice and entries are de-duplicated when sorted.
	 */
	private async scanHash(key: string, visit: (field: string, value: Buffer) => void): Promise<void> {
		const page = async (cursor: string) => this.redis.hscanBuffer(key, cursor, 'COUNT', 5000);
		let reply = await page('0');
		for (;;) {
			const cursor = reply[0].toString();
			// The next page is asked for before this one is decoded, so Redis and the network work
			// while we do, instead of one waiting for the other.
			const next = cursor === '0' ? undefined : page(cursor);
			next?.catch(() => {});
			const flat = reply[1];
			for (let index = 0; index + 1 < flat.length; index += 2) {
				visit(flat[index]!.toString(), flat[index + 1]!);
			}

			if (!next) {
				return;
			}

			// eslint-disable-next-line no-await-in-loop
			reply = await next;
		}
	}

	private async readIndex(account: string, visit: (id: string, value: Buffer) => void): Promise<void> {
		const ids = await this.redis.smembers(this.keys.index(account));
		const values = await this.hmgetBatched(this.keys.tokens, ids);
		for (const [index, id] of ids.entries()) {
			const value = values[index];
			if (value) {
				visit(id, value);
			}
		}
	}

	/** HMGET in batches of 1000, all batches in one pipeline (one round trip). */
	private async hmgetBatched(key: string, ids: readonly string[]): Promise<Array<Buffer | null>> {
		const pipeline = this.redis.pipeline();
		for (let start = 0; start < ids.length; start += BATCH) {
			pipeline.hmgetBuffer(key, ...ids.slice(start, start + BATCH));
		}

		const replies = (await pipeline.exec()) ?? [];
		const values: Array<Buffer | null> = [];
		for (const [error, reply] of replies) {
			if (error) {
				throw new TokenError('redis', `Reading tokens failed: ${error.message}`);
			}

			values.push(...(reply as Array<Buffer | null>));
		}

		return values;
	}

	/** Spec §3.1: the export string of a token named by id or raw token (expired ones too). */
	async exportString(idOrToken: string): Promise<string> {
		const {id, record} = await this.resolve(idOrToken);
		return encodeExportString(id, record);
	}

	/** Export strings of every token (or those `options` select), in listing order. */
	async exportAll(options: ListOptions = {}): Promise<Array<{id: string; exportString: string}>> {
		const entries = await this.list({...options, lastUse: false});
		return entries.map(({id, record}) => ({id, exportString: encodeExportString(id, record)}));
	}

	/** Imports one export string (spec §3.3); a live token under that id is never overwritten. */
	async import(exportString: string): Promise<ImportOutcome> {
		let outcome: ImportOutcome | TokenError | undefined;
		try {
			[outcome] = await this.importMany([exportString]);
		} catch (error) {
			throw error instanceof ImportStopped ? asRedisError(error.cause) : error;
		}

		if (outcome instanceof TokenError) {
			throw outcome;
		}

		return outcome!;
	}

	/**
	 * Imports many strings with two round trips per batch (HMGET the ids, then one conditional
	 * write each, pipelined). Each string gets its own outcome: invalid strings are TokenErrors and
	 * never stop the others. A failure of Redis stops the import with ImportStopped, which carries
	 * the outcomes so far: each token is written whole or not at all, so they are what is there.
	 */
	async importMany(exportStrings: readonly string[]): Promise<Array<ImportOutcome | TokenError>> {
		const outcomes: Array<ImportOutcome | TokenError | undefined> = [];
		try {
			for (let start = 0; start < exportStrings.length; start += BATCH) {
				// eslint-disable-next-line no-await-in-loop
				await this.importBatch(exportStrings.slice(start, start + BATCH), outcomes, start);
			}
		} catch (error) {
			throw new ImportStopped(outcomes, error);
		}

		return outcomes as Array<ImportOutcome | TokenError>;
	}

	/** One batch; its outcomes go to `outcomes` from `offset` on, as they are known. */
	private async importBatch(exportStrings: readonly string[], outcomes: Array<ImportOutcome | TokenError | undefined>, offset: number): Promise<void> {
		const pending: Array<{index: number; id: string; fields: TokenRecord}> = [];
		for (const [position, text] of exportStrings.entries()) {
			const index = offset + position;
			try {
				const {id, fields} = decodeExportString(text);
				pending.push({index, id, fields});
			} catch (error) {
				outcomes[index] = error instanceof TokenError ? error : new TokenError('invalid-export', String(error));
			}
		}

		// Conflicts (another writer got there between our read and our write) go round again.
		let round = pending;
		for (let attempt = 0; round.length > 0; attempt++) {
			if (attempt > 10) {
				throw new TokenError('redis', 'Import kept conflicting with concurrent writers; try again');
			}

			// eslint-disable-next-line no-await-in-loop
			round = await this.importRound(round, outcomes);
		}
	}

	private async importRound(
		round: Array<{index: number; id: string; fields: TokenRecord}>,
		outcomes: Array<ImportOutcome | TokenError | undefined>,
	): Promise<Array<{index: number; id: string; fields: TokenRecord}>> {
		const now = this.now();
		const existing = await this.hmgetBatched(
			this.keys.tokens,
			round.map(item => item.id),
		);
		const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
			eeImportIfUnchanged(...args: Array<string | Buffer>): unknown;
		};
		const writing: typeof round = [];
		const claimed = new Set<string>();
		for (const [position, item] of round.entries()) {
			const current = existing[position];
			// An unreadable record counts as absent and is replaced (spec §3.3); its index entry is
			// found from what can be read of it.
			const currentRecord = decodeOrUndefined(current);
			const currentIndex = currentRecord ? indexAccountOf(currentRecord) : current ? indexAccountOf(shallowFields(current)) : undefined;
			if ((currentRecord && !isExpired(currentRecord, now)) || claimed.has(item.id)) {
				// A live token, or the same id earlier in this batch: never overwritten.
				outcomes[item.index] = {status: 'present', id: item.id};
				continue;
			}

			claimed.add(item.id);
			const record = importedRecord(item.fields, now);
			pipeline.eeImportIfUnchanged(
				this.keys.tokens,
				this.keys.access,
				this.keys.index(indexAccountOf(record)),
				this.keys.index(currentIndex),
				item.id,
				encodeRecord(record),
				current ?? '',
				current ? '1' : '0',
				EMPTY_ACCESS,
			);
			writing.push(item);
		}

		if (writing.length === 0) {
			return [];
		}

		const replies = (await pipeline.exec()) ?? [];
		const retry: typeof round = [];
		// Every reply is read before a refusal is thrown: the writes that went through are counted.
		let refusal: Error | undefined;
		for (const [position, item] of writing.entries()) {
			const [error, written] = replies[position] ?? [new Error('no reply')];
			if (error) {
				refusal ??= error;
			} else if (written === 1) {
				outcomes[item.index] = {status: 'imported', id: item.id};
			} else {
				retry.push(item);
			}
		}

		if (refusal) {
			throw refusal;
		}

		return retry;
	}

	/**
	 * Delete one (spec §1.5): record, access record, audit log and the right index entry in one
	 * MULTI. Returns what was deleted so the caller can say which token it was. A record that cannot
	 * be read is deleted too (its entry says `unreadable`): that is the way to be rid of it.
	 */
	async revoke(idOrToken: string): Promise<TokenEntry> {
		const entry = await this.resolve(idOrToken, {allowUnreadable: true});
		await this.deleteEntries([entry]);
		return entry;
	}

	/**
	 * Revokes many ids at once (the app's marked rows): one read of their records, then per 1000
	 * ids one MULTI of HDEL, HDEL, UNLINK of the audit logs and SREM from each index, the shape of
	 * EmailEngine's deleteForAccount (spec §1.5). Ids with no record are reported as missing.
	 */
	async revokeMany(ids: readonly string[]): Promise<{revoked: TokenEntry[]; missing: string[]}> {
		const records = await this.hmgetBatched(this.keys.tokens, ids);
		const revoked: TokenEntry[] = [];
		const missing: string[] = [];
		for (const [index, id] of ids.entries()) {
			// An unreadable record is still a record to delete; its index comes from what can be read.
			const bytes = records[index];
			if (bytes) {
				const record = decodeOrUndefined(bytes);
				revoked.push(record ? {id, record} : {id, record: shallowFields(bytes), unreadable: unreadableReason(bytes) ?? 'unreadable'});
			} else {
				missing.push(id);
			}
		}

		await this.deleteEntries(revoked);
		return {revoked, missing};
	}

	private async deleteEntries(entries: readonly TokenEntry[]): Promise<void> {
		for (let start = 0; start < entries.length; start += BATCH) {
			const batch = entries.slice(start, start + BATCH);
			const ids = batch.map(entry => entry.id);
			const byIndex = new Map<string, string[]>();
			for (const entry of batch) {
				const index = this.keys.index(indexAccountOf(entry.record));
				byIndex.set(index, [...(byIndex.get(index) ?? []), entry.id]);
			}

			const multi = this.redis
				.multi()
				.hdel(this.keys.tokens, ...ids)
				.hdel(this.keys.access, ...ids)
				.unlink(...ids.map(id => this.keys.auditLog(id)));
			for (const [index, members] of byIndex) {
				multi.srem(index, ...members);
			}

			// eslint-disable-next-line no-await-in-loop
			checkExec(await multi.exec(), 'Revoking the token');
		}
	}

	/** Account ids known to the instance (`ia:accounts`), for suggestions; at most `limit`. */
	async accountIds(limit = 1000): Promise<string[]> {
		const [, members] = await this.redis.sscan(this.keys.accounts, '0', 'COUNT', limit);
		return members.slice(0, limit).sort();
	}

	/** Whether the instance has an account record (spec §1.2: HEXISTS iad:{account} account). */
	async accountExists(account: string): Promise<boolean> {
		return (await this.redis.hexists(this.keys.account(account), 'account')) === 1;
	}
}



/**
 * The scope and query filters of a listing as one predicate, or undefined when there are none.
 * Scope is literal membership; the query is a case-insensitive substring of id, description or
 * account (spec §7).
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
