import {type TokenQuery, type TokenSummary, isEveryToken, matchesQuery, summaryExpired, visibleTextOf} from '../../tokens/index.js';
import type {SummaryOptions} from '../../store/index.js';
import {COLUMNS} from '../../format/index.js';

/** One table row: the token's summary, as the store read it. */
export type Row = TokenSummary;

export type TableData = {
	rows: readonly Row[];
	/** Per column, the sort key of every row, computed on the first sort by that column. */
	sortKeys: Array<Array<string | number | undefined> | undefined>;
	/** visibleTextOf() of the rows: what the words of `/` search. Built after the load, in idle slices (prepareSearch). */
	search: string[] | undefined;
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

/**
 * What the app reads of the listing: unreadable records and expired tokens are rows too (so the
 * count agrees with Redis, and x shows them), each with its review risk (the marker column).
 */
export const APP_LISTING: SummaryOptions = {unreadableRows: true, includeExpired: true, risk: true};

/** Rows read ahead of the whole table: a tall terminal's screen and some paging. */
export const HEAD_ROWS = 200;

export function buildTableData(rows: readonly TokenSummary[], now: number, partOf?: number): TableData {
	let problems = 0;
	let expired = 0;
	for (const row of rows) {
		if (row.problem !== undefined) {
			problems++;
		}

		if (summaryExpired(row, now)) {
			expired++;
		}
	}

	return {rows, sortKeys: COLUMNS.map(() => undefined), search: undefined, loadedAt: now, partOf, problems, expired};
}

/**
 * Cell texts of the rows drawn so far (a screenful at a time, not all 100,000), computed once per
 * load and never per keystroke. Weak, so rows gone in a reload take their cells with them; a row
 * kept by a reload gets new cells, since "3 minutes ago" moved on.
 */
const drawnCells = new WeakMap<Row, {at: number; cells: string[]}>();

/** The row's cell texts (sanitised by the shared column definitions), computed once per load. */
export function cellsOf(row: Row, now: number): string[] {
	const drawn = drawnCells.get(row);
	if (drawn?.at === now) {
		return drawn.cells;
	}

	const cells = COLUMNS.map(column => column.text(row, now));
	drawnCells.set(row, {at: now, cells});
	return cells;
}

/** A token a dialog acts on: its id and its (sanitised) description, fixed when the dialog opens. */
export type Target = {id: string; description: string};

export const targetOf = (row: Row, now: number): Target => ({id: row.id, description: cellsOf(row, now)[0]!});

/**
 * What revoke and export act on, as their dialogs say it: the marked tokens (every one, shown or
 * hidden by the filter, and how many are hidden), or the single token under the cursor.
 */
export type Selection = {targets: Target[]; marked: boolean; hidden: number};

export const single = (target: Target): Selection => ({targets: [target], marked: false, hidden: 0});

/** How many of the marked ids are not among the rows the filter shows. */
export function hiddenMarks(data: TableData, visible: readonly number[], marks: ReadonlySet<string>): number {
	if (marks.size === 0 || visible.length === data.rows.length) {
		return 0;
	}

	const shown = new Set<string>();
	for (const index of visible) {
		shown.add(data.rows[index]!.id);
	}

	let hidden = 0;
	for (const id of marks) {
		if (!shown.has(id)) {
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
 * Builds the search texts of up to `budget` more rows; true once every row has one. The app calls
 * it in slices while idle after a load, so the first `/` keystroke finds them ready instead of
 * paying ~100 ms for 100,000 rows.
 */
export function prepareSearch(data: TableData, budget = Number.POSITIVE_INFINITY): boolean {
	const search = (data.search ??= []);
	const end = Math.min(data.rows.length, search.length + budget);
	for (let index = search.length; index < end; index++) {
		search.push(visibleTextOf(data.rows[index]!));
	}

	return search.length === data.rows.length;
}

function searchTexts(data: TableData): string[] {
	prepareSearch(data);
	return data.search!;
}

function sortKeysOf(data: TableData, column: number): Array<string | number | undefined> {
	let keys = data.sortKeys[column];
	if (!keys) {
		const definition = COLUMNS[column]!;
		keys = data.rows.map(row => definition.sortKey(row));
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

/**
 * The visible subset of an order: rows the filter (tokens/query.ts) matches, its relative terms
 * measured from the load's time, as the cells' "3 days ago" are.
 */
export function filteredOrder(data: TableData, order: readonly number[], query: TokenQuery, showExpired = true): number[] {
	// Expired rows are hidden unless shown (x) or asked for (is:expired), as a listing hides them.
	const hideExpired = data.expired > 0 && !showExpired && !query.wantsExpired;
	if (isEveryToken(query) && !hideExpired) {
		return order as number[];
	}

	const search = query.words.length > 0 ? searchTexts(data) : undefined;
	return order.filter(
		index =>
			!(hideExpired && summaryExpired(data.rows[index]!, data.loadedAt)) &&
			matchesQuery(query, data.rows[index]!, search?.[index] ?? '', data.loadedAt),
	);
}
