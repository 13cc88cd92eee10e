import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {BRACKETED_PASTE_OFF} from '../../source/ui/key-parser.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {HOSTILE_IDS, RAW_SEQUENCES, escapesExportString, writeHostileRecords, wrongShapeExportString} from './helpers/hostile.js';
import {startApp} from './helpers/in-process-app.js';
import {type AppProcess, KEYS} from './helpers/pty.js';
import {endApp} from './helpers/app-fixture.js';

/**
 * Hostile records (wrong types in every field, terminal escapes in every field and field name,
 * a 1 MB description, a value nested 200,000 levels deep) opened in every view: nothing from them
 * reaches the terminal raw, no view crashes or spins, and Ctrl-C quits from each view. The deep one
 * cannot be read at all (the store refuses to decode it): it is a row of its own that says so and
 * can be revoked.
 */
let redis: TestRedis;

/**
 * The filter that finds the unreadable record: what its row shows. (Not a run of its id: the filter
 * finds what rows show, and a row shows no id.)
 */
const DEEP = 'record cannot be read';

beforeAll(async () => {
	redis = await startRedis();
	await writeHostileRecords(redis.client());
	await new TokenStore(redis.client(), '').issue({description: 'Plain token', scopes: ['api']});
});

afterAll(async () => redis.stop());

async function start(): Promise<AppProcess> {
	const app = startApp([`--dbs.redis=${redis.url()}`]);
	await app.waitFor(screen => screen.includes('5 tokens') && screen.includes('(record cannot be read)'), {message: 'the table'});
	return app;
}

function expectInert(app: AppProcess): void {
	const output = app.output();
	for (const sequence of RAW_SEQUENCES) {
		expect(output, JSON.stringify(sequence)).not.toContain(sequence);
	}
}

/** Ctrl-C from where the app is: exit 0, the user's screen back, paste mode off, nothing raw ever written. */
async function quitWithCtrlC(app: AppProcess): Promise<void> {
	app.write(KEYS.ctrlC);
	expect((await app.exited).exitCode).toBe(0);
	// The exit can be reported before the last bytes (leaving the alternate screen) are read.
	await app.waitFor(() => app.terminal.buffer.active.type === 'normal', {message: 'the normal screen'});
	expect(app.output()).toContain(BRACKETED_PASTE_OFF);
	expectInert(app);
}

/** Filters the table to one row (by its description) and keeps the filter. */
async function only(app: AppProcess, text: string): Promise<void> {
	await app.type(`/${text}`);
	await app.waitFor(' 1 of 5');
	await app.type(KEYS.enter);
	await app.waitFor(screen => !screen.includes('▌'));
}

async function clearFilter(app: AppProcess): Promise<void> {
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes(' of 5'));
}

describe('the app under hostile records', () => {
	// The table case and the last (which revokes the unreadable record and quits from the table too)
	// share one app; every other case quits from a view of its own, so it starts its own.
	let table: AppProcess | undefined;
	// The two cases on marked rows share one app too: the export dialog's Esc keeps the marks, and
	// the revoke dialog then quits with Ctrl-C (Ctrl-C from the export dialog: the export case).
	let marked: AppProcess | undefined;
	afterAll(async () => {
		await Promise.all([endApp(table), endApp(marked)]);
	});

	/** The app with every row marked: the one the export case left, or (run alone) a new one. */
	async function markedApp(): Promise<AppProcess> {
		if (marked === undefined || marked.terminal.buffer.active.type === 'normal') {
			marked = await start();
			await marked.type('     ');
			await marked.waitFor('5 marked');
		}

		return marked;
	}

	it('table: every record is a row, escapes inert (Ctrl-C from the table: the last case)', async () => {
		const app = await start();
		table = app;
		const screen = app.screen();
		for (const text of ['wrong types', 'escapes\uFFFD]0;pwned', 'huge xxxx', 'Plain token']) {
			expect(screen).toContain(text);
		}

		// The three that can never authenticate are marked, and say which fields are wrong: the escapes
		// record's rate limit holds text for its numbers, a limit that admits no request.
		// After the symbols, the risk marker: M, as review says of a record that cannot be read.
		expect(screen).toMatch(/^[› ] ! M \(record cannot be read\) +— +— +— +never +— *$/m);
		// Records that can never authenticate are medium in review ("malformed"): M before each.
		expect(screen).toMatch(/^ {2}! M wrong types +malformed +malformed +— +never +malformed *$/m);
		expect(screen).toMatch(/^ {2}! M escapes/m);
		expect(screen).toContain('! 3 can never authenticate (Enter says why)');
		expectInert(app);
	});

	it('details: wrong types say so, escapes inert, the 1 MB description cut, the deep value bounded; Ctrl-C quits', async () => {
		const app = await start();
		const cases: Array<[string, string, RegExp]> = [
			['wrong types', HOSTILE_IDS.wrongTypes, /IP allowlist malformed: "10\.0\.0\.1" \(text, not a list: every request is refused\)/],
			// Wrapped over lines since d60f634, and still cut: a … ends it.
			['huge', HOSTILE_IDS.huge, /description\s+huge\s+x[x\s]*…\n\s*scopes/],
			[
				DEEP,
				HOSTILE_IDS.deep,
				/unreadable\s+nested deeper than 32 levels: the record cannot be decoded, every request is refused; d revokes it/,
			],
			['escapes', HOSTILE_IDS.escapes, /rate limit\s+malformed: \{"maxRequests":"\\u001b\]0;pwned\\u0007"/],
		];
		for (const [filter, id, expected] of cases) {
			await only(app, filter);
			await app.type(KEYS.enter);
			const details = await app.waitFor(screen => screen.includes('Token details') && screen.includes(id), {
				message: `details of ${filter}`,
			});
			expect(details).toMatch(expected);
			if (filter !== 'escapes') {
				await app.type(KEYS.escape);
				await app.waitFor(screen => !screen.includes('Token details'));
				await clearFilter(app);
			}
		}

		// Field names are shown inert too, and so is the last-use address.
		expect(app.screen()).toMatch(/key\uFFFD\]0;pwned\uFFFD\s+value\uFFFD\[31m/);
		expect(app.screen()).toContain('10.0.0.9\uFFFD]0;pwned\uFFFD');
		await quitWithCtrlC(app);
	});

	it('export: each record exports or says in one line why not, the 1 MB one without spinning; Ctrl-C quits', async () => {
		const app = await start();
		for (const filter of ['wrong types', 'escapes', DEEP, 'huge']) {
			await only(app, filter);
			await app.type('e');
			const shown = await app.waitFor(/Import it elsewhere with|Could not export: /, {message: `the export of ${filter}`});
			if (filter === 'escapes') {
				expect(shown).toContain('Export “escapes\uFFFD]0;pwned\uFFFD');
			}

			if (filter === DEEP) {
				// In the app the way out is a key, not a command line to type elsewhere.
				expect(shown).toContain('its record cannot be read; Esc, then d revokes it.');
				expect(shown).not.toContain('ee-tokens revoke');
			}

			if (filter !== 'huge') {
				await app.type(KEYS.escape);
				await app.waitFor(screen => !screen.includes('Export'));
				await clearFilter(app);
			}
		}

		expect(app.screen()).toMatch(/characters in all; c copies it, w writes it whole/);
		await quitWithCtrlC(app);
	});

	it('export of marked rows: the readable ones are exported, the unreadable one named; Esc keeps the marks', async () => {
		const app = await markedApp();
		await app.type('e');
		const dialog = await app.waitFor('Export the 4 marked tokens');
		expect(dialog.replaceAll(/\s+/g, ' ')).toContain(
			`Left out ${HOSTILE_IDS.deep.slice(0, 12)}…: its record cannot be read; Esc, then d revokes it.`,
		);
		expect(dialog).not.toContain('Could not export');
		expectInert(app);
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Export') && screen.includes('5 marked'), {message: 'the table, 5 marked'});
	});

	it('revoke dialog: every hostile record marked and listed inert; Ctrl-C quits', async () => {
		const app = await markedApp();
		await app.type('d');
		const dialog = await app.waitFor('Revoke the 5 marked tokens?');
		for (const text of ['wrong types', 'escapes\uFFFD]0;pwned', 'huge xxx', '(record cannot be read)']) {
			expect(dialog).toContain(text);
		}

		await quitWithCtrlC(app);
	});

	it('import preview: a hostile export string is shown inert, a wrong-shaped one refused in one inert line; Ctrl-C quits', async () => {
		const app = await start();
		await app.type('i');
		await app.waitFor('Import a token');
		app.paste(wrongShapeExportString());
		await app.waitFor(/Invalid export string: "restrictions\.addresses" must be a list/);
		await app.type(KEYS.ctrlU);
		app.paste(escapesExportString());
		const preview = await app.waitFor('Enter to continue.');
		expect(preview).toMatch(/description\s+imported\uFFFD\]0;pwned\uFFFD/);
		expect(preview).toMatch(/account\s+acct\uFFFD\]0;pwned\uFFFD/);
		expect(preview).toMatch(/other fields\s+.*x\uFFFD\[5;5H/);
		await app.type(KEYS.enter);
		await app.waitFor('Import this token?');
		await quitWithCtrlC(app);
	});

	it('the unreadable record is revoked from the app like any other; Ctrl-C quits from the table', async () => {
		const app = table!;
		await only(app, DEEP);
		await app.type('d');
		await app.waitFor('Revoke this token?');
		await app.type(`${HOSTILE_IDS.deep.slice(0, 6)}${KEYS.enter}`);
		await app.waitFor('Revoked 1 token.');
		await app.type(KEYS.escape);
		await app.waitFor(screen => screen.includes('4 tokens') && !screen.includes('(record cannot be read)'), {message: 'the row gone'});
		expect(await redis.client().hexists('tokens', HOSTILE_IDS.deep)).toBe(0);
		expect(await redis.client().sismember('iat', HOSTILE_IDS.deep)).toBe(0);
		await quitWithCtrlC(app);
	});
});
