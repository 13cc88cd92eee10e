import {
	EMPTY_ACCESS,
	TokenError,
	type TokenRecord,
	decodeExportString,
	encodeRecord,
	importedRecord,
	indexAccountOf,
	isExpired,
	shallowFields,
} from '../tokens/index.js';
import {asRedisError} from './redis-errors.js';
import {BATCH, type StoreContext, decodeOrUndefined, hmgetBatched} from './stored-records.js';
import type {ScriptedPipeline} from './write-scripts.js';

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

type Pending = {index: number; id: string; fields: TokenRecord};

type Outcomes = Array<ImportOutcome | TokenError | undefined>;

/** Imports one export string (compatibility §3.3); a live token under that id is never overwritten. */
export async function importOne(store: StoreContext, exportString: string): Promise<ImportOutcome> {
	let outcome: ImportOutcome | TokenError | undefined;
	try {
		[outcome] = await importMany(store, [exportString]);
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
export async function importMany(store: StoreContext, exportStrings: readonly string[]): Promise<Array<ImportOutcome | TokenError>> {
	const outcomes: Outcomes = [];
	try {
		for (let start = 0; start < exportStrings.length; start += BATCH) {
			await importBatch(store, exportStrings.slice(start, start + BATCH), outcomes, start);
		}
	} catch (error) {
		throw new ImportStopped(outcomes, error);
	}

	return outcomes as Array<ImportOutcome | TokenError>;
}

/** One batch; its outcomes go to `outcomes` from `offset` on, as they are known. */
async function importBatch(store: StoreContext, exportStrings: readonly string[], outcomes: Outcomes, offset: number): Promise<void> {
	const pending: Pending[] = [];
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

		round = await importRound(store, round, outcomes);
	}
}

/** One read of the ids and one conditional write each; returns those another writer got to first. */
async function importRound({redis, keys, now: clock}: StoreContext, round: Pending[], outcomes: Outcomes): Promise<Pending[]> {
	const now = clock();
	const existing = await hmgetBatched(
		redis,
		keys.tokens,
		round.map(item => item.id),
	);
	const pipeline = redis.pipeline() as ScriptedPipeline;
	const writing: Pending[] = [];
	const claimed = new Set<string>();
	for (const [position, item] of round.entries()) {
		const current = existing[position];
		// An unreadable record counts as absent and is replaced (compatibility §3.3); its index
		// entry is found from what can be read of it.
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
			keys.tokens,
			keys.access,
			keys.index(indexAccountOf(record)),
			keys.index(currentIndex),
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
	const retry: Pending[] = [];
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
