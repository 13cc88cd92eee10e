import {COLUMNS, type TokenEntry, accountOf, sanitizeText, stringField} from '../../tokens/index.js';

/** One table row, its cell texts computed once per data load (never per keystroke). */
export type Row = {
	id: string;
	entry: TokenEntry;
	cells: string[];
	/** Lower-cased, whitespace-collapsed id, description and account: what `/` searches. */
	search: string;
};

export type TableData = {
	rows: Row[];
	/** Per column, the sort key of every row (same index as rows). */
	sortKeys: Array<Array<string | number | undefined>>;
	loadedAt: number;
};

export const normaliseQuery = (text: string): string => text.replaceAll(/\s+/g, ' ').trim().toLowerCase();

export function buildTableData(entries: readonly TokenEntry[], now: number): TableData {
	const rows: Row[] = Array.from({length: entries.length});
	const sortKeys: TableData['sortKeys'] = COLUMNS.map(() => Array.from({length: entries.length}));
	for (const [index, entry] of entries.entries()) {
		const cells = COLUMNS.map(column => column.text(entry, now));
		const description = stringField(entry.record, 'description') ?? '';
		const account = accountOf(entry.record) ?? '';
		rows[index] = {
			id: entry.id,
			entry,
			cells,
			search: normaliseQuery(sanitizeText(`${entry.id} ${description} ${account}`)),
		};
		for (const [column, definition] of COLUMNS.entries()) {
			sortKeys[column]![index] = definition.sortKey(entry);
		}
	}

	return {rows, sortKeys, loadedAt: now};
}

export type Sort = {column: number | undefined; reverse: boolean};

/** Row indices in display order: the store's order (id descending) or by one column's key. */
export function sortedOrder(data: TableData, sort: Sort): number[] {
	const order = data.rows.map((_, index) => index);
	if (sort.column !== undefined) {
		const keys = data.sortKeys[sort.column]!;
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
