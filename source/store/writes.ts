import {
	EMPTY_ACCESS,
	type NewToken,
	type TokenEntry,
	type TokenRecord,
	buildRecord,
	encodeRecord,
	generateRawToken,
	indexAccountOf,
	shallowFields,
	tokenIdOf,
	unreadableReason,
} from '../tokens/index.js';
import {resolveToken} from './lookup.js';
import {checkExec} from './redis-errors.js';
import {BATCH, type StoreContext, decodeOrUndefined, hmgetBatched} from './stored-records.js';
import type {ScriptedRedis} from './write-scripts.js';

/**
 * Issuing, reaping and revoking (compatibility §1.5): each token's writes in one MULTI or script,
 * exactly the commands EmailEngine sends.
 */

/** A new token: record, empty access record and index entry, all or nothing. The raw token is returned once. */
export async function issueToken(
	store: StoreContext,
	token: Omit<NewToken, 'created'>,
): Promise<{rawToken: string; id: string; record: TokenRecord}> {
	const rawToken = generateRawToken();
	const id = tokenIdOf(rawToken);
	const record = buildRecord({...token, created: store.now()});
	await provision(store, id, record);
	return {rawToken, id, record};
}

/**
 * Writes the provision trio: record, empty access record, index entry, in one script that checks
 * the keys' types first, so a refusal writes nothing (write-scripts.ts).
 */
async function provision({redis, keys}: StoreContext, id: string, record: TokenRecord): Promise<void> {
	await (redis as ScriptedRedis).eeProvision(
		keys.tokens,
		keys.access,
		keys.index(indexAccountOf(record)),
		id,
		encodeRecord(record),
		EMPTY_ACCESS,
	);
}

/** Reaps an expired token: record, access and index entry; the audit log keeps its TTL. */
export async function reap({redis, keys}: StoreContext, id: string, record: TokenRecord): Promise<void> {
	const replies = await redis
		.multi()
		.hdel(keys.tokens, id)
		.hdel(keys.access, id)
		.srem(keys.index(indexAccountOf(record)), id)
		.exec();
	checkExec(replies, 'Reaping the expired token');
}

/**
 * Deletes one token named by id or raw token: record, access record, audit log and the right index
 * entry in one MULTI. Returns what was deleted so the caller can say which token it was. A record
 * that cannot be read is deleted too (its entry says `unreadable`): that is the way to be rid of it.
 */
export async function revokeToken(store: StoreContext, idOrToken: string): Promise<TokenEntry> {
	const entry = await resolveToken(store, idOrToken, {allowUnreadable: true});
	await deleteEntries(store, [entry]);
	return entry;
}

/**
 * Deletes a token already resolved (the caller showed it and had it confirmed): the same writes as
 * revokeToken, without looking it up again.
 */
export async function revokeEntry(store: StoreContext, entry: TokenEntry): Promise<void> {
	await deleteEntries(store, [entry]);
}

/**
 * Revokes many ids at once (the app's marked rows): one read of their records, then per 1000
 * ids one MULTI of HDEL, HDEL, UNLINK of the audit logs and SREM from each index, the shape of
 * EmailEngine's deleteForAccount. Ids with no record are reported as missing.
 */
export async function revokeMany(store: StoreContext, ids: readonly string[]): Promise<{revoked: TokenEntry[]; missing: string[]}> {
	const records = await hmgetBatched(store.redis, store.keys.tokens, ids);
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

	await deleteEntries(store, revoked);
	return {revoked, missing};
}

async function deleteEntries({redis, keys}: StoreContext, entries: readonly TokenEntry[]): Promise<void> {
	for (let start = 0; start < entries.length; start += BATCH) {
		const batch = entries.slice(start, start + BATCH);
		const ids = batch.map(entry => entry.id);
		const byIndex = new Map<string, string[]>();
		for (const entry of batch) {
			const index = keys.index(indexAccountOf(entry.record));
			byIndex.set(index, [...(byIndex.get(index) ?? []), entry.id]);
		}

		const multi = redis
			.multi()
			.hdel(keys.tokens, ...ids)
			.hdel(keys.access, ...ids)
			.unlink(...ids.map(id => keys.auditLog(id)));
		for (const [index, members] of byIndex) {
			multi.srem(index, ...members);
		}

		checkExec(await multi.exec(), 'Revoking the token');
	}
}
