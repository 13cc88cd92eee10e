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
import redisErrors from 'redis-errors';
import {asRedisError} from './redis-errors.js';
import {BATCH, type StoreContext, decodeOrUndefined, hmgetBatched} from './stored-records.js';
import type {ScriptedRedis} from './write-scripts.js';

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

/** The error ioredis makes of an error reply: what a refused write has always been, to the edge. */
const {ReplyError} = redisErrors;

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
 * Imports many strings with one round trip per batch of 1000 when their ids are new (one script
 * writes each token whose id is still absent), and two more for those already there (their records
 * are read, and each expired or unreadable one is replaced only if it is still what was read).
 * Each string gets its own outcome: invalid strings are TokenErrors and never stop the others. A failure of Redis stops the import with ImportStopped, which carries
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

	// The first round takes every id for new, as an import's mostly are, and writes without reading
	// first; the script writes none whose id is there after all, and those go round again, read.
	// So do conflicts (another writer got there between our read and our write).
	let round = pending;
	for (let attempt = 0; round.length > 0; attempt++) {
		if (attempt > 10) {
			throw new TokenError('redis', 'Import kept conflicting with concurrent writers; try again');
		}

		round = await importRound(store, round, outcomes, attempt > 0);
	}
}

/**
 * One conditional write of each token (one script for them all), after reading their ids if
 * `read`, else taking each id for absent; returns those written by no one else meanwhile, or
 * found there unread, to go round again.
 */
async function importRound(store: StoreContext, round: Pending[], outcomes: Outcomes, read: boolean): Promise<Pending[]> {
	const {redis, keys} = store;
	const now = store.now();
	const existing = read
		? await hmgetBatched(
				redis,
				keys.tokens,
				round.map(item => item.id),
			)
		: [];
	const writing: Write[] = [];
	const claimed = new Set<string>();
	for (const [position, item] of round.entries()) {
		const current = existing[position] ?? undefined;
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
		writing.push({
			item,
			record: encodeRecord(record),
			index: keys.index(indexAccountOf(record)),
			current,
			currentIndex: current ? keys.index(currentIndex) : undefined,
		});
	}

	if (writing.length === 0) {
		return [];
	}

	// A script a part, all sent at once (the connection pipelines them). A refusal (READONLY, OOM, a
	// key of the wrong type) writes nothing of its part; every reply is read before one is thrown,
	// so the parts that went through are counted.
	const parts: Array<readonly Write[]> = [];
	for (let start = 0; start < writing.length; start += SCRIPT_PART) {
		parts.push(writing.slice(start, start + SCRIPT_PART));
	}

	const replies = await Promise.allSettled(parts.map(async part => writePart(store, part)));
	const retry: Pending[] = [];
	let refusal: Error | undefined;
	for (const [number, reply] of replies.entries()) {
		if (reply.status === 'rejected') {
			refusal ??= reply.reason instanceof Error ? reply.reason : new Error(String(reply.reason));
			continue;
		}

		const [written, problem] = reply.value as [unknown[], Buffer | string];
		for (const [position, {item}] of parts[number]!.entries()) {
			if (written[position] === 1) {
				outcomes[item.index] = {status: 'imported', id: item.id};
			} else if (written[position] === 0) {
				retry.push(item);
			}
		}

		// Tokens whose index key refused them (2) were not written: the import stops, as with any refusal.
		if (String(problem) !== '') {
			refusal ??= new ReplyError(String(problem));
		}
	}

	if (refusal !== undefined) {
		throw refusal;
	}

	return retry;
}

/**
 * Tokens a script writes at most. A script holds Redis while it runs, and its arguments take
 * memory before it runs: a part as large as a whole batch (1000 tokens, a few hundred kilobytes)
 * would be refused whole on a Redis near its maxmemory where a smaller one still fits.
 */
const SCRIPT_PART = 250;

/** A token to write: its record's bytes and index key, and the stored bytes it may replace (and their index key). */
type Write = {item: Pending; record: Buffer; index: string; current: Buffer | undefined; currentIndex: string | undefined};

/** A part's script (write-scripts.ts IMPORT_BATCH): its keys, its frames and its bytes. */
async function writePart({redis, keys}: StoreContext, writing: readonly Write[]): Promise<unknown> {
	const indexKeys: string[] = [];
	const positions = new Map<string, number>();
	// 1-based positions in KEYS, after the two hashes.
	const at = (key: string) => {
		let found = positions.get(key);
		if (found === undefined) {
			indexKeys.push(key);
			found = indexKeys.length + 2;
			positions.set(key, found);
		}

		return found;
	};

	const idBytes = writing.map(({item}) => Buffer.byteLength(item.id));
	const frames = writing
		.map(
			({record, index, current, currentIndex}, offset) =>
				`${idBytes[offset]}:${record.length}:${current?.length ?? 0}:${current ? 1 : 0}:${at(index)}:${currentIndex === undefined ? 0 : at(currentIndex)}`,
		)
		.join(',');
	// One buffer written in place: no buffer a token for its id, nor a list of them to join.
	const bytes = Buffer.allocUnsafe(
		writing.reduce((sum, {record, current}, offset) => sum + idBytes[offset]! + record.length + (current?.length ?? 0), 0),
	);
	let filled = 0;
	for (const {item, record, current} of writing) {
		filled += bytes.write(item.id, filled, 'utf8');
		filled += record.copy(bytes, filled);
		filled += current?.copy(bytes, filled) ?? 0;
	}

	return (redis as ScriptedRedis).eeImportBatch(2 + indexKeys.length, keys.tokens, keys.access, ...indexKeys, frames, bytes, EMPTY_ACCESS);
}
