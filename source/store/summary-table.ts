import {type TokenSummary, expiredAt} from '../tokens/index.js';
import {markRowsShowing} from './part-search.js';
import {type PackedSummaries, type PartFingerprint, packSummaries} from './summary-pack.js';
import {PackedRow, type Part, UNREADABLE_SLOT, idOf, plainSummary, timeAt} from './table-part.js';

/** Rows per packed part when a table is packed here (the loader child sends parts of its own size). */
export const TABLE_PART_ROWS = 10_000;

/** The parts of each table, for a builder of the next load to share what did not change (SummaryTableBuilder). */
const partsOf = new WeakMap<SummaryTable, readonly Part[]>();

/** A packed part's times as a table keeps them: NaN for none, UNREADABLE_SLOT for an unreadable last use. */
function timesOf({times, unreadableUse}: Pick<PackedSummaries, 'times' | 'unreadableUse'>): number[] {
	const kept = times.map(time => time ?? Number.NaN);
	for (const row of unreadableUse) {
		kept[row * 3 + 2] = UNREADABLE_SLOT;
	}

	return kept;
}

/** The loader child's fingerprint of each part of `table`, for the load that replaces it to compare; undefined if any part was packed here. */
export function fingerprintsOf(table: SummaryTable): PartFingerprint[] | undefined {
	const fingerprints = (partsOf.get(table) ?? []).map(part => part.fingerprint);
	return fingerprints.every(fingerprint => fingerprint !== undefined) ? fingerprints : undefined;
}

/** Whether two arrays of numbers hold the same values (NaN, a part's "none", equal to itself). */
function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
	if (a.length !== b.length) {
		return false;
	}

	for (let index = 0; index < a.length; index++) {
		if (a[index] !== b[index] && !(Number.isNaN(a[index]) && Number.isNaN(b[index]))) {
			return false;
		}
	}

	return true;
}

/**
 * Makes a SummaryTable out of packed parts in listing order, each taken in as it arrives, so that
 * the message it came in can go at once.
 *
 * Given the table it replaces (a reload), a part the loader child found unchanged is that table's
 * own (keep(), nothing crossed but its times if they moved), and a part that came keeps that
 * table's strings and arrays where they are equal to the ones that came: between two reloads
 * mostly "last used" moves. At 100,000 tokens the ids and texts alone are ~10 MB; shared, the new
 * table costs its times and what changed.
 */
export class SummaryTableBuilder {
	private readonly parts: Part[] = [];
	private rows = 0;
	/** One frozen array per distinct scope list across the parts, as the summaries had: a row's `scopes` is shared, never a copy per row. */
	private readonly interned = new Map<string, readonly string[]>();
	private readonly previous: readonly Part[];

	constructor(previous?: SummaryTable) {
		this.previous = (previous && partsOf.get(previous)) ?? [];
	}

	/** `fingerprint`: what the loader child says the part is (fingerprintOf), for the next reload to compare. */
	add(part: PackedSummaries, fingerprint?: PartFingerprint): this {
		if (part.count === 0) {
			return this;
		}

		const scopeLists = part.scopeLists.map(list => {
			const key = JSON.stringify(list);
			let shared = this.interned.get(key);
			if (shared === undefined) {
				shared = Object.freeze([...list]);
				this.interned.set(key, shared);
			}

			return shared;
		});
		const times = timesOf(part);
		// The part of the table it replaces at the same rows: equal values are taken from it.
		const before = this.previous[this.parts.length];
		const same = before?.start === this.rows && before.count === part.count ? before : undefined;
		const shareText = (came: string, kept: string | undefined) => (came === kept ? kept : came);
		const share = <T extends readonly number[]>(came: T, kept: T | undefined): T => (kept && sameNumbers(came, kept) ? kept : came);
		this.parts.push({
			start: this.rows,
			count: part.count,
			ids: shareText(part.ids, same?.ids),
			text: shareText(part.text, same?.text),
			idEnds: share(part.idEnds, same?.idEnds),
			ends: share(part.ends, same?.ends),
			flags: share(part.flags, same?.flags),
			times: share(times, same?.times),
			scopeLists,
			problems: new Map(part.problems),
			fingerprint,
		});
		this.rows += part.count;
		return this;
	}

	/**
	 * The next part is the one the table being replaced has at these rows, which the loader child
	 * found unchanged but for its times, given if they changed (`fingerprint` says what it is now).
	 * Nothing crossed but the times: unchanged, the part is the old table's own object.
	 */
	keep(fingerprint: PartFingerprint, changed?: Pick<PackedSummaries, 'times' | 'unreadableUse'>): this {
		const before = this.previous[this.parts.length];
		if (before?.start !== this.rows || before.fingerprint?.rows !== fingerprint.rows) {
			throw new Error('The loader kept a part the table it replaces does not have');
		}

		// Its scope lists are the ones later parts share (a list already interned stays as it is).
		for (const list of before.scopeLists) {
			const key = JSON.stringify(list);
			if (!this.interned.has(key)) {
				this.interned.set(key, list);
			}
		}

		this.parts.push(changed ? {...before, times: timesOf(changed), fingerprint} : before);
		this.rows += before.count;
		return this;
	}

	build(): SummaryTable {
		return new SummaryTable([...this.parts]);
	}
}

/**
 * A whole listing kept in the packed form it crossed from the loader child in (summary-pack.ts):
 * per part of 10,000 rows two strings and four arrays of numbers, instead of per token an object,
 * three boxed times and three sliced strings. At 100,000 tokens that is about 15 MB instead of 40,
 * the garbage collector has no per-row objects to trace or promote, and a reload holds two of
 * these, not two object graphs. Rows are read on demand (row(): a view that slices a field out only
 * when it is read): the app reads a screenful, a sort key or a filter's fields at a time.
 *
 * Read-only: what Redis said at the load. Every text in it is untrusted, as the summaries were:
 * sanitising stays where the cells are made (format/).
 */
export class SummaryTable {
	/** A table of summaries read in this process (a small instance, the listing's first rows); `previous`: the table it replaces (SummaryTableBuilder). */
	static of(summaries: readonly TokenSummary[], partRows = TABLE_PART_ROWS, previous?: SummaryTable): SummaryTable {
		const builder = new SummaryTableBuilder(previous);
		for (let start = 0; start < summaries.length; start += partRows) {
			builder.add(packSummaries(summaries.slice(start, start + partRows)));
		}

		return builder.build();
	}

	readonly length: number;

	/** Made by SummaryTableBuilder. */
	constructor(private readonly parts: readonly Part[]) {
		const last = parts.at(-1);
		this.length = last ? last.start + last.count : 0;
		partsOf.set(this, parts);
	}

	/** The row at `index` (display code's index into the listing, id descending), or undefined past either end. */
	row(index: number): TokenSummary | undefined {
		const part = this.partOf(index);
		return part && new PackedRow(part, index - part.start);
	}

	/** The id of the row at `index` (which must be in the table). */
	idAt(index: number): string {
		const part = this.partOf(index)!;
		return idOf(part, index - part.start);
	}

	/** Whether the row at `index` has this id, without slicing the id out. */
	hasIdAt(index: number, id: string): boolean {
		const part = this.partOf(index);
		if (!part) {
			return false;
		}

		const row = index - part.start;
		const {ids, idEnds} = part;
		const start = row === 0 ? 0 : idEnds[row - 1]!;
		return idEnds[row]! - start === id.length && ids.startsWith(id, start);
	}

	/** The index of the row with this id, or -1. */
	indexOf(id: string): number {
		for (const part of this.parts) {
			const {ids, idEnds, count} = part;
			let start = 0;
			for (let row = 0; row < count; row++) {
				const end = idEnds[row]!;
				if (end - start === id.length && ids.startsWith(id, start)) {
					return part.start + row;
				}

				start = end;
			}
		}

		return -1;
	}

	/** The row with this id, or undefined. */
	byId(id: string): TokenSummary | undefined {
		return this.row(this.indexOf(id));
	}

	/** The index of each of `ids` that is a row of this table: one pass over the rows, however many ids. */
	indexesOf(ids: ReadonlySet<string>): Map<string, number> {
		const found = new Map<string, number>();
		if (ids.size === 0) {
			return found;
		}

		for (const part of this.parts) {
			const {ids: all, idEnds, count} = part;
			let start = 0;
			for (let row = 0; row < count; row++) {
				const end = idEnds[row]!;
				const id = all.slice(start, end);
				if (ids.has(id)) {
					found.set(id, part.start + row);
				}

				start = end;
			}
		}

		return found;
	}

	/** Whether the row at `index` had expired at `now` (compatibility §1.8), without making a row of it. */
	expiredAt(index: number, now: number): boolean {
		const part = this.partOf(index)!;
		return expiredAt(timeAt(part.times, (index - part.start) * 3 + 1), now);
	}

	/**
	 * Per row (1 or 0), whether its visible text (visibleTextOf) includes `word`, a normalised query
	 * word: each part searched in its own lower-cased text (part-search.ts), no string made per row.
	 */
	rowsShowing(word: string): Uint8Array {
		const shown = new Uint8Array(this.length);
		for (const part of this.parts) {
			markRowsShowing(part, word, shown);
		}

		return shown;
	}

	/** How many rows carry a problem (they can never authenticate). */
	get problems(): number {
		let count = 0;
		for (const part of this.parts) {
			count += part.problems.size;
		}

		return count;
	}

	/** Every row as a plain summary object (`review` undefined: it stays behind in the loader). */
	toArray(): TokenSummary[] {
		const rows: TokenSummary[] = Array.from({length: this.length});
		for (let index = 0; index < this.length; index++) {
			rows[index] = plainSummary(this.row(index)!);
		}

		return rows;
	}

	private lastPart: Part | undefined;

	private partOf(index: number): Part | undefined {
		if (!(Number.isInteger(index) && index >= 0 && index < this.length)) {
			return undefined;
		}

		// Rows are read in runs (a screen, a sort, a filter in listing order): the last part first.
		const last = this.lastPart;
		if (last && index >= last.start && index < last.start + last.count) {
			return last;
		}

		let low = 0;
		let high = this.parts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (this.parts[middle]!.start <= index) {
				low = middle;
			} else {
				high = middle - 1;
			}
		}

		this.lastPart = this.parts[low];
		return this.lastPart;
	}
}
