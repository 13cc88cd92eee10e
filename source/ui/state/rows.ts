import {COLUMNS, type TokenEntry, accountOf, stringField} from '../../tokens/index.js';

/**
 * One table row. Its cell texts are computed at most once per data load, the first time the row
 * is drawn (a screenful of rows, not all 100,000), then kept: never recomputed per keystroke.
 */
export type Row = {
	id: string;
	entry: TokenEntry;
	/** Filled by cellsOf() on first use. */
	cells: string[] | undefined;
	/** Lower-cased, whitespace-collapsed id, description and account: what `/` searches. */
	search: string;
};

export type TableData = {
	rows: Row[];
	/** Per column, the sort key of every row, computed on the first sort by that column. */
	sortKeys: Array<Array<string | number | undefined> | undefined>;
	/** The time the relative texts ("3 minutes ago") are computed against. */
	loadedAt: number;
};

export const normaliseQuery = (text: string): string => text.replaceAll(/\s+/g, ' ').trim().toLowerCase();

const NEEDS_NORMALISING = /\s\s|[\t\n\r\f\v]/;

export function buildTableData(entries: readonly TokenEntry[], now: number): TableData {
	const rows: Row[] = Array.from({length: entries.length});
	for (const [index, entry] of entries.entries()) {
		const search = `${entry.id} ${stringField(entry.record, 'description') ?? ''} ${accountOf(entry.record) ?? ''}`.toLowerCase();
		rows[index] = {id: entry.id, entry, cells: undefined, search: NEEDS_NORMALISING.test(search) ? normaliseQuery(search) : search};
	}

	return {rows, sortKeys: COLUMNS.map(() => undefined), loadedAt: now};
}

/** The row's cell texts (sanitised by the shared column definitions), computed once. */
export function cellsOf(row: Row, now: number): string[] {
	row.cells ??= COLUMNS.map(column => column.text(row.entry, now));
	return row.cells;
}

function sortKeysOf(data: TableData, column: number): Array<string | number | undefined> {
	let keys = data.sortKeys[column];
	if (!keys) {
		const definition = COLUMNS[column]!;
		keys = data.rows.map(row => definition.sortKey(row.entry));
		data.sortKeys[column] = keys;
	}

	return keys;
}

export type Sort = {column: number | undefined; reverse: boolean};

/** Row indices in display order: the store's order (id descending) or by one column's key. */
export function sortedOrder(data: TableData, sort: Sort): number[] {
	const order = data.rows.map((_, index) => index);
	if (sort.column !== undefined) {
		const keys = sortKeysOf(data, sort.column);
		order.sort((a, b) => {
			const ka = keys[a];
			const kb = keys[b];
			// Missing keys sort last whichever way the order goes.
			if (ka === undefined || kb === undefined) {
				return ka === kb ? a - b : ka === undefined ? 1 : -1;
			}

			const compared = ka < kb ? -1 : ka > kb ? 1 : a - b;
			return sort.reverse ? -compared : compared;
		});
	} else if (sort.reverse) {
		order.reverse();
	}

	return order;
}

/** The visible subset of an order: rows whose search text contains the query. */
export function filteredOrder(data: TableData, order: readonly number[], query: string): number[] {
	const needle = normaliseQuery(query);
	if (needle === '') {
		return order as number[];
	}

	return order.filter(index => data.rows[index]!.search.includes(needle));
}
