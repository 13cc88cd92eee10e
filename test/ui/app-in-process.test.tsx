import {afterAll, beforeAll, expect, it} from 'vitest';
import {askRequest, routeAnswers} from '../../source/commands/request-answer.js';
import {type OpenStore, SummaryTable, openStore} from '../../source/store/index.js';
import {APP_LISTING, HEAD_ROWS} from '../../source/ui/state/rows.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {fakeKeys} from './helpers/fake-keys.js';
import {KEYS} from './helpers/pty.js';
import {type Seeded, seedTokens} from './helpers/seed.js';
import {renderToTerminal} from './helpers/xterm.js';

/**
 * The whole app in this process, with a periodic reload an hour away: what changes on screen after
 * a key was done by that key, not by the 10-second reload a pty test cannot tell it from. The pty
 * tests (app-*.e2e.test.ts) cover the terminal itself.
 */

let redis: TestRedis;
let opened: OpenStore;
let seeded: Seeded[];
beforeAll(async () => {
	redis = await startRedis();
	seeded = await seedTokens(redis.url());
	opened = await openStore({flag: redis.url(), env: {}, persistent: true});
});
afterAll(async () => {
	await opened.close();
	await redis.stop();
});

async function until(read: () => string, pattern: RegExp | ((text: string) => boolean)): Promise<string> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const text = read();
		if (typeof pattern === 'function' ? pattern(text) : pattern.test(text)) {
			return text;
		}

		await new Promise(resolve => setTimeout(resolve, 25));
	}

	throw new Error(`never showed ${String(pattern)}:\n${read()}`);
}

/** The app on the file's Redis, its periodic reload an hour away, and the keys the test types. */
async function renderApp(extra: Partial<AppProps> = {}) {
	const input = fakeKeys();
	const screen = await renderToTerminal(
		<App
			store={opened.store}
			endpoint={redis.url()}
			prefix=""
			refreshMs={3_600_000}
			input={input.source}
			checks={{ask: askRequest, routes: routeAnswers}}
			{...extra}
		/>,
		{columns: 120, rows: 35},
	);
	return {screen, input};
}

/** The description on the cursor's row. */
const cursorRow = (text: string) => /^› +[A-Z!] (.+?) {2,}/m.exec(text)?.[1];

it('the cursor stays on its token when the rows are sorted, reversed, or a filter is cleared', async () => {
	const {screen, input} = await renderApp();
	try {
		const table = await until(screen.text, /\d+ tokens/);
		// The third row, whatever the listing's order: two rows down.
		const on = [...table.matchAll(/^[› ] +[A-Z!] (.+?) {2,}/gm)].filter(match => match[1] !== 'Description')[2]?.[1];
		expect(on).toBeDefined();
		input.type('jj');
		await until(screen.text, text => cursorRow(text) === on);
		for (const key of ['s', 'S', 's', 'S']) {
			input.type(key);
			// The sort shows first, then the cursor lands on the token it was on.
			await until(screen.text, text => /sorted by/.test(text) && cursorRow(text) === on);
		}

		// A filter typed shows its first match first; cleared, the cursor is where the filter left it.
		input.type('/Mail');
		await until(screen.text, / 1 of \d/);
		expect(cursorRow(screen.text())).toBe('Mail relay');
		input.type(KEYS.enter);
		input.type(KEYS.escape);
		await until(screen.text, text => !/ of \d/.test(text) && cursorRow(text) === 'Mail relay');
	} finally {
		screen.unmount();
	}
});

it('an import of a token already there lands the cursor on it at once (no reload comes), and not later', async () => {
	const {screen, input} = await renderApp();
	try {
		await until(screen.text, /\d+ tokens/);
		const relay = seeded.find(token => token.description === 'Mail relay')!;
		const exported = await opened.store.exportString(relay.id);
		// The ids are random: the token may be the first row, where the cursor starts. Off it, then.
		if (cursorRow(screen.text()) === 'Mail relay') {
			input.type('j');
			await until(screen.text, text => cursorRow(text) !== undefined && cursorRow(text) !== 'Mail relay');
		}

		expect(cursorRow(screen.text())).not.toBe('Mail relay');
		input.type('i');
		await until(screen.text, /Import a token/);
		input.type(exported);
		await until(screen.text, /Enter to continue/);
		input.type(KEYS.enter);
		await until(screen.text, /Import this token\?/);
		input.type(KEYS.enter);
		await until(screen.text, /Already present/);
		input.type(KEYS.enter);
		await until(screen.text, text => !text.includes('Import a token') && cursorRow(text) === 'Mail relay');
	} finally {
		screen.unmount();
	}
});

it('r in the details reads the token and its audit log again at once', async () => {
	const {screen, input} = await renderApp();
	try {
		await until(screen.text, /\d+ tokens/);
		input.type('/Billing service');
		input.type(KEYS.enter);
		input.type(KEYS.enter);
		const billing = seeded.find(token => token.description === 'Billing service')!;
		await until(screen.text, /audit log/);
		expect(screen.text()).toMatch(/r reload/);
		await opened.store.redis.set(`tokens:log:${billing.id}`, 'not a list');
		input.type('r');
		await until(screen.text, /could not be read: WRONGTYPE/);
	} finally {
		screen.unmount();
	}
});

it('a key typed while the details load acts once they show: t there opens the request check, nothing is lost', async () => {
	const {screen, input} = await renderApp();
	try {
		await until(screen.text, /\d+ tokens/);
		input.type('/Billing service');
		input.type(KEYS.enter);
		// Redis answers nothing until resumed: the details are read only after the t. (CLIENT PAUSE
		// ran out on its own clock before the key on a loaded machine.)
		redis.freeze();
		try {
			input.type(KEYS.enter);
			await until(screen.text, /Loading…/);
			input.type('t');
		} finally {
			redis.resume();
		}

		await until(screen.text, /make this request\?/);
		// And Esc from it comes back to the details, as from a t typed there.
		input.type(KEYS.escape);
		await until(screen.text, /audit log/);
	} finally {
		screen.unmount();
	}
});

it('a read-only instance: the config warning until the first key, the name in the header, READ-ONLY, refused audit-log switch', async () => {
	const {screen, input} = await renderApp({
		instance: {name: 'prod', color: 'red'},
		readOnly: {instance: true, flag: false},
		warning:
			'warning: the config file /x/config.toml holds a Redis password (instance prod) and can be read by other users (mode 0644): chmod 600 it',
	});
	try {
		const first = await until(screen.text, /\d+ tokens/);
		expect(first.split('\n')[0]).toMatch(/^ \[prod\] ee-tokens redis:/);
		expect(first).toContain('holds a Redis password (instance prod) and can be read by other users');
		expect(first.trimEnd().split('\n').at(-1)).toMatch(/^ READ-ONLY │/);
		const setting = await redis.client(8).hget('settings', 'tokenAuditLog');
		// Any key clears the warning; in a token's details, a turns the audit log on or off: refused here.
		input.type(KEYS.enter);
		await until(screen.text, /audit log/);
		expect(screen.text()).not.toContain('holds a Redis password');
		input.type('a');
		await until(screen.text, /Instance prod is read-only: switching the audit log would write to it; nothing was done/);
		expect(await redis.client(8).hget('settings', 'tokenAuditLog')).toBe(setting);
	} finally {
		screen.unmount();
	}
});

it('a Space typed as the whole table lands marks the row under the cursor and moves on: the next Space marks the next row', async () => {
	const table = SummaryTable.of(await opened.store.summaries(APP_LISTING));
	let arrive: () => void = () => {};
	const gate = new Promise<void>(resolve => {
		arrive = resolve;
	});
	const {screen, input} = await renderApp({
		first: {
			head: opened.store.head(HEAD_ROWS, APP_LISTING),
			all: async () => {
				await gate;
				return table;
			},
		},
	});
	try {
		await until(screen.text, /loading the rest/);
		input.type(' ');
		// The whole table lands in the same turn of the event loop as the key.
		setTimeout(arrive, 0);
		await until(screen.text, text => !/loading the rest/.test(text) && /1 marked/.test(text));
		input.type(' ');
		await until(screen.text, /2 marked/);
	} finally {
		screen.unmount();
	}
});

it("a first screen left at its top opens the whole table at its top, wherever the first screen's top row lands in it", async () => {
	// The seeded tokens, a minute apart, newest first (seeded in one millisecond, they would tie).
	const newestFirst = (await opened.store.summaries(APP_LISTING)).map((token, index) => ({
		...token,
		created: 1_790_000_000_000 - index * 60_000,
	}));
	const listing = newestFirst.toReversed();
	const table = SummaryTable.of(listing);
	let arrive: () => void = () => {};
	const gate = new Promise<void>(resolve => {
		arrive = resolve;
	});
	// A large instance's first screen is whichever rows HSCAN finds first: here the three oldest,
	// so its top row is far down the whole table, which opens newest first.
	const {screen, input} = await renderApp({
		first: {
			head: Promise.resolve({ids: listing.length, summaries: newestFirst.slice(-3)}),
			all: async () => {
				await gate;
				return table;
			},
		},
	});
	const firstRow = (text: string) => text.split('\n').find(line => /^[› ] +[A-Z!] /.test(line) && !line.includes('Description'));
	try {
		const first = await until(screen.text, /loading the rest/);
		expect(newestFirst.slice(-3).map(token => token.description)).toContain(cursorRow(first));
		arrive();
		const whole = await until(screen.text, text => !/loading the rest/.test(text) && /\d+ tokens/.test(text));
		expect(cursorRow(whole)).not.toBe(cursorRow(first));
		// A key read after the table settled moves from the first row to the second (a cursor that
		// followed the first screen's top token would move on from where that token landed).
		input.type('j');
		const moved = await until(screen.text, text => /^ \d+\/\d+ /m.test(text) && !/^ 1\/\d+ /m.test(text));
		expect(moved).toMatch(new RegExp(`^ 2/${listing.length} `, 'm'));
		expect(firstRow(moved)).not.toMatch(/^›/);
	} finally {
		screen.unmount();
	}
});
