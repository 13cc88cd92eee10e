import {type LastUsed, type TokenSummary, UNREADABLE_TIME, cellsNotLoweredInPlace, expiredAt, visibleCellsOf} from '../tokens/index.js';
import {FLAGS, type PackedSummaries, packSummaries, riskOf} from './summary-pack.js';

/** Rows per packed part when a table is packed here (the loader child sends parts of its own size). */
export const TABLE_PART_ROWS = 10_000;

/**
 * One part of a table: the packed part as it came, its times made an array of doubles (unboxed in
 * V8, 8 bytes each: NaN for none, UNREADABLE_SLOT for a last use that cannot be read). Everything
 * in this process's JavaScript heap, nothing in malloc'd buffers, which a long-lived table would
 * pin among the load's transient ones.
 */
type Part = {
	/** The first row of this part in the whole table, and how many rows it has. */
	start: number;
	count: number;
	ids: string;
	text: string;
	idEnds: readonly number[];
	ends: readonly number[];
	flags: readonly number[];
	times: number[];
	scopeLists: ReadonlyArray<readonly string[]>;
	problems: ReadonlyMap<number, string>;
};

/**
 * What a part's rows are searched in (SummaryTable.rowsShowing), made at the first search of the
 * part and kept with it: one lower-cased copy of its text, not a string per row. Nothing is made
 * for a table nobody filters; the app used to build every row's visible text after each load (and
 * reload, every 10 seconds), 100,000 strings whether or not anyone filtered.
 */
type PartSearch = {
	/** The part's text lower-cased: a description or account not in cellsNotLoweredInPlace() is at the same offsets. */
	lower: string;
	/** Rows searched through their visible text instead: a problem, or a description or account not lower-cased in place (few, if any). */
	irregular: ReadonlySet<number>;
	/** The visible Scopes cell of each scope list (index as in a row's flags: 0 is none). */
	scopes: readonly string[];
	/** The visible Account cell of a row without one. */
	noAccount: string;
};

const searches = new WeakMap<Part, PartSearch>();
const NOT_ASCII = /[\u0080-\uFFFF]/;
const NO_FIELDS: TokenSummary = {
	id: '',
	description: undefined,
	account: undefined,
	scopes: undefined,
	created: undefined,
	expires: undefined,
	lastUsed: undefined,
	problem: undefined,
	review: undefined,
	risk: undefined,
};

function searchOf(part: Part): PartSearch {
	let search = searches.get(part);
	if (!search) {
		const {text, ends, problems} = part;
		const irregular = new Set<number>(problems.keys());
		// Cells come two a row, description then account.
		for (const cell of cellsNotLoweredInPlace(text, ends)) {
			irregular.add(cell >> 1);
		}

		// The cells of a row with these scopes and no problem, description or account: what each scope list and no account show.
		const cellsWith = (scopes: readonly string[] | undefined) => visibleCellsOf({...NO_FIELDS, scopes});
		const [, noScopes, noAccount] = cellsWith(undefined);
		search = {
			// Lower-casing anything but ASCII can change the length, which would move every cell after it.
			lower: NOT_ASCII.test(text) ? text.replaceAll(/[A-Z]+/g, capitals => capitals.toLowerCase()) : text.toLowerCase(),
			irregular,
			scopes: [noScopes, ...part.scopeLists.map(list => cellsWith(list)[1])],
			noAccount,
		};
		searches.set(part, search);
	}

	return search;
}

/** A last use that is stored but unreadable, in a part's times: no time read from a record is negative infinity (toMillis keeps finite ones). */
const UNREADABLE_SLOT = Number.NEGATIVE_INFINITY;
const timeAt = (times: readonly number[], at: number) => (Number.isNaN(times[at]) ? undefined : times[at]);
const lastUsedAt = (times: readonly number[], at: number): LastUsed =>
	times[at] === UNREADABLE_SLOT ? UNREADABLE_TIME : timeAt(times, at);

/** The parts of each table, for a builder of the next load to share what did not change (SummaryTableBuilder). */
const partsOf = new WeakMap<SummaryTable, readonly Part[]>();

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
 * Given the table it replaces (a reload), each part keeps that table's strings and arrays where
 * they are equal to the ones that came: a reload reads every token again while the table on screen
 * stays alive, and between two reloads mostly "last used" moves. At 100,000 tokens the ids and
 * texts alone are ~10 MB; shared, the new table costs its times and what changed, and the
 * message's copies die young.
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

	add(part: PackedSummaries): this {
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
		const times = part.times.map(time => time ?? Number.NaN);
		for (const row of part.unreadableUse) {
			times[row * 3 + 2] = UNREADABLE_SLOT;
		}

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
		});
		this.rows += part.count;
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
	 * word (no newline, so never across two cells). One pass over each part's lower-cased text from
	 * one occurrence of the word to the next, each laid on the row whose cell holds it: no string is
	 * made per row, and a keystroke of the filter costs a scan of the text, not 100,000 slices.
	 */
	rowsShowing(word: string): Uint8Array {
		const shown = new Uint8Array(this.length);
		for (const part of this.parts) {
			const search = searchOf(part);
			const {ends, flags, count, start: first} = part;
			let row = 0;
			for (let at = search.lower.indexOf(word); at !== -1; at = search.lower.indexOf(word, at + 1)) {
				while (ends[row * 2 + 1]! <= at) {
					row++;
				}

				// In the description (it ends at ends[row * 2]) or in the account, never across the two.
				const end = at + word.length;
				if (end <= ends[row * 2]! || (at >= ends[row * 2]! && end <= ends[row * 2 + 1]!)) {
					shown[first + row] = 1;
				}
			}

			const scopes = search.scopes.map(text => text.includes(word));
			const noAccount = search.noAccount.includes(word);
			for (row = 0; row < count; row++) {
				const rowFlags = flags[row]!;
				if (scopes[rowFlags >> FLAGS.scopeShift] || (noAccount && (rowFlags & FLAGS.account) === 0)) {
					shown[first + row] = 1;
				}
			}

			for (const irregular of search.irregular) {
				shown[first + irregular] = visibleCellsOf(new PackedRow(part, irregular)).some(cell => cell.includes(word)) ? 1 : 0;
			}
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

function idOf(part: Part, row: number): string {
	const {ids, idEnds} = part;
	return ids.slice(row === 0 ? 0 : idEnds[row - 1], idEnds[row]);
}

/**
 * A row of a SummaryTable: each field read out of the packed part when asked for, so a filter that
 * looks at one field of 100,000 rows slices and boxes nothing else. Read-only (no setters): a view
 * is never a listing's working copy.
 */
class PackedRow implements TokenSummary {
	constructor(
		private readonly part: Part,
		private readonly index: number,
	) {}

	get id(): string {
		return idOf(this.part, this.index);
	}

	get description(): string | undefined {
		const {flags, text, ends} = this.part;
		return flags[this.index]! & FLAGS.description ? text.slice(this.textStart(), ends[this.index * 2]) : undefined;
	}

	get account(): string | undefined {
		const {flags, text, ends} = this.part;
		return flags[this.index]! & FLAGS.account ? text.slice(ends[this.index * 2], ends[this.index * 2 + 1]) : undefined;
	}

	get scopes(): readonly string[] | undefined {
		const list = this.part.flags[this.index]! >> FLAGS.scopeShift;
		return list === 0 ? undefined : this.part.scopeLists[list - 1];
	}

	get created(): number | undefined {
		return timeAt(this.part.times, this.index * 3);
	}

	get expires(): number | undefined {
		return timeAt(this.part.times, this.index * 3 + 1);
	}

	get lastUsed(): LastUsed {
		return lastUsedAt(this.part.times, this.index * 3 + 2);
	}

	get problem(): string | undefined {
		return this.part.problems.get(this.index);
	}

	get review(): undefined {
		return undefined;
	}

	get risk(): TokenSummary['risk'] {
		return riskOf((this.part.flags[this.index]! >> FLAGS.riskShift) & FLAGS.riskMask);
	}

	private textStart(): number {
		return this.index === 0 ? 0 : this.part.ends[this.index * 2 - 1]!;
	}
}

const plainSummary = (row: TokenSummary): TokenSummary => ({
	id: row.id,
	description: row.description,
	account: row.account,
	scopes: row.scopes,
	created: row.created,
	expires: row.expires,
	lastUsed: row.lastUsed,
	problem: row.problem,
	review: undefined,
	risk: row.risk,
});
