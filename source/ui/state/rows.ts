import {type TokenQuery, type TokenSummary, isEveryToken, matchesQuery} from '../../tokens/index.js';
import {type SummaryOptions, SummaryTable} from '../../store/index.js';
import {COLUMNS} from '../../format/index.js';

/** The rows of one load, kept packed (store/summary-table.ts); a row is read out of it when shown, sorted or filtered. */
export type TableData = {
	rows: SummaryTable;
	/** Per column, the rows by that column's key ascending with the rows without a key after them; made on the first sort by it. */
	sorted: Array<SortedBy | undefined>;
	/**
	 * Cell texts of the rows drawn so far (a screenful at a time, not all 100,000), computed once per
	 * load and never per keystroke; a new load gets new cells, since "3 minutes ago" moved on.
	 */
	cells: Map<number, string[]>;
	/** The time the relative texts ("3 minutes ago") are computed against. */
	loadedAt: number;
	/**
	 * Set while these rows are only the first of the listing (shown while the rest loads): how many
	 * ids the listing has in all.
	 */
	partOf: number | undefined;
	/** How many rows can never authenticate (they carry a problem): few, if any. */
	problems: number;
	/** How many rows had expired at loadedAt: hidden unless the table shows expired tokens (x). */
	expired: number;
};

/** Row indices by one column: ascending by its key (ties by index), then the `missing` rows without a key, by index. */
type SortedBy = {order: Int32Array; missing: number};

/**
 * What the app reads of the listing: unreadable records and expired tokens are rows too (so the
 * count agrees with Redis, and x shows them), each with its review risk (the marker column).
 */
export const APP_LISTING: SummaryOptions = {unreadableRows: true, includeExpired: true, risk: true};

/** Rows read ahead of the whole table: a tall terminal's screen and some paging. */
export const HEAD_ROWS = 200;

/** Cells kept for drawn rows before the oldest are let go: scrolling through 100,000 rows keeps a few screens' worth. */
const CELLS_KEPT = 1000;

export function buildTableData(rows: SummaryTable | readonly TokenSummary[], now: number, partOf?: number): TableData {
	const table = rows instanceof SummaryTable ? rows : SummaryTable.of(rows);
	let expired = 0;
	for (let index = 0; index < table.length; index++) {
		if (table.expiredAt(index, now)) {
			expired++;
		}
	}

	return {
		rows: table,
		sorted: COLUMNS.map(() => undefined),
		cells: new Map(),
		loadedAt: now,
		partOf,
		problems: table.problems,
		expired,
	};
}

/** The cell texts of the row at `index` (sanitised by the shared column definitions), computed once per load. */
export function cellsOf(data: TableData, index: number): string[] {
	let cells = data.cells.get(index);
	if (cells === undefined) {
		const row = data.rows.row(index)!;
		cells = COLUMNS.map(column => column.text(row, data.loadedAt));
		if (data.cells.size >= CELLS_KEPT) {
			// A Map iterates in insertion order: the first key is the row drawn longest ago.
			data.cells.delete(data.cells.keys().next().value!);
		}

		data.cells.set(index, cells);
	}

	return cells;
}

/** A token a dialog acts on: its id and its (sanitised) description, fixed when the dialog opens. */
export type Target = {id: string; description: string};

export const targetOf = (data: TableData, index: number): Target => ({id: data.rows.idAt(index), description: cellsOf(data, index)[0]!});

/**
 * What revoke and export act on, as their dialogs say it: the marked tokens (every one, shown or
 * hidden by the filter, and how many are hidden), or the single token under the cursor.
 */
export type Selection = {targets: Target[]; marked: boolean; hidden: number};

export const single = (target: Target): Selection => ({targets: [target], marked: false, hidden: 0});

/** How many of the marked ids are not among the rows the filter shows. */
export function hiddenMarks(data: TableData, visible: RowOrder, marks: ReadonlySet<string>): number {
	if (marks.size === 0 || visible.length === data.rows.length) {
		return 0;
	}

	const shown = new Uint8Array(data.rows.length);
	for (const index of visible) {
		shown[index] = 1;
	}

	const found = data.rows.indexesOf(marks);
	let hidden = 0;
	for (const id of marks) {
		const index = found.get(id);
		if (index === undefined || !shown[index]) {
			hidden++;
		}
	}

	return hidden;
}

/** The hidden-by-the-filter sentence of a dialog acting on marked tokens, or undefined. */
export function hiddenText({targets, hidden}: Selection): string | undefined {
	if (hidden === 0) {
		return undefined;
	}

	const which =
		hidden === targets.length ? (hidden === 1 ? 'It is' : `All ${hidden} are`) : `${hidden} of them ${hidden === 1 ? 'is' : 'are'}`;
	return `${which} hidden by the filter; u in the table clears every mark.`;
}

/**
 * The rows by one column, made on the first sort by it and kept for the load: the order alone
 * (4 bytes a row), not the keys, which are made for the sort and let go. Number keys (times) are
 * kept unboxed for the sort: in an array of any keys each would be a heap object of its own,
 * 100,000 of them alive through the sort, promoted and left to the next full collection.
 */
function sortedBy(data: TableData, column: number): SortedBy {
	let sorted = data.sorted[column];
	if (!sorted) {
		const definition = COLUMNS[column]!;
		const count = data.rows.length;
		const numbers = new Float64Array(count);
		// Only for a column whose keys are text (made when the first one is).
		let texts: Array<string | undefined> | undefined;
		const keyed: number[] = [];
		const missing: number[] = [];
		for (let index = 0; index < count; index++) {
			const key = definition.sortKey(data.rows.row(index)!);
			if (key === undefined) {
				missing.push(index);
				continue;
			}

			if (typeof key === 'number') {
				numbers[index] = key;
			} else {
				(texts ??= Array.from({length: count}))[index] = key;
			}

			keyed.push(index);
		}

		const keyOf = (index: number) => texts?.[index] ?? numbers[index]!;
		keyed.sort((a, b) => {
			const ka = keyOf(a);
			const kb = keyOf(b);
			return ka < kb ? -1 : ka > kb ? 1 : a - b;
		});
		const order = new Int32Array(count);
		order.set(keyed);
		order.set(missing, keyed.length);
		sorted = {order, missing: missing.length};
		data.sorted[column] = sorted;
	}

	return sorted;
}

export type Sort = {column: number | undefined; reverse: boolean};

/**
 * Row indices in display order. Typed, 4 bytes a row where an array of numbers takes 8 (and twice
 * that while filter() grows it): a sort makes one and every filter keystroke another, 100,000 rows
 * long at most, each kept for as long as it is shown.
 */
export type RowOrder = Int32Array;

/**
 * Row indices in display order: the store's order (id descending) or by one column's key. Rows
 * without a key sort last whichever way the order goes; equal keys keep the store's order, or its
 * reverse when reversed.
 */
export function sortedOrder(data: TableData, sort: Sort): RowOrder {
	const count = data.rows.length;
	const order = new Int32Array(count);
	if (sort.column === undefined) {
		for (let position = 0; position < count; position++) {
			order[position] = sort.reverse ? count - 1 - position : position;
		}

		return order;
	}

	const sorted = sortedBy(data, sort.column);
	const keyed = count - sorted.missing;
	for (let position = 0; position < count; position++) {
		order[position] = sorted.order[sort.reverse && position < keyed ? keyed - 1 - position : position]!;
	}

	return order;
}

/** Per row, 1 where every one of `shown` has it. */
function everyWord(shown: readonly Uint8Array[]): Uint8Array {
	const all = shown[0]!.slice();
	for (const more of shown.slice(1)) {
		for (let index = 0; index < all.length; index++) {
			all[index]! &= more[index]!;
		}
	}

	return all;
}

/**
 * The visible subset of an order: rows the filter (tokens/query.ts) matches, its relative terms
 * measured from the load's time, as the cells' "3 days ago" are.
 */
export function filteredOrder(data: TableData, order: RowOrder, query: TokenQuery, showExpired = true): RowOrder {
	// Expired rows are hidden unless shown (x) or asked for (is:expired), as a listing hides them.
	const hideExpired = data.expired > 0 && !showExpired && !query.wantsExpired;
	const everyToken = isEveryToken(query);
	if (everyToken && !hideExpired) {
		return order;
	}

	const {rows, loadedAt} = data;
	// Which rows show each word, for the whole table at once (SummaryTable.rowsShowing), and which
	// show every word: with no terms to test, those match without a row being read.
	const showing = new Map(query.words.map(word => [word, rows.rowsShowing(word)]));
	const showsAll = query.terms.length === 0 && query.words.length > 0 ? everyWord([...showing.values()]) : undefined;
	const kept = (index: number) =>
		!(hideExpired && rows.expiredAt(index, loadedAt)) &&
		(everyToken || showsAll?.[index] === 1 || matchesQuery(query, rows.row(index)!, word => showing.get(word)![index] === 1, loadedAt));
	// A loop into a typed array: Int32Array's filter() took ~200 ms over 1,000,000 rows that all matched.
	const visible = new Int32Array(order.length);
	let length = 0;
	for (const index of order) {
		if (kept(index)) {
			visible[length++] = index;
		}
	}

	return visible.slice(0, length);
}
