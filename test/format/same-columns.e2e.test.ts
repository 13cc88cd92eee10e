import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {COLUMNS} from '../../source/format/index.js';
import {runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {startApp} from '../ui/helpers/in-process-app.js';
import {type AppProcess} from '../ui/helpers/pty.js';
import {seedTokens} from '../ui/helpers/seed.js';
import {endApp} from '../ui/helpers/app-fixture.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	await seedTokens(redis.url());
	// Values as long as real ones get, so no column is narrow for want of content, and one that
	// expires, so Expires has a value to show.
	await runInProcess([
		'issue',
		'-d',
		'Expiring token of the nightly reconciliation job',
		'-s',
		'api,smtp,imap-proxy,metrics',
		'-a',
		'customer-support-mailbox-eu-west',
		'--expires',
		'30d',
		`--dbs.redis=${redis.url()}`,
	]);
});
afterAll(async () => redis.stop());

/** The column titles in a header line, in the order they stand. */
const titlesIn = (line: string) =>
	COLUMNS.map(column => column.title)
		.filter(title => new RegExp(`(^|\\s)${title}(\\s|$| [▲▼])`).test(line))
		.sort((a, b) => line.indexOf(a) - line.indexOf(b));

/** The header line `list` prints to a terminal of this width (in this process: stdout a terminal of it). */
async function listHeader(columns: number): Promise<string> {
	const result = await runInProcess(['list', `--dbs.redis=${redis.url()}`], {terminalColumns: columns});
	expect(result.exitCode, result.stderr).toBe(0);
	return result.stdout.split(/\r?\n/)[0]!;
}

describe('list and the app at one width', () => {
	// One app: started at 80 cells, then resized to each wider width, as a person widens the window
	// (a start at a width and a resize to it lay out through the same columnLayout).
	let app: AppProcess | undefined;
	afterAll(async () => endApp(app));
	it.each([80, 100, 120, 200])('show the same columns at %i cells', async columns => {
		if (app) {
			app.resize(columns, 20);
		} else {
			app = startApp([`--dbs.redis=${redis.url()}`], {columns, rows: 20});
		}

		const expected = titlesIn(await listHeader(columns));
		expect(expected.length).toBeGreaterThan(2);
		// The app's header, once it has drawn the table at this width (a resize redraws it), shows
		// the columns list shows; waited for, as the frame after a resize comes when it comes.
		await app.waitFor(
			text =>
				text.includes('Expiring') && titlesIn(text.split('\n').find(line => line.includes('Description')) ?? '').join() === expected.join(),
			{message: `the app's columns at ${columns} cells to be those of list: ${expected.join(', ')}`},
		);
	});
});

describe('sorting at a width that hides columns', () => {
	it('s sorts only by shown columns at 80, and a column the window narrows away is said', async () => {
		const app = startApp([`--dbs.redis=${redis.url()}`], {columns: 80, rows: 24});
		try {
			// The whole table, not its first rows: the status line then has room for the sort.
			await app.waitFor(text => text.includes('Expiring') && text.includes('Description') && !text.includes('loading the rest'));
			const shown = titlesIn(app.lines().find(line => line.includes('Description'))!);
			expect(shown).not.toContain('Created');
			expect(shown).not.toContain('Expires');
			// The default sort, newest first, is by a column 80 cells do not show: said, not left unseen.
			expect(app.screen()).toContain('sorted by created, newest first, not shown at this width');
			const sortedBy: string[] = [];
			const sortMark = (text: string) =>
				/(\S+(?: used)?) [▲▼]/.exec(text.split('\n').find(line => line.includes('Description'))!)?.[1] ?? 'none';
			for (let press = 0; press <= shown.length; press++) {
				const before = sortMark(app.screen());
				await app.type('s');
				// The sort mark moves (the cursor then follows its token: a second frame).
				const screen = await app.waitFor(text => sortMark(text) !== before);
				sortedBy.push(sortMark(screen));
				// Said on the status line too.
				expect(/sorted by ([\w ]+)/.exec(screen)?.[1]?.toLowerCase()).toBe(
					sortedBy.at(-1) === 'none' ? undefined : sortedBy.at(-1)!.toLowerCase(),
				);
			}

			// From Created to the next shown column, then every shown column once, in order, round.
			expect(sortedBy).toEqual([shown.at(-1), ...shown]);

			// Sorted by Created on a wide window, then narrowed to 80: the status line says so.
			app.resize(120, 30);
			await app.waitFor(text => text.includes('Created'));
			// From Last used to Expires, then round: Description, Scopes, Account, Created.
			for (let press = 0; press < 5; press++) {
				await app.type('s');
			}

			await app.waitFor('sorted by created, oldest first');
			app.resize(80, 24);
			await app.waitFor('sorted by created, oldest first, not shown at this width');
		} finally {
			app.write('q');
			await app.exited;
		}
	});
});
