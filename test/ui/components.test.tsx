import chalk from 'chalk';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {Header} from '../../source/ui/components/header.js';
import {TextField} from '../../source/ui/components/text-field.js';
import {DetailsView} from '../../source/ui/screens/details.js';
import {detailLines} from '../../source/ui/state/details.js';
import {HelpView} from '../../source/ui/screens/help.js';
import {StatusLine, TableView, columnLayout} from '../../source/ui/screens/table.js';
import {TooSmall} from '../../source/ui/screens/too-small.js';
import {buildTableData} from '../../source/ui/state/rows.js';
import {initialTableState, tableReducer} from '../../source/ui/state/table.js';
import {type TokenEntry, type TokenSummary, summaryOf} from '../../source/tokens/index.js';
import {renderToTerminal} from './helpers/xterm.js';
import {DEEP_LEVELS, TITLE, deepValue, escapesRecord, hugeRecord, wrongTypesRecord} from './helpers/hostile.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const id = (n: number) => n.toString(16).padStart(64, '0');
const many = (count: number): TokenSummary[] =>
	Array.from({length: count}, (_, index) =>
		summaryOf(id(count - index), {created: NOW, scopes: ['api'], description: `Token number ${index}`}),
	);

let cleanup: (() => void) | undefined;
afterEach(() => {
	cleanup?.();
	cleanup = undefined;
});

describe('table view in a terminal', () => {
	it('renders only the rows in the window, with the selected row marked by a symbol', async () => {
		const data = buildTableData(many(100_000), NOW);
		const order = Array.from({length: data.rows.length}, (_, index) => index);
		const state = tableReducer(initialTableState, {type: 'select', index: 50_000, total: order.length, height: 10});
		const screen = await renderToTerminal(<TableView data={data} order={order} state={state} width={120} height={10} />, {
			columns: 120,
			rows: 20,
		});
		cleanup = screen.unmount;
		const lines = screen.lines();
		// The default sort, newest first, is marked on its column.
		expect(lines[0]).toMatch(/^ {4}R Description\s+Scopes\s+Account\s+Created \(UTC\) ▼\s+Last used\s+Expires/);
		const rows = lines.filter(line => line.includes('Token number'));
		expect(rows).toHaveLength(10);
		// After the symbols, the risk marker: blank for a row whose risk was not reckoned.
		expect(rows.at(-1)).toMatch(/^› {5}Token number 50000 /);
		expect(screen.text()).not.toContain('Token number 49990 ');
	});

	it('shows hostile text from Redis inert', async () => {
		const data = buildTableData(
			[summaryOf(id(1), {created: NOW, description: 'x\u001B[2J\u001B]0;owned\u0007y', account: 'a\u001B[31mred'})],
			NOW,
		);
		const screen = await renderToTerminal(<TableView data={data} order={[0]} state={initialTableState} width={100} height={5} />, {
			columns: 100,
			rows: 10,
		});
		cleanup = screen.unmount;
		expect(screen.lines()[1]).toContain('x\uFFFD[2J\uFFFD]0;owned\uFFFDy');
		expect(screen.lines()[1]).toContain('a\uFFFD[31mred');
	});

	it('lays columns out to the width, dropping the least useful ones first, and shows the id when there is room', async () => {
		for (const width of [60, 80, 100, 120, 200]) {
			const layout = columnLayout(width);
			const used = 3 + layout.reduce((sum, column) => sum + column.width, 0) + layout.length - 1;
			expect(used).toBeLessThanOrEqual(width);
			expect(layout[0]!.column).toBe(0);
		}

		expect(columnLayout(60).map(column => column.column)).not.toContain(3);
		// Wide enough for every column and the id, the app shows the id as list does (12 characters), first.
		const coffee = buildTableData([summaryOf(`c0ffee12${'9'.repeat(56)}`, {created: NOW, scopes: ['api'], description: 'Coffee'})], NOW);
		const wide = await renderToTerminal(<TableView data={coffee} order={[0]} state={initialTableState} width={160} height={5} />, {
			columns: 160,
			rows: 8,
		});
		try {
			expect(wide.lines()[0]).toMatch(/^ {4}R Id {11}Description\s+Scopes/);
			expect(wide.lines()[1]).toMatch(/^› {5}c0ffee129999 Coffee /);
		} finally {
			wide.unmount();
		}

		const narrow = await renderToTerminal(
			<TableView data={buildTableData(many(3), NOW)} order={[0]} state={initialTableState} width={120} height={5} />,
			{
				columns: 120,
				rows: 8,
			},
		);
		try {
			expect(narrow.lines()[0]).toMatch(/^ {4}R Description/);
		} finally {
			narrow.unmount();
		}
		expect(columnLayout(120).map(column => column.column)).toEqual([0, 1, 2, 3, 4, 5]);
	});
});

describe('details of hostile records', () => {
	const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

	it('say which fields have the wrong type (the issue: addresses as text crashed the view)', () => {
		const lines = new Map(detailLines({id: 'a'.repeat(64), record: wrongTypesRecord}, NOW));
		expect(lines.get('scopes')).toBe('malformed: "api" (text, not a list)');
		expect(lines.get('account')).toBe('malformed: {"id":"acme"} (a map, which no request names)');
		expect(lines.get('created')).toBe('malformed: "yesterday" (text, not a number)');
		expect(lines.get('  IP allowlist')).toBe('malformed: "10.0.0.1" (text, not a list: every request is refused)');
		expect(lines.get('  referrers')).toBe('malformed: 7 (a number, not a list: every request is refused)');
		expect(lines.get('  rate limit')).toBe('malformed: "fast" (not a map of maxRequests and timeWindow numbers)');
		expect(new Map(detailLines({id: 'a'.repeat(64), record: {restrictions: 'x'}}, NOW)).get('restrictions')).toBe(
			'malformed: "x" (text, not a map)',
		);
		// An empty address list refuses every request; an empty referrer list restricts nothing (compatibility §6.5).
		const empty = new Map(detailLines({id: 'a'.repeat(64), record: {restrictions: {addresses: [], referrers: []}}}, NOW));
		expect(empty.get('  IP allowlist')).toBe('none: every request is refused');
		expect(empty.get('  referrers')).toBe('any referrer');
	});

	it('judge fields as the server does: false, "" and 0 restrictions refuse, "" and 0 expiries never expire', () => {
		const lines = new Map(
			detailLines(
				{id: 'a'.repeat(64), record: {scopes: ['api'], expires: '', restrictions: {addresses: false, referrers: '', rateLimit: 0}}},
				NOW,
			),
		);
		expect(lines.get('unusable')).toMatch(/restrictions\.addresses is false, not a list; restrictions\.referrers is text, not a list/);
		expect(lines.get('  IP allowlist')).toBe('malformed: false (false, not a list: every request is refused)');
		expect(lines.get('  referrers')).toBe('malformed: "" (text, not a list: every request is refused)');
		expect(lines.get('  rate limit')).toBe('malformed: 0 (not a map of maxRequests and timeWindow numbers)');
		expect(lines.get('expires')).toBe('no expiry');
		expect(new Map(detailLines({id: 'a'.repeat(64), record: {expires: 0}}, NOW)).get('expires')).toBe('no expiry');
		expect(new Map(detailLines({id: 'a'.repeat(64), record: {expires: 'soon'}}, NOW)).get('expires')).toBe(
			'malformed: "soon" (text, not a time)',
		);
		// An account the domain says no request names is not shown as if it were fine.
		expect(new Map(detailLines({id: 'a'.repeat(64), record: {account: 12_345}}, NOW)).get('account')).toBe(
			'malformed: 12345 (a number, which no request names)',
		);
	});

	it('of an unreadable record do not claim it has no restrictions', () => {
		const lines = new Map(detailLines({id: 'a'.repeat(64), record: {description: 'kept'}, unreadable: 'too deep'}, NOW));
		expect(lines.get('unreadable')).toMatch(/^too deep: the record cannot be decoded/);
		expect(lines.has('restrictions')).toBe(false);
		expect(lines.has('  IP allowlist')).toBe(false);
	});

	it('are inert and bounded, labels included: escapes everywhere, a 1 MB description, a 200,000-deep value', () => {
		// The store refuses to decode a record this deep; the view still bounds any value it is given.
		const deep = {created: NOW, scopes: ['api'], description: 'deeply nested', metadata: deepValue(DEEP_LEVELS)};
		for (const record of [escapesRecord, hugeRecord, deep, wrongTypesRecord]) {
			const lines = detailLines({id: '\u001B]0;id\u0007', record, lastUse: {time: NOW, ip: `10.0.0.9${TITLE}`}}, NOW);
			for (const [label, value] of lines) {
				expect(label, label).not.toMatch(UNSAFE);
				expect(value, label).not.toMatch(UNSAFE);
				expect(label.length + value.length, label).toBeLessThan(1200);
			}
		}

		expect(new Map(detailLines({id: 'a'.repeat(64), record: deep}, NOW)).get('metadata')).toBe(
			'malformed: [[[[[[…]]]]]] (a list, not text)',
		);
		const many = Object.fromEntries(Array.from({length: 5000}, (_, index) => [`field${index}`, index]));
		expect(detailLines({id: 'a'.repeat(64), record: many}, NOW).length).toBeLessThan(80);
	});
});

describe('other views in a terminal', () => {
	it('header: endpoint, prefix, connection and count', async () => {
		const screen = await renderToTerminal(
			<Header width={100} endpoint="redis://:***@db.example:6379/8" prefix="ee:" connection="up" count={12_345} />,
			{columns: 100, rows: 3},
		);
		cleanup = screen.unmount;
		expect(screen.lines()[0]).toMatch(/ee-tokens {2}redis:\/\/:\*\*\*@db.example:6379\/8 {2}prefix: ee:.*● connected {2}12,345 tokens/);
	});

	it('header: an endpoint cut to fit still ends apart from the connection state', async () => {
		const endpoint = 'unix:///tmp/a-long-state-directory/ee-tokens/redis.sock?db=8';
		const screen = await renderToTerminal(<Header width={80} endpoint={endpoint} prefix="" connection="up" count={0} />, {
			columns: 80,
			rows: 3,
		});
		cleanup = screen.unmount;
		expect(screen.lines()[0]).toMatch(/… ● connected {2}0 tokens$/);
	});

	it('details: every field, restrictions and last use', async () => {
		const entry: TokenEntry = {
			id: id(7),
			record: {
				created: NOW - 60_000,
				account: 'acme',
				scopes: ['api'],
				description: 'Billing',
				restrictions: {addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 100, timeWindow: 60}},
				metadata: '{"a":1}',
			},
			lastUse: {time: NOW - 120_000, ip: '10.1.2.3'},
		};
		const screen = await renderToTerminal(<DetailsView entry={entry} now={NOW} width={100} height={20} offset={0} />, {
			columns: 100,
			rows: 22,
		});
		cleanup = screen.unmount;
		const text = screen.text();
		expect(text).toContain(id(7));
		expect(text).toMatch(/created\s+2026-11-22T07:59:00.000Z \(1 minute ago\)/);
		expect(text).toMatch(/metadata\s+\{"a":1\}/);
		expect(text).toMatch(/IP allowlist\s+10.0.0.0\/8/);
		expect(text).toMatch(/rate limit\s+100 requests per 60 s/);
		expect(text).toMatch(/last used\s+2026-11-22T07:58:00.000Z \(2 minutes ago\)/);
		expect(text).toMatch(/last used from\s+10.1.2.3/);
	});

	it('details read in one order with every row, scopes as words, and a long description whole at 80 columns', async () => {
		const description = Array.from({length: 30}, (_, index) => `word${index}`).join(' ');
		const entry: TokenEntry = {id: id(8), record: {metadata: '{}', scopes: ['api', '*'], created: NOW, description}};
		const screen = await renderToTerminal(<DetailsView entry={entry} now={NOW} width={80} height={22} offset={0} />, {
			columns: 80,
			rows: 24,
		});
		cleanup = screen.unmount;
		// The label column is as wide as the longest label ("last used from") and two spaces.
		const labels = screen
			.lines()
			.slice(2)
			.map(line => line.slice(0, 16).trim())
			.filter(Boolean);
		expect(labels).toEqual([
			'id',
			'description',
			'scopes',
			'account',
			'created',
			'expires',
			'metadata',
			'restrictions',
			'may do',
			'last used',
			'last used from',
		]);
		// Every word of the description is on screen, wrapped under its column.
		const text = screen.text();
		for (let index = 0; index < 30; index++) {
			expect(text).toContain(`word${index}`);
		}

		expect(text).not.toContain('…');
		expect(text).toMatch(/scopes +api, all scopes\n/);
		expect(text).toMatch(/account +all accounts\n/);
		expect(text).toMatch(/expires +no expiry\n/);
	});

	it('help lists the keymap', async () => {
		// One column at 100 cells: every line of it, w of the export dialog, t and the caret's keys included (60 lines).
		const screen = await renderToTerminal(<HelpView width={100} height={60} offset={0} />, {columns: 100, rows: 62});
		cleanup = screen.unmount;
		expect(screen.text()).toMatch(/\/\s+Filter by what rows show, or by terms/);
		expect(screen.text()).toMatch(/Ctrl-C\s+Quit from anywhere/);
		// The editing keys of every text field are keymap commands too, so help names them.
		expect(screen.text()).toMatch(/Backspace\s+Erase before the caret \(Delete: under it\)/);
		expect(screen.text()).toMatch(/Ctrl-W\/U\s+Erase the word before the caret \/ the field/);
		expect(screen.text()).toMatch(/←\/→\s+Move the caret; Home\/End \(Ctrl-A\/E\) to an end/);
		expect(screen.text()).toMatch(/t\s+May it make a request\? As serve judges/);
	});

	// 32 rows since the audit log's keys (l, a) joined the Tokens section; before them, 30.
	it('help uses two columns on a wide terminal, so every section fits in 32 rows', async () => {
		const screen = await renderToTerminal(<HelpView width={120} height={30} offset={0} />, {columns: 120, rows: 32});
		cleanup = screen.unmount;
		const text = screen.text();
		for (const title of ['Moving', 'Finding', 'Filter terms (/)', 'Tokens', 'Dialogs and typing', 'App']) {
			expect(text).toContain(title);
		}

		// The filter's terms, from the language's own table (tokens/query.ts), each with an example.
		for (const term of [
			/scope:\s+scope:metrics/,
			/account:\s+account:acme/,
			/is:\s+is:expired bound unbound never-used/,
			/unused:\s+unused:>90d/,
			/expires:\s+expires:<7d/,
			/created:\s+created:<2026-01-01/,
			/words\s+what rows show/,
		]) {
			expect(text).toMatch(term);
		}

		expect(text).toMatch(/Ctrl-C\s+Quit from anywhere/);
		expect(text).not.toContain('…');
	});

	it('too small says what is needed', async () => {
		const screen = await renderToTerminal(<TooSmall size={{columns: 50, rows: 12}} />, {columns: 50, rows: 12});
		cleanup = screen.unmount;
		expect(screen.text()).toContain('Terminal too small');
		expect(screen.text()).toContain('50×12, needs 60×15');
	});
});

describe('a text field', () => {
	// The caret is an inverse cell: drawn only with colour on (off here, as stdout is no terminal).
	const level = chalk.level;
	beforeAll(() => {
		chalk.level = 1;
	});
	afterAll(() => {
		chalk.level = level;
	});

	/** The text of the screen's inverse cells: where the caret is drawn. */
	const inverseText = (screen: Awaited<ReturnType<typeof renderToTerminal>>) => {
		const line = screen.terminal.buffer.active.getLine(0)!;
		let text = '';
		for (let column = 0; column < screen.terminal.cols; column++) {
			const cell = line.getCell(column)!;
			if (cell.isInverse()) {
				text += cell.getChars();
			}
		}

		return text;
	};

	it('draws the caret over the whole character under it: a ZWJ family, an accent written apart', async () => {
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
		const screen = await renderToTerminal(<TextField label="Filter" value={`x${family}y`} width={40} caret={9} />, {columns: 40, rows: 3});
		expect(inverseText(screen)).toBe(family);
		expect(screen.lines()[0]).toContain(`x${family}y`);
		await screen.rerender(<TextField label="Filter" value={'cafe\u0301!'} width={40} caret={3} />);
		expect(inverseText(screen).normalize('NFC')).toBe('é');
		screen.unmount();
	});

	it('shows the start of a 2 MB paste with the caret at Home, and its end with the caret at the end', async () => {
		const pasted = `START${'A'.repeat(2_000_000)}END`;
		const screen = await renderToTerminal(<TextField label="Import" value={pasted} width={40} caret={pasted.length} />, {
			columns: 40,
			rows: 3,
		});
		expect(inverseText(screen)).toBe('S');
		expect(screen.lines()[0]).toMatch(/Import › START?A+…/);
		await screen.rerender(<TextField label="Import" value={pasted} width={40} caret={0} />);
		expect(screen.lines()[0]).toMatch(/Import › …A+END $/);
		screen.unmount();
	});
});

describe('the filter on the status line', () => {
	it('draws its caret where the field keeps it, an emoji before it counted as the field counts it', async () => {
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
		// The caret before the family: its 8 units and the x after it are behind the caret.
		const state = {...initialTableState, filtering: true, query: `Mail${family}x`, queryCaret: 9};
		const screen = await renderToTerminal(<StatusLine state={state} shown={0} total={6} width={80} loading={false} />, {
			columns: 80,
			rows: 3,
		});
		try {
			expect(screen.lines()[0]).toMatch(new RegExp(`^ /Mail▌${family}x {2}0 of 6`, 'u'));
		} finally {
			screen.unmount();
		}
	});
});
