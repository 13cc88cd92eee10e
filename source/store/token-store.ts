// A little over 300 lines for a reason: the store's one front door, a method per operation the
// front ends call, each a few lines handing off to the module that does the job.
import type {Redis} from 'ioredis';
import {
	type AuditLogEntry,
	type JournalToken,
	type LastUse,
	type NewToken,
	type TokenEntry,
	type TokenError,
	type TokenRecord,
	type RotationFacts,
	type StoredEntry,
	type TokenEdit,
	type TokenSummary,
	encodeExportString,
} from '../tokens/index.js';
import {type WholeAuditLog, auditLogPage, auditLogRange, readWholeAuditLog, resolveLogOwner} from './audit-log.js';
import {readAuditLogSetting, writeAuditLogSetting} from './settings.js';
import {type ImportOutcome, importMany, importOne} from './importing.js';
import {type PlannedToken, type RestoreOutcome, deleteJournaled, restoreJournaled, snapshotRows} from './journaled-revoke.js';
import {storedByIds} from './stored-by-id.js';
import {type Keys, keysFor} from './keys.js';
import {
	type ListOptions,
	type StoredRow,
	type SummaryOptions,
	listEntries,
	listEntriesInChunks,
	listEntryBytesInChunks,
	listHead,
	listSample,
	listPage,
	listStored,
	listSummaries,
} from './listing.js';
import {completeIdPrefix, getLastUse, getRecord, resolveToken} from './lookup.js';
import {type ReviewRecord, reviewEach, reviewRecords} from './review-read.js';
import type {OnUnreadable, StoreContext, UnreadableRecord} from './stored-records.js';
import {issueToken, reap, revokeEntry, revokeMany, revokeToken} from './writes.js';
import {defineWriteScripts} from './write-scripts.js';
import {defineRewriteScripts} from './rewrite-scripts.js';
import {
	type EditOptions,
	type EditOutcome,
	type RewriteHooks,
	type RotateOutcome,
	editToken,
	rotateToken,
	rotationFacts,
} from './rewrites.js';

export type {WholeAuditLog} from './audit-log.js';
export type {ImportOutcome} from './importing.js';
export type {PlannedToken, RestoreOutcome} from './journaled-revoke.js';
export {lastUseFrom, plannedRecord} from './journaled-revoke.js';
export {ImportStopped} from './importing.js';
export type {ListOptions, StoredRow, SummaryOptions} from './listing.js';
export type {UnreadableRecord} from './stored-records.js';
export type {EditOptions, EditOutcome, RewriteHooks, RotateOutcome} from './rewrites.js';
export type {ReviewRecord} from './review-read.js';

/** A token's export string, with the id and record it was made of. */
export type ExportedToken = {id: string; record: TokenRecord; exportString: string};

/** SCAN steps of 1,000 keys the account suggestions may take when `ia:accounts` is empty. */
const ACCOUNT_SCAN_STEPS = 50;

/** A key prefix as a SCAN pattern: its glob characters matched as themselves. */
const escapeGlob = (text: string) => text.replaceAll(/[*?[\]\\]/g, character => `\\${character}`);

/**
 * The token store over one Redis connection: EmailEngine's layout and write sequences
 * (compatibility §1) behind one object the front ends share. Each job lives in its own module
 * (lookup, listing, importing, writes); this class holds the connection, the key layout and the
 * clock they share. It never sees a raw token except to hash it, and never keeps one.
 */
export class TokenStore implements StoreContext {
	readonly keys: Keys;

	constructor(
		readonly redis: Redis,
		readonly prefix = '',
		readonly now: () => number = Date.now,
	) {
		this.keys = keysFor(prefix);
		defineWriteScripts(redis);
		defineRewriteScripts(redis);
	}

	async issue(token: Omit<NewToken, 'created'>): Promise<{rawToken: string; id: string; record: TokenRecord}> {
		return issueToken(this, token);
	}

	async reap(id: string, record: TokenRecord): Promise<void> {
		return reap(this, id, record);
	}

	async get(id: string, onUnreadable?: OnUnreadable): Promise<TokenRecord | undefined> {
		return getRecord(this, id, onUnreadable);
	}

	/** Whether a record is stored under the id, readable or not (HEXISTS: nothing is read or decoded). */
	async has(id: string): Promise<boolean> {
		return (await this.redis.hexists(this.keys.tokens, id)) === 1;
	}

	async resolve(idOrToken: string, options: {allowUnreadable?: boolean} = {}): Promise<TokenEntry> {
		return resolveToken(this, idOrToken, options);
	}

	/**
	 * The full id a `-t` value names: 64 hex characters as given, or the one id that starts with a
	 * prefix of 8 or more (several: a usage error listing them). The server never calls it: EmailEngine
	 * names a token by its whole id or value.
	 */
	async completeId(value: string): Promise<string> {
		return completeIdPrefix(this, value);
	}

	async lastUse(id: string): Promise<LastUse | undefined> {
		return getLastUse(this, id);
	}

	async list(options: ListOptions = {}): Promise<TokenEntry[]> {
		return listEntries(this, options);
	}

	listInChunks(options: ListOptions = {}): AsyncGenerator<TokenEntry[]> {
		return listEntriesInChunks(this, options);
	}

	/** listInChunks() as stored bytes, for writing each token straight from them (entriesJson). */
	listBytesInChunks(options: ListOptions = {}): AsyncGenerator<StoredEntry[]> {
		return listEntryBytesInChunks(this, options);
	}

	/** Every token for review, expired and unreadable ones too, with last use and account existence; writes nothing. */
	reviewRecords(options: {account?: string} = {}): AsyncGenerator<ReviewRecord[]> {
		return reviewRecords(this, options);
	}

	/** What `make` makes of each token reviewRecords() gives, made as each is read (review keeps only its findings); id descending. */
	async reviewEach<T>(options: {account?: string}, make: (entry: ReviewRecord) => T, idOf?: (made: T) => string): Promise<T[]> {
		return reviewEach(this, options, make, idOf);
	}

	/** How many records the token hash holds (HLEN: constant time, whatever the count). */
	async count(): Promise<number> {
		return this.redis.hlen(this.keys.tokens);
	}

	async summaries(options: SummaryOptions = {}): Promise<TokenSummary[]> {
		return listSummaries(this, options);
	}

	async head(
		count: number,
		options: Pick<SummaryOptions, 'unreadableRows' | 'risk'> = {},
	): Promise<{ids: number; summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
		return listHead(this, count, options);
	}

	/** `count` rows for a first screen without reading every id (listSample): whichever HSCAN finds first. */
	async sample(
		count: number,
		options: Pick<SummaryOptions, 'unreadableRows' | 'risk'> = {},
	): Promise<{ids: number; summaries: TokenSummary[]; unreadable: UnreadableRecord[]}> {
		return listSample(this, count, options);
	}

	async page(options: ListOptions & {page: number; pageSize: number}): Promise<{total: number; entries: TokenEntry[]}> {
		return listPage(this, options);
	}

	/** One page of a token's audit log, newest first (compatibility §1.7). */
	async auditLog(id: string, page: number, pageSize: number): Promise<{total: number; entries: AuditLogEntry[]}> {
		return auditLogPage(this, id, page, pageSize);
	}

	/** The list's length and the stored bytes of entries start..stop, newest first (decodeAuditEntry reads one). */
	async auditLogRange(id: string, start: number, stop: number): Promise<{total: number; raw: Buffer[]}> {
		return auditLogRange(this, id, start, stop);
	}

	/** A token's whole audit log, newest first (`keep`: the stored bytes of that many newest entries too). */
	async wholeAuditLog(id: string, keep = 0): Promise<WholeAuditLog> {
		return readWholeAuditLog(this, id, keep);
	}

	/** Whose audit log an id or raw token names, and whether that token still has a record. */
	async logOwner(idOrToken: string): Promise<{id: string; hasRecord: boolean}> {
		return resolveLogOwner(this, idOrToken);
	}

	/** EmailEngine's `tokenAuditLog` setting as it reads it (compatibility §1.7). */
	async auditLogSetting(): Promise<{on: boolean; stored: string | null}> {
		return readAuditLogSetting(this);
	}

	/** Turns EmailEngine's `tokenAuditLog` setting on or off, written as EmailEngine writes it. */
	async setAuditLogSetting(on: boolean): Promise<void> {
		return writeAuditLogSetting(this, on);
	}

	/** The export string (compatibility §3.1) of a token named by id or raw token (expired ones too). */
	async exportString(idOrToken: string): Promise<string> {
		return (await this.exportEntry(idOrToken)).exportString;
	}

	/** exportString() with the id it was found under (never the raw token it may have been named by). */
	async exportEntry(idOrToken: string): Promise<ExportedToken> {
		const {id, record} = await this.resolve(idOrToken);
		return {id, record, exportString: encodeExportString(id, record)};
	}

	/** Export strings of every token (or those `options` select), in listing order. */
	async exportAll(options: ListOptions = {}): Promise<ExportedToken[]> {
		const exported: ExportedToken[] = [];
		for await (const chunk of this.exportInChunks(options)) {
			exported.push(...chunk);
		}

		return exported;
	}

	/** exportAll() a chunk at a time (listInChunks), for writing out as it goes. */
	async *exportInChunks(options: ListOptions = {}): AsyncGenerator<ExportedToken[]> {
		for await (const chunk of this.listInChunks({...options, lastUse: false})) {
			yield chunk.map(({id, record}) => ({id, record, exportString: encodeExportString(id, record)}));
		}
	}

	async import(exportString: string): Promise<ImportOutcome> {
		return importOne(this, exportString);
	}

	async importMany(exportStrings: readonly string[]): Promise<Array<ImportOutcome | TokenError>> {
		return importMany(this, exportStrings);
	}

	async revoke(idOrToken: string): Promise<TokenEntry> {
		return revokeToken(this, idOrToken);
	}

	/** Revokes an entry resolve() returned, without resolving it again. */
	async revokeEntry(entry: TokenEntry): Promise<void> {
		return revokeEntry(this, entry);
	}

	async revokeMany(ids: readonly string[]): Promise<{revoked: TokenEntry[]; missing: string[]}> {
		return revokeMany(this, ids);
	}

	/** Changes a token's fields in place (compare-and-set on the bytes read): issue #12 §4. */
	async edit(idOrToken: string, edit: TokenEdit, hooks?: EditOptions): Promise<EditOutcome> {
		return editToken(this, idOrToken, edit, hooks);
	}

	/** A new token with every field of the old, the old one retired after `graceMs`, in one step: issue #12 §3. */
	async rotate(idOrToken: string, graceMs: number, hooks?: RewriteHooks): Promise<RotateOutcome> {
		return rotateToken(this, idOrToken, graceMs, hooks);
	}

	/** The tokens a record's rotation link names, as they are now (show, details). */
	async rotationFacts(record: TokenRecord): Promise<RotationFacts> {
		return rotationFacts(this, record);
	}

	/** summaries() with each row's stored record and last-use bytes: what a revoke by selection plans on. */
	async stored(options: SummaryOptions = {}): Promise<StoredRow[]> {
		return listStored(this, options);
	}

	/** The stored rows of tokens named by id (the app's marked rows); ids with no record are `missing`. */
	async storedByIds(ids: readonly string[]): Promise<{rows: StoredRow[]; missing: string[]}> {
		return storedByIds(this, ids);
	}

	/** The exact stored state of selected rows, for an undo journal (journaled-revoke.ts). */
	async snapshot(rows: readonly StoredRow[]): Promise<PlannedToken[]> {
		return snapshotRows(this, rows);
	}

	/** Deletes journaled tokens whose records are unchanged; returns the ids that changed and were kept. */
	async deleteJournaled(tokens: readonly JournalToken[]): Promise<{skipped: string[]}> {
		return deleteJournaled(this, tokens);
	}

	/** Puts journaled tokens back byte for byte, never over other bytes. */
	async restoreJournaled(tokens: readonly JournalToken[], options: {dryRun?: boolean} = {}): Promise<RestoreOutcome[]> {
		return restoreJournaled(this, tokens, options);
	}

	/**
	 * Account ids known to the instance, for suggestions; at most `limit`. From `ia:accounts`, or,
	 * when that set is empty (an instance restored without it), from the `iad:{account}` hashes
	 * themselves: a SCAN of a bounded number of steps, so a huge keyspace costs a bounded wait.
	 */
	async accountIds(limit = 1000): Promise<string[]> {
		const [, members] = await this.redis.sscan(this.keys.accounts, '0', 'COUNT', limit);
		if (members.length > 0) {
			return members.slice(0, limit).sort();
		}

		const start = this.keys.account('');
		const found = new Set<string>();
		let cursor = '0';
		for (let step = 0; step < ACCOUNT_SCAN_STEPS && found.size < limit; step++) {
			const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${escapeGlob(start)}*`, 'COUNT', 1000);
			for (const key of keys) {
				found.add(key.slice(start.length));
			}

			cursor = next;
			if (cursor === '0') {
				break;
			}
		}

		return [...found].slice(0, limit).sort();
	}

	/** Whether the instance has an account record (compatibility §1.2: HEXISTS iad:{account} account). */
	async accountExists(account: string): Promise<boolean> {
		return (await this.redis.hexists(this.keys.account(account), 'account')) === 1;
	}
}
