import {TokenError, type TokenRecord} from '../tokens/index.js';
import {type SyncPlan, planSync, readSyncTargets} from './comparing.js';
import {type ImportOutcome, ImportStopped, importMany} from './importing.js';
import {type StoreContext, type UnreadableRecord, decodeOrReport, hmgetBatched} from './stored-records.js';

/**
 * Copying tokens from one store to another through the import (compatibility §3.3): `sync`'s copy
 * of what the other end lacks, and the app's copy of marked rows to another instance. Never over
 * a live token; each token whole or not at all.
 */

/** The from end's records of these ids (gone ones left out, unreadable ones said), for planSync. */
export async function readSyncSourceByIds(
	from: StoreContext,
	ids: readonly string[],
): Promise<{entries: Array<{id: string; record: TokenRecord}>; unreadable: UnreadableRecord[]}> {
	const entries: Array<{id: string; record: TokenRecord}> = [];
	const unreadable: UnreadableRecord[] = [];
	const records = await hmgetBatched(from.redis, from.keys.tokens, ids);
	for (const [index, id] of ids.entries()) {
		const bytes = records[index];
		const record = bytes ? decodeOrReport(id, bytes, found => unreadable.push(found)) : undefined;
		if (record) {
			entries.push({id, record});
		}
	}

	return {entries, unreadable};
}

/** The plan of copying these tokens of `from` to `to`: what `to` lacks, holds the same, or holds otherwise. */
export async function planCopyOf(from: StoreContext, to: StoreContext, ids: readonly string[], now: number): Promise<SyncPlan> {
	const source = await readSyncSourceByIds(from, ids);
	const targets = await readSyncTargets(
		to,
		source.entries.map(entry => entry.id),
	);
	return planSync(source, targets, now);
}

/**
 * What a copy did: the ids written, and those `to` got a live token under after the plan was read
 * (kept). `stopped`: Redis failed part-way; the tokens before it are written, the rest not.
 */
export type CopyResult = {copied: string[]; present: string[]; stopped?: ImportStopped};

/** Tokens per import call, and how many calls are in flight at once. */
const CHUNK = 1000;
const IN_FLIGHT = 3;

/**
 * Copies the plan's tokens through the import. A few chunks are in flight at once, so that
 * decoding and encoding one overlaps Redis running the writes of another (`export | import`
 * overlaps them in two processes); each chunk is the import's own, and the import never
 * overwrites whatever the order. What the import refuses joins the plan's `refused`.
 */
export async function copyPlanned(to: StoreContext, plan: SyncPlan): Promise<CopyResult> {
	const result: CopyResult = {copied: [], present: []};
	const tally = (offset: number, outcomes: ReadonlyArray<ImportOutcome | TokenError | undefined>) => {
		for (const [index, outcome] of outcomes.entries()) {
			if (outcome instanceof TokenError) {
				// The plan leaves out what the import refuses (importRefusal); kept honest all the same.
				plan.refused.push({id: plan.copy[offset + index]!.id, problem: outcome.message});
			} else if (outcome) {
				// "present": `to` got a live token under the id after the plan was read; it is kept.
				result[outcome.status === 'imported' ? 'copied' : 'present'].push(outcome.id);
			}
		}
	};

	let next = 0;
	const worker = async () => {
		while (next < plan.copy.length && !result.stopped) {
			const offset = next;
			next += CHUNK;
			try {
				tally(
					offset,
					await importMany(
						to,
						plan.copy.slice(offset, offset + CHUNK).map(token => token.exportString),
					),
				);
			} catch (error) {
				if (!(error instanceof ImportStopped)) {
					throw error;
				}

				tally(offset, error.outcomes);
				result.stopped ??= error;
			}
		}
	};

	await Promise.all(Array.from({length: IN_FLIGHT}, worker));
	return result;
}
