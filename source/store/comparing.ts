import {
	type FieldDifference,
	type TokenQuery,
	type TokenRecord,
	decodeRecord,
	differingFields,
	encodeExportString,
	importRefusal,
	isExpired,
	unreadableReason,
} from '../tokens/index.js';
import {sortByIdDescending} from './id-order.js';
import {listEntriesInChunks} from './listing.js';
import {type StoreContext, type UnreadableRecord, hmgetBatched, scanHash} from './stored-records.js';

/**
 * Two token stores compared (issue #14 `diff`) and the plan of a copy from one to the other
 * (`sync`). Each side is read by the store's own readers, a page or a batch at a time (HSCAN, HMGET
 * of 1,000 ids), never a record at a time; the comparison itself touches no Redis, so each read
 * can be blamed on its own end when it fails.
 */

/** Which end a finding is about: the one copied from, the one copied to, or both. */
export type End = 'from' | 'to' | 'both';

/** A record that cannot be read: never "the same", never "absent", always said. */
export type UnreadableAt = {id: string; end: End; reason: string};

export type DifferentToken = {id: string; from: TokenRecord; to: TokenRecord; fields: FieldDifference[]};

export type StoreDiff = {
	onlyInFrom: Array<{id: string; record: TokenRecord}>;
	onlyInTo: Array<{id: string; record: TokenRecord}>;
	different: DifferentToken[];
	unreadable: UnreadableAt[];
	/** How many ids both ends hold with the same compared fields. */
	same: number;
};

/** Every record of a store's tokens hash, as stored bytes by id (HSCAN pages: a live EmailEngine is never blocked). */
export async function readStoredRecords(store: StoreContext): Promise<Map<string, Buffer>> {
	const records = new Map<string, Buffer>();
	await scanHash(store.redis, store.keys.tokens, (id, bytes) => {
		// HSCAN may return a field twice (a rehash during the scan): the first is kept, as a listing keeps it.
		if (!records.has(id)) {
			records.set(id, bytes);
		}
	});
	return records;
}

type Read = {record: TokenRecord} | {unreadable: string} | undefined;

function readOne(bytes: Buffer | null | undefined, now: number, includeExpired: boolean): Read {
	if (!bytes) {
		return undefined;
	}

	let record: TokenRecord;
	try {
		record = decodeRecord(bytes);
	} catch {
		return {unreadable: unreadableReason(bytes) ?? 'unreadable'};
	}

	// An expired record is no token (compatibility §1.8: EmailEngine reaps it on its next read), so
	// unless asked, it counts as absent, as an import counts it.
	return includeExpired || !isExpired(record, now) ? {record} : undefined;
}

/**
 * The two stores' records compared by id: ids in one only, ids in both whose compared fields
 * differ (tokens/record-compare.ts), records that cannot be read on either end, and how many agree.
 * Expired records are left out unless `includeExpired`. Each list is id descending.
 */
export function compareStored(
	from: ReadonlyMap<string, Buffer>,
	to: ReadonlyMap<string, Buffer>,
	{now, includeExpired = false}: {now: number; includeExpired?: boolean},
): StoreDiff {
	const diff: StoreDiff = {onlyInFrom: [], onlyInTo: [], different: [], unreadable: [], same: 0};
	for (const [id, bytes] of from) {
		const left = readOne(bytes, now, includeExpired);
		const right = readOne(to.get(id), now, includeExpired);
		if (left && 'unreadable' in left) {
			diff.unreadable.push(
				right && 'unreadable' in right
					? {id, end: 'both', reason: `${left.unreadable}; to: ${right.unreadable}`}
					: {id, end: 'from', reason: left.unreadable},
			);
		} else if (right && 'unreadable' in right) {
			diff.unreadable.push({id, end: 'to', reason: right.unreadable});
		} else if (left && right) {
			const fields = differingFields(left.record, right.record);
			if (fields.length === 0) {
				diff.same++;
			} else {
				diff.different.push({id, from: left.record, to: right.record, fields});
			}
		} else if (left) {
			diff.onlyInFrom.push({id, record: left.record});
		} else if (right) {
			diff.onlyInTo.push({id, record: right.record});
		}
	}

	for (const [id, bytes] of to) {
		if (!from.has(id)) {
			const right = readOne(bytes, now, includeExpired);
			if (right && 'unreadable' in right) {
				diff.unreadable.push({id, end: 'to', reason: right.unreadable});
			} else if (right) {
				diff.onlyInTo.push({id, record: right.record});
			}
		}
	}

	sortByIdDescending(diff.onlyInFrom);
	sortByIdDescending(diff.onlyInTo);
	sortByIdDescending(diff.different);
	sortByIdDescending(diff.unreadable);
	return diff;
}

/** A token of the from end the copy would write, as its export string (what `export` prints for it). */
export type CopiedToken = {id: string; record: TokenRecord; exportString: string; replacesExpired: boolean};

/** The to end holds another token under the id: reported, never replaced. */
export type SyncConflict = {id: string; record: TokenRecord; fields: FieldDifference[]; unreadable?: string};

export type SyncPlan = {
	copy: CopiedToken[];
	/** Ids the to end already holds with the same compared fields: nothing to do. */
	same: string[];
	conflicts: SyncConflict[];
	/** Expired on the from end: a dead token is not copied (an import of it would be reaped on its first read). */
	expired: Array<{id: string; record: TokenRecord}>;
	/** Records of the from end that cannot be read, so cannot be copied. */
	unreadable: UnreadableRecord[];
	/** Records our import would refuse (a field of the wrong type, an id that is no 64 hex): `export` warns of the same. */
	refused: Array<{id: string; problem: string}>;
};

/** The from end's selection (listing order, as `export --all --query` selects), expired ones and unreadable records included. */
export async function readSyncSource(
	from: StoreContext,
	where: TokenQuery | undefined,
): Promise<{entries: Array<{id: string; record: TokenRecord}>; unreadable: UnreadableRecord[]}> {
	const entries: Array<{id: string; record: TokenRecord}> = [];
	const unreadable: UnreadableRecord[] = [];
	for await (const chunk of listEntriesInChunks(from, {
		where,
		includeExpired: true,
		lastUse: false,
		onUnreadable: found => unreadable.push(found),
	})) {
		for (const {id, record} of chunk) {
			entries.push({id, record});
		}
	}

	return {entries, unreadable};
}

/** The to end's stored bytes of the ids an import would write them under (lower case: decodeExportString). */
export async function readSyncTargets(to: StoreContext, ids: readonly string[]): Promise<Array<Buffer | null>> {
	return hmgetBatched(
		to.redis,
		to.keys.tokens,
		ids.map(id => id.toLowerCase()),
	);
}

/**
 * What a sync would do with each selected token of the from end, given what the to end stores
 * under its id: copy it when the to end has none (or an expired one, which the import replaces as
 * EmailEngine's does, compatibility §3.3), nothing when the to end has the same token, and report
 * a different or unreadable record there, which is never replaced.
 */
export function planSync(
	source: {entries: ReadonlyArray<{id: string; record: TokenRecord}>; unreadable: readonly UnreadableRecord[]},
	targets: ReadonlyArray<Buffer | null>,
	now: number,
): SyncPlan {
	const plan: SyncPlan = {copy: [], same: [], conflicts: [], expired: [], unreadable: [...source.unreadable], refused: []};
	for (const [index, {id, record}] of source.entries.entries()) {
		if (isExpired(record, now)) {
			plan.expired.push({id, record});
			continue;
		}

		const problem = importRefusal(id, record);
		if (problem) {
			plan.refused.push({id, problem});
			continue;
		}

		const there = readOne(targets[index], now, true);
		if (there === undefined) {
			plan.copy.push({id, record, exportString: encodeExportString(id, record), replacesExpired: false});
		} else if ('unreadable' in there) {
			plan.conflicts.push({id, record, fields: [], unreadable: there.unreadable});
		} else if (isExpired(there.record, now)) {
			plan.copy.push({id, record, exportString: encodeExportString(id, record), replacesExpired: true});
		} else {
			const fields = differingFields(record, there.record);
			if (fields.length === 0) {
				plan.same.push(id);
			} else {
				plan.conflicts.push({id, record, fields});
			}
		}
	}

	return plan;
}
