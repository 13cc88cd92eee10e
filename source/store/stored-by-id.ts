import {lastUsedTime, summarizeRecord, unreadableReason, unreadableSummary} from '../tokens/index.js';
import type {StoredRow} from './listing.js';
import {type StoreContext, hmgetBatched} from './stored-records.js';

/**
 * The stored rows of tokens named by id (the app's marked rows), as listStored gives a selection's:
 * record bytes, last-use bytes and the row summary, unreadable records included (they are tokens to
 * be rid of too). Ids with no record are `missing`: revoked meanwhile, nothing to journal.
 */
export async function storedByIds(store: StoreContext, ids: readonly string[]): Promise<{rows: StoredRow[]; missing: string[]}> {
	const unique = [...new Set(ids)];
	const [records, access] = await Promise.all([
		hmgetBatched(store.redis, store.keys.tokens, unique),
		hmgetBatched(store.redis, store.keys.access, unique),
	]);
	const rows: StoredRow[] = [];
	const missing: string[] = [];
	for (const [index, id] of unique.entries()) {
		const record = records[index];
		if (!record) {
			missing.push(id);
			continue;
		}

		const used = access[index] ?? undefined;
		const summary = summarizeRecord(id, record, lastUsedTime(used)) ?? unreadableSummary(id, unreadableReason(record) ?? 'unreadable');
		rows.push({id, summary, record, access: used});
	}

	return {rows, missing};
}
