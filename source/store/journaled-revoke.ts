import {
	type JournalToken,
	TokenError,
	type TokenRecord,
	decodeLastUse,
	indexAccountOf,
	shallowFields,
	unreadableReason,
} from '../tokens/index.js';
import {checkExec} from './redis-errors.js';
import type {StoredRow} from './listing.js';
import {BATCH, type StoreContext, decodeOrUndefined, hmgetBatched} from './stored-records.js';
import type {ScriptedPipeline, ScriptedRedis} from './write-scripts.js';

/**
 * Revoke by selection with an undo (compatibility §1.5 for the deletes): snapshot the exact stored
 * bytes of the chosen tokens, delete only those still holding those bytes, and put them back from
 * the snapshot. The audit logs are neither journaled nor deleted: during an incident they are the
 * evidence of what a leaked token did, and they expire by their own TTL (compatibility §1.7).
 */

/** A journaled token, and why its record cannot be read when it cannot (the plan says so). */
export type PlannedToken = JournalToken & {unreadable?: string};

/**
 * The record of a planned token as the plan shows it: decoded, or what can be read of it without
 * decoding when it is unreadable. Decoded only when asked (the plan's JSON): a revoke of 10,000
 * tokens journals and deletes bytes and has no use for 10,000 decoded records.
 */
export function plannedRecord(token: JournalToken): TokenRecord {
	return decodeOrUndefined(token.record) ?? shallowFields(token.record);
}

/**
 * The exact stored state of the selected rows (listStored): record bytes, last-use bytes, which
 * index key the record names and whether the id is in it. A row's summary already says which
 * index key a usable record names (its account); only a record with a problem, which a summary
 * does not hold whole, is decoded for it. Whether the id is in that index is known for a row read
 * from that very index (a revoke by account, memberOf); Redis is asked only about the others.
 */
export async function snapshotRows(store: StoreContext, rows: readonly StoredRow[]): Promise<PlannedToken[]> {
	const {redis, keys} = store;
	const unknown: PlannedToken[] = [];
	const found: PlannedToken[] = rows.map(({id, record, access, summary, memberOf}) => {
		const token: PlannedToken = {id, record, access: access ?? null, index: null, indexed: false};
		if (summary.problem === undefined) {
			// No problem: the account is a non-empty string or absent, so the summary's account is
			// exactly indexAccountOf() of the record.
			token.index = summary.account ?? null;
		} else {
			const decoded = decodeOrUndefined(record);
			token.index = (decoded && indexAccountOf(decoded)) ?? null;
			if (!decoded) {
				token.unreadable = unreadableReason(record) ?? 'unreadable';
			}
		}

		if (memberOf !== undefined && memberOf === keys.index(token.index ?? undefined)) {
			token.indexed = true;
		} else {
			unknown.push(token);
		}

		return token;
	});
	// Every batch is sent at once (one connection pipelines them): one round trip, not one a batch.
	const batches: Array<Promise<void>> = [];
	for (let start = 0; start < unknown.length; start += BATCH) {
		const batch = unknown.slice(start, start + BATCH);
		const {indexKeys, at} = byIndexKey(store, batch);
		const args = batch.flatMap((token, offset) => [token.id, String(at[offset])]);
		batches.push(
			(async () => {
				const members = (await (redis as ScriptedRedis).eeMembership(indexKeys.length, ...indexKeys, ...args)) as number[];
				for (const [offset, member] of members.entries()) {
					batch[offset]!.indexed = member === 1;
				}
			})(),
		);
	}

	await Promise.all(batches);
	return found;
}

/** Whether a token's last use came from an address `inRange` accepts (never used: no). */
export function lastUseFrom(token: JournalToken, inRange: (ip: string) => boolean): boolean {
	const ip = decodeLastUse(token.access)?.ip;
	return typeof ip === 'string' && inRange(ip);
}

/**
 * Deletes the journaled tokens a batch of 1000 at a time, each batch one script: a token's
 * record, last use and index entry go only if its record still holds the journaled bytes.
 * Returns the ids that changed since the snapshot and were kept.
 */
export async function deleteJournaled(store: StoreContext, tokens: readonly JournalToken[]): Promise<{skipped: string[]}> {
	const {redis, keys} = store;
	// Each batch is one script, atomic on its own; all are sent at once (the connection pipelines
	// them) rather than one round trip each, and what each kept is gathered in order.
	const batches: Array<Promise<string[]>> = [];
	for (let start = 0; start < tokens.length; start += BATCH) {
		const batch = tokens.slice(start, start + BATCH);
		const {indexKeys, at} = byIndexKey(store, batch, 2);
		// Two arguments, not three a token: each id and record framed by its length (write-scripts.ts).
		// A client spends far longer turning 3,000 arguments into a command than 2 of the same bytes.
		const idBytes = batch.map(token => Buffer.byteLength(token.id));
		const frames = batch.map((token, offset) => `${idBytes[offset]}:${token.record.length}:${at[offset]}`).join(',');
		// One buffer written in place: no buffer a token for its id, nor a list of them to join.
		const bytes = Buffer.allocUnsafe(batch.reduce((sum, token, offset) => sum + idBytes[offset]! + token.record.length, 0));
		let written = 0;
		for (const token of batch) {
			written += bytes.write(token.id, written, 'utf8');
			written += token.record.copy(bytes, written);
		}

		batches.push(
			(async () => {
				const kept = (await (redis as ScriptedRedis).eeDeleteIfUnchanged(
					2 + indexKeys.length,
					keys.tokens,
					keys.access,
					...indexKeys,
					frames,
					bytes,
				)) as Array<Buffer | string>;
				return kept.map(String);
			})(),
		);
	}

	return {skipped: (await Promise.all(batches)).flat()};
}

/** A batch's index keys, each once, and for each token the position in KEYS (1-based, after `before` other keys) of its own. */
function byIndexKey({keys}: StoreContext, batch: readonly JournalToken[], before = 0): {indexKeys: string[]; at: number[]} {
	const indexKeys: string[] = [];
	const position = new Map<string, number>();
	const at = batch.map(token => {
		const key = keys.index(token.index ?? undefined);
		let found = position.get(key);
		if (found === undefined) {
			indexKeys.push(key);
			found = indexKeys.length + before;
			position.set(key, found);
		}

		return found;
	});
	return {indexKeys, at};
}

export type RestoreOutcome = 'restored' | 'unchanged' | 'conflict';

const OUTCOMES = new Set<string>(['restored', 'unchanged', 'conflict']);

/**
 * Puts journaled tokens back byte for byte. The keys' types are checked for every token before
 * the first write (a refusal writes nothing at all); each token is then one script that writes
 * only what is missing and never overwrites a record that holds other bytes (a conflict).
 * With `dryRun` the same decision is made from a read, and nothing is written.
 */
export async function restoreJournaled(
	store: StoreContext,
	tokens: readonly JournalToken[],
	{dryRun = false}: {dryRun?: boolean} = {},
): Promise<RestoreOutcome[]> {
	const {redis, keys} = store;
	const indexKeys = [...new Set(tokens.map(token => keys.index(token.index ?? undefined)))];
	const expected = new Map([[keys.tokens, 'hash'], [keys.access, 'hash'], ...indexKeys.map(key => [key, 'set'] as const)]);
	const typeCheck = redis.pipeline();
	for (const key of expected.keys()) {
		typeCheck.type(key);
	}

	const types = checkExec(await typeCheck.exec(), 'Checking the keys to restore into');
	for (const [offset, [key, type]] of [...expected.entries()].entries()) {
		const found = String(types[offset]);
		if (found !== 'none' && found !== type) {
			throw new TokenError('redis', `WRONGTYPE ${key} holds a ${found}, not a ${type}; nothing was restored`);
		}
	}

	if (dryRun) {
		return restorePreview(store, tokens);
	}

	const outcomes: RestoreOutcome[] = [];
	for (let start = 0; start < tokens.length; start += BATCH) {
		const pipeline = redis.pipeline() as ScriptedPipeline;
		for (const token of tokens.slice(start, start + BATCH)) {
			pipeline.eeRestore(
				keys.tokens,
				keys.access,
				keys.index(token.index ?? undefined),
				token.id,
				token.record,
				token.access ?? '',
				token.access === null ? '0' : '1',
				token.indexed ? '1' : '0',
			);
		}

		for (const reply of checkExec(await pipeline.exec(), 'Restoring the tokens')) {
			const outcome = String(reply);
			if (!OUTCOMES.has(outcome)) {
				throw new TokenError('redis', `Restoring the tokens: unexpected reply ${outcome.slice(0, 40)}`);
			}

			outcomes.push(outcome as RestoreOutcome);
		}
	}

	return outcomes;
}

/** What restoreJournaled would do, read and decided as its script decides, writing nothing. */
async function restorePreview(store: StoreContext, tokens: readonly JournalToken[]): Promise<RestoreOutcome[]> {
	const {redis, keys} = store;
	const ids = tokens.map(token => token.id);
	const [records, access] = await Promise.all([hmgetBatched(redis, keys.tokens, ids), hmgetBatched(redis, keys.access, ids)]);
	const membership = redis.pipeline();
	for (const token of tokens) {
		membership.sismember(keys.index(token.index ?? undefined), token.id);
	}

	const members = tokens.length === 0 ? [] : checkExec(await membership.exec(), 'Reading the index entries');
	return tokens.map((token, position) => {
		const current = records[position];
		if (current && !current.equals(token.record)) {
			return 'conflict';
		}

		const missing = !current || (token.access !== null && !access[position]) || (token.indexed && members[position] !== 1);
		return missing ? 'restored' : 'unchanged';
	});
}
