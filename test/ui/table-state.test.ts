import {describe, expect, it} from 'vitest';
import {Command, keyEvent} from '../../source/ui/keymap.js';
import {buildTableData, cellsOf, filteredOrder as filteredRows, sortedOrder as sortedRows} from '../../source/ui/state/rows.js';
import {initialTableState, tableIntent, tableReducer, windowStart} from '../../source/ui/state/table.js';
import {SummaryTable} from '../../source/store/index.js';
import {
	type TokenEntry,
	type TokenSummary,
	UNREADABLE_TIME,
	matchesQuery,
	parseQuery,
	summaryExpired,
	summaryOf,
	visibleTextOf,
} from '../../source/tokens/index.js';
import {random} from '../helpers/fuzz.js';
import {ESCAPES} from '../helpers/hostile-records.js';
import {COLUMNS, columnIndex, shownColumns} from '../../source/format/index.js';

const EVERY_COLUMN = COLUMNS.map((_, index) => index);
// The orders are typed arrays (4 bytes a row); as plain arrays here, to compare and to filter.
const sortedOrder = (...args: Parameters<typeof sortedRows>) => [...sortedRows(...args)];
const filteredOrder = (
	data: Parameters<typeof filteredRows>[0],
	order: readonly number[],
	...rest: Parameters<typeof filteredRows> extends [unknown, unknown, ...infer Rest] ? Rest : never
) => [...filteredRows(data, Int32Array.from(order), ...rest)];

const NOW = Date.parse('2026-11-22T08:00:00Z');
const id = (n: number) => n.toString(16).padStart(64, '0');
const entries: TokenEntry[] = [
	{
		id: id(3),
		record: {created: NOW - 3000, scopes: ['api'], description: 'Billing', account: 'acme'},
		lastUse: {time: NOW - 60_000, ip: '10.0.0.1'},
	},
	{id: id(2), record: {created: NOW - 2000, scopes: ['*'], description: 'Admin'}},
	{id: id(1), record: {created: NOW - 1000, scopes: ['metrics'], description: 'Prometheus  scraper', expires: NOW + 86_400_000}},
];

describe('table data', () => {
	const data = buildTableData(
		entries.map(entry => summaryOf(entry.id, entry.record, entry.lastUse)),
		NOW,
	);

	it('precomputes the cells once: all scopes, all accounts, relative last use, no expiry', () => {
		const cells = cellsOf(data, 0);
		expect(cells).toEqual(['Billing', 'api', 'acme', '2026-11-22 07:59', '1 minute ago', 'no expiry']);
		// Computed once per load, then the same array every time.
		expect(cellsOf(data, 0)).toBe(cells);
		// The same rows loaded again an hour later are drawn against the new load's time.
		expect(cellsOf(buildTableData(data.rows, NOW + 3_600_000), 0)[4]).toBe('1 hour ago');
		expect(cellsOf(data, 1)[1]).toBe('all scopes');
		expect(cellsOf(data, 1)[2]).toBe('all accounts');
		expect(cellsOf(data, 1)[4]).toBe('never');
		expect(cellsOf(data, 2)[5]).toBe('in 1 day');
	});

	it('keeps the store order by default and sorts by any column, both ways, missing keys last', () => {
		expect(sortedOrder(data, {column: undefined, reverse: false})).toEqual([0, 1, 2]);
		expect(sortedOrder(data, {column: 0, reverse: false})).toEqual([1, 0, 2]);
		expect(sortedOrder(data, {column: 0, reverse: true})).toEqual([2, 0, 1]);
		// Last used: only Billing has one; the others sort after it either way.
		expect(sortedOrder(data, {column: 4, reverse: false})[0]).toBe(0);
		expect(sortedOrder(data, {column: 4, reverse: true})[0]).toBe(0);
	});

	it('filters by what the rows show, case and whitespace insensitive, and by terms', () => {
		const order = sortedOrder(data, {column: undefined, reverse: false});
		const filtered = (query: string) => filteredOrder(data, order, parseQuery(query));
		expect(filtered('ACME')).toEqual([0]);
		expect(filtered('prometheus  scraper')).toEqual([2]);
		// The scopes and account columns as shown: "all scopes", "all accounts", "metrics".
		expect(filtered('all scopes')).toEqual([1]);
		expect(filtered('all accounts')).toEqual([1, 2]);
		expect(filtered('metrics')).toEqual([2]);
		// Not a piece of the id, which no row shows; a whole id, pasted, finds its token.
		expect(filtered(id(2).slice(-6))).toEqual([]);
		expect(filtered(id(2).toUpperCase())).toEqual([1]);
		expect(filtered('')).toEqual([0, 1, 2]);
		expect(filtered('nothing like it')).toEqual([]);
		// Relative terms are measured from the load's time, as the cells are.
		expect(filtered('is:never-used')).toEqual([1, 2]);
		expect(filtered('expires:<2d is:unbound')).toEqual([2]);
	});

	it('applies every term it can read while one is half typed, and says why that one is not applied', () => {
		const order = sortedOrder(data, {column: undefined, reverse: false});
		let state = tableReducer(initialTableState, {type: 'setQuery', query: 'admin'});
		expect([state.filterError, filteredOrder(data, order, state.filter)]).toEqual([undefined, [1]]);
		state = tableReducer(state, {type: 'setQuery', query: 'prometheus unused:>9'});
		expect(state.filterError).toBe('Filter term "unused:>9" needs a duration (90d, 12h, 2w, 1y) after >');
		expect(filteredOrder(data, order, state.filter)).toEqual([2]);
		state = tableReducer(state, {type: 'setQuery', query: 'prometheus unused:>9d'});
		expect([state.filterError, filteredOrder(data, order, state.filter)]).toEqual([undefined, []]);
		state = tableReducer(state, {type: 'setQuery', query: 'prometheus unused:<9d'});
		expect([state.filterError, filteredOrder(data, order, state.filter)]).toEqual([undefined, [2]]);
		state = tableReducer(state, {type: 'clearFilter'});
		expect([state.query, state.filterError, filteredOrder(data, order, state.filter)]).toEqual(['', undefined, [0, 1, 2]]);
	});

	it('neutralises control characters from Redis in cells and search text', () => {
		const hostile = buildTableData([summaryOf(id(9), {created: NOW, description: 'evil\u001B]0;pwned\u0007\u001B[2J'})], NOW);
		expect(cellsOf(hostile, 0)[0]).not.toMatch(/\u001B|\u0007/);
	});
});

describe('table data over a large packed table', () => {
	// Parts of an odd size, so that rows on every kind of boundary are sorted, filtered and searched;
	// hostile text among them, keys that tie, and text the table cannot search lower-cased in place
	// (store/summary-table.ts): whitespace to collapse, and capitals whose lower case is longer (İ)
	// or depends on the next letter (final Σ).
	const rng = random(17);
	const accounts = ['acme', 'ACME', undefined, 'évil\u001B[2J', '請求', ' padded ', 'ΟΔΟΣ'];
	const descriptions = [
		'Billing',
		'billing  export',
		'Token',
		undefined,
		`x${ESCAPES[0]}y`,
		'Ünïcode 🚀',
		'\uD800 half',
		'İZMİR',
		'ΟΔΟΣ A',
		'tab\there',
	];
	const summaries: TokenSummary[] = Array.from({length: 12_345}, (_, index) => {
		const summary = summaryOf(id(20_000 - index), {
			created: rng.int(4) === 0 ? undefined : NOW - rng.int(50) * 86_400_000,
			expires: rng.int(5) === 0 ? NOW + (rng.int(4) - 2) * 86_400_000 : undefined,
			scopes: rng.pick([['api'], ['metrics'], ['*'], ['api', 'smtp'], undefined]),
			description: rng.pick(descriptions),
			account: rng.pick(accounts),
		});
		return {...summary, lastUsed: rng.int(3) === 0 ? NOW - rng.int(100) * 3_600_000 : rng.int(50) === 0 ? UNREADABLE_TIME : undefined};
	});
	const data = buildTableData(SummaryTable.of(summaries, 997), NOW);

	/** What the table did with an array of summaries: each column's keys compared, missing keys last, equal keys in store order. */
	function referenceOrder(column: number | undefined, reverse: boolean): number[] {
		const order = summaries.map((_, index) => index);
		if (column === undefined) {
			return reverse ? order.reverse() : order;
		}

		const keys = summaries.map(summary => COLUMNS[column]!.sortKey(summary));
		return order.sort((a, b) => {
			const [ka, kb] = [keys[a], keys[b]];
			if (ka === undefined || kb === undefined) {
				return ka === kb ? a - b : ka === undefined ? 1 : -1;
			}

			const compared = ka < kb ? -1 : ka > kb ? 1 : a - b;
			return reverse ? -compared : compared;
		});
	}

	it('sorts by every column both ways as the same rows in an array would', () => {
		for (const column of [undefined, ...EVERY_COLUMN]) {
			for (const reverse of [false, true]) {
				expect(sortedOrder(data, {column, reverse}), `column ${column}, reverse ${reverse}`).toEqual(referenceOrder(column, reverse));
			}
		}
	});

	it('filters by words, phrases and terms as matchesQuery does on each summary, hiding expired rows unless shown', () => {
		expect(data.expired).toBe(summaries.filter(summary => summaryExpired(summary, NOW)).length);
		const order = sortedOrder(data, {column: columnIndex('created'), reverse: true});
		// Each summary's text, made once for the 30 queries below rather than once per word per query.
		const texts = summaries.map(summary => visibleTextOf(summary));
		for (const text of [
			'billing',
			'"billing  export"',
			'acme',
			'all accounts',
			'évil',
			'請求 🚀',
			'padded',
			'οδος',
			'οδος a',
			'i̇zmi̇r',
			'izmir',
			'tab here',
			'\uD800',
			'scope:metrics is:bound',
			'is:never-used token',
			'expires:<2d',
		]) {
			const query = parseQuery(text);
			for (const showExpired of [true, false]) {
				const expected = order.filter(
					index =>
						(showExpired || query.wantsExpired || !summaryExpired(summaries[index]!, NOW)) &&
						matchesQuery(query, summaries[index]!, word => texts[index]!.includes(word), NOW),
				);
				expect(filteredOrder(data, order, query, showExpired), `${text}, expired shown: ${showExpired}`).toEqual(expected);
				// Every query finds some rows and leaves some out: a filter that kept all or none would prove nothing.
				expect(expected.length, text).toBeGreaterThan(0);
				expect(expected.length, text).toBeLessThan(order.length);
			}
		}
	});

	it('draws the cells of any row sanitised, the same as from its summary', () => {
		for (const index of [0, 996, 997, 4999, 5000, 12_344]) {
			const cells = cellsOf(data, index);
			expect(cells).toEqual(COLUMNS.map(column => column.text(summaries[index]!, NOW)));
			expect(cells.join('')).not.toMatch(/\u001B|\u0007/);
		}
	});
});

describe('table reducer', () => {
	const total = 100;
	const height = 10;
	const press = (state: typeof initialTableState, input: string, extra = {}) => {
		const intent = tableIntent(state, keyEvent(input, extra), total, height, EVERY_COLUMN);
		return intent.kind === 'action' ? tableReducer(state, intent.action) : state;
	};

	it('moves with j/k and arrows, pages, jumps, and never leaves the list', () => {
		let state = press(initialTableState, 'j');
		state = press(state, '', {name: 'down'});
		expect(state.cursor).toBe(2);
		state = press(state, 'k');
		expect(state.cursor).toBe(1);
		state = press(state, '', {name: 'pagedown'});
		expect(state.cursor).toBe(11);
		expect(state.offset).toBe(2);
		state = press(state, 'G');
		expect(state.cursor).toBe(99);
		expect(state.offset).toBe(90);
		state = press(state, 'j');
		expect(state.cursor).toBe(99);
		state = press(state, 'g');
		expect(state).toMatchObject({cursor: 0, offset: 0});
		state = press(state, '', {name: 'pageup'});
		expect(state.cursor).toBe(0);
	});

	it('keeps the cursor inside the window with the least scrolling', () => {
		expect(windowStart(5, 0, 10, 100)).toBe(0);
		expect(windowStart(10, 0, 10, 100)).toBe(1);
		expect(windowStart(3, 5, 10, 100)).toBe(3);
		expect(windowStart(99, 0, 10, 100)).toBe(90);
		expect(windowStart(2, 50, 10, 5)).toBe(0);
	});

	it('types a filter, keeps it on Enter, clears it on Esc', () => {
		let state = press(initialTableState, '/');
		expect(state.filtering).toBe(true);
		for (const character of 'bil') {
			state = press(state, character);
		}

		expect(state.query).toBe('bil');
		// j and k are text while filtering.
		state = press(state, 'j');
		expect(state.query).toBe('bilj');
		state = press(state, '', {name: 'backspace'});
		expect(state.query).toBe('bil');
		state = press(state, '', {name: 'return'});
		expect(state).toMatchObject({filtering: false, query: 'bil'});
		state = press(state, '', {name: 'escape'});
		expect(state).toMatchObject({filtering: false, query: ''});
	});

	it('sorts only by the columns the table shows: at 80 cells never by Created or Expires', () => {
		const shown = shownColumns(80);
		const keys = (titles: string[]) => titles.map(title => COLUMNS.findIndex(column => column.title === title));
		expect(shown).toEqual(keys(['Description', 'Scopes', 'Account', 'Last used']));
		let state = initialTableState;
		const sorted: Array<number | undefined> = [];
		for (let index = 0; index <= shown.length; index++) {
			const intent = tableIntent(state, keyEvent('s'), total, height, shown);
			state = intent.kind === 'action' ? tableReducer(state, intent.action) : state;
			sorted.push(state.sortColumn);
		}

		// From the default (Created, which 80 cells do not show) to the next shown one, then each in turn, round.
		expect(sorted).toEqual(keys(['Last used', 'Description', 'Scopes', 'Account', 'Last used']));
	});

	it('starts newest first, cycles the sort column with s (round, each from its first order) and reverses with S', () => {
		expect(initialTableState).toMatchObject({sortColumn: columnIndex('created'), sortReverse: true});
		let state = press(initialTableState, 's');
		expect(state).toMatchObject({sortColumn: columnIndex('lastUsed'), sortReverse: false});
		state = press(state, 'S');
		expect(state.sortReverse).toBe(true);
		for (let index = 0; index < 2; index++) {
			state = press(state, 's');
		}

		expect(state).toMatchObject({sortColumn: columnIndex('description'), sortReverse: false});
		for (let index = 0; index < 6; index++) {
			state = press(state, 's');
		}

		expect(state.sortColumn).toBe(columnIndex('description'));
	});

	it('a filter typed into again goes on at its end, wherever the caret was left', () => {
		const left = tableReducer({...initialTableState, query: 'oken', queryCaret: 4}, {type: 'startFilter'});
		expect(left).toMatchObject({filtering: true, queryCaret: undefined});
	});

	it('clears every mark with u, shown or hidden by the filter', () => {
		let state = tableReducer(initialTableState, {type: 'toggleMark', id: 'a'});
		state = tableReducer(state, {type: 'toggleMark', id: 'b'});
		state = tableReducer(state, {type: 'setQuery', query: 'zzz'});
		const intent = tableIntent(state, keyEvent('u'), 0, 10, EVERY_COLUMN);
		expect(intent).toEqual({kind: 'action', action: {type: 'clearMarks'}});
		expect([...tableReducer(state, {type: 'clearMarks'}).marks]).toEqual([]);
		// A paste of "u" is text, not the key.
		expect(tableIntent(state, keyEvent('u', {paste: true}), 0, 10, EVERY_COLUMN)).toEqual({kind: 'none'});
	});

	it('toggles marks', () => {
		let state = tableReducer(initialTableState, {type: 'toggleMark', id: 'a'});
		state = tableReducer(state, {type: 'toggleMark', id: 'b'});
		state = tableReducer(state, {type: 'toggleMark', id: 'a'});
		expect([...state.marks]).toEqual(['b']);
	});

	it('turns the action keys into intents for the app', () => {
		const intent = (input: string, extra = {}) => tableIntent(initialTableState, keyEvent(input, extra), total, height, EVERY_COLUMN);
		expect(intent('n')).toEqual({kind: 'open', what: 'issue'});
		expect(intent('i')).toEqual({kind: 'open', what: 'import'});
		expect(intent('e')).toEqual({kind: 'open', what: 'export'});
		expect(intent('d')).toEqual({kind: 'open', what: 'revoke'});
		expect(intent('?')).toEqual({kind: 'open', what: 'help'});
		expect(intent('', {name: 'return'})).toEqual({kind: 'open', what: 'details'});
		expect(intent(' ')).toEqual({kind: 'mark'});
		expect(intent('r')).toEqual({kind: 'refresh'});
		expect(intent('q')).toEqual({kind: 'quit'});
		expect(intent('x')).toEqual({kind: 'action', action: {type: 'toggleExpired'}});
		expect(intent('v')).toEqual({kind: 'open', what: 'review'});
		expect(intent('z')).toEqual({kind: 'none'});
		// Nothing to open on an empty table.
		expect(tableIntent(initialTableState, keyEvent('d'), 0, height, EVERY_COLUMN)).toEqual({kind: 'none'});
		expect(Command.Quit).toBe('quit');
	});
});
