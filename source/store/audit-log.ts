import {type AuditLogEntry, TokenError, decodeAuditEntry, isHex64, tokenIdOf} from '../tokens/index.js';
import type {StoreContext} from './stored-records.js';

/** LLEN and the stored bytes of entries `start`..`stop` (inclusive, newest first), read together. */
export async function auditLogRange(
	{redis, keys}: StoreContext,
	id: string,
	start: number,
	stop: number,
): Promise<{total: number; raw: Buffer[]}> {
	const key = keys.auditLog(id);
	const [total, raw] = await Promise.all([redis.llen(key), redis.lrangeBuffer(key, start, stop)]);
	return {total, raw};
}

/**
 * One page of a token's audit log (compatibility §1.7), newest first: LLEN and the LRANGE of the
 * page window. An entry that cannot be read is skipped, still counted in `total` as the list's length.
 */
export async function auditLogPage(
	context: StoreContext,
	id: string,
	page: number,
	pageSize: number,
): Promise<{total: number; entries: AuditLogEntry[]}> {
	const start = page * pageSize;
	const {total, raw} = await auditLogRange(context, id, start, start + pageSize - 1);
	return {total, entries: raw.map(bytes => decodeAuditEntry(bytes)).filter(entry => entry !== undefined)};
}

/** A token's whole audit log as read: entries newest first, the undecodable ones counted, and the stored bytes of the newest. */
export type WholeAuditLog = {total: number; entries: AuditLogEntry[]; unreadable: number; newest: Buffer[]};

/** Entries read per LRANGE: EmailEngine keeps 1000 by default (compatibility §1.7), so one read. */
const CHUNK = 1000;

/**
 * Every entry of a token's log, newest first, a chunk at a time; an entry that cannot be decoded
 * is skipped and counted. `newest` keeps the stored bytes of the first `keep` entries (where
 * `log --follow` starts from).
 */
export async function readWholeAuditLog(context: StoreContext, id: string, keep = 0): Promise<WholeAuditLog> {
	const entries: AuditLogEntry[] = [];
	let unreadable = 0;
	let newest: Buffer[] = [];
	for (let start = 0; ; start += CHUNK) {
		const {total, raw} = await auditLogRange(context, id, start, start + CHUNK - 1);
		if (start === 0) {
			newest = raw.slice(0, keep);
		}

		for (const bytes of raw) {
			const entry = decodeAuditEntry(bytes);
			if (entry === undefined) {
				unreadable++;
			} else {
				entries.push(entry);
			}
		}

		// The list may change between reads (EmailEngine pushes and trims): a short read is its end.
		if (raw.length < CHUNK) {
			return {total, entries, unreadable, newest};
		}
	}
}

/**
 * Whose log an argument names: an id or a raw token, tried as an id first and then hashed, as
 * resolveToken does. A token with a record wins; failing that, one with a log and no record (an
 * expired token that was reaped keeps its log until the log's own expiry, compatibility §1.5), so
 * the requests of a token that is gone can still be read. Neither: not found, the value unechoed.
 */
export async function resolveLogOwner({redis, keys}: StoreContext, idOrToken: string): Promise<{id: string; hasRecord: boolean}> {
	const value = idOrToken.trim();
	if (!isHex64(value)) {
		throw new TokenError('usage', 'A token id or raw token is 64 hex characters');
	}

	const candidates = [...new Set([value, value.toLowerCase(), tokenIdOf(value)])];
	const pipeline = redis.pipeline();
	for (const id of candidates) {
		pipeline.hexists(keys.tokens, id).exists(keys.auditLog(id));
	}

	const replies = (await pipeline.exec()) ?? [];
	const answer = (index: number) => {
		const [error, reply] = replies[index] ?? [new Error('no reply'), undefined];
		if (error) {
			throw error;
		}

		return reply === 1;
	};

	const withRecord = candidates.findIndex((_, index) => answer(index * 2));
	if (withRecord !== -1) {
		return {id: candidates[withRecord]!, hasRecord: true};
	}

	const withLog = candidates.findIndex((_, index) => answer(index * 2 + 1));
	if (withLog !== -1) {
		return {id: candidates[withLog]!, hasRecord: false};
	}

	throw new TokenError('not-found', 'No token and no audit log with that id or value');
}
