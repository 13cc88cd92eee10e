import pty from '@lydell/node-pty';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {COLUMNS} from '../../source/format/index.js';
import {CLI, runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {spawnApp} from '../ui/helpers/pty.js';
import {seedTokens} from '../ui/helpers/seed.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	await seedTokens(redis.url());
	// Values as long as real ones get, so no column is narrow for want of content, and one that
	// expires, so Expires has a value to show.
	await runCli([
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

async function listHeader(columns: number): Promise<string> {
	const child = pty.spawn(process.execPath, [CLI, 'list', `--dbs.redis=${redis.url()}`], {
		cols: columns,
		rows: 20,
		env: {PATH: process.env['PATH'] ?? ''},
	});
	let output = '';
	child.onData(data => {
		output += data;
	});
	await new Promise<void>(resolve => {
		child.onExit(() => resolve());
	});
	return output.split(/\r?\n/)[0]!;
}

async function appHeader(columns: number): Promise<string> {
	const app = spawnApp([`--dbs.redis=${redis.url()}`], {columns, rows: 20});
	try {
		const screen = await app.waitFor(text => text.includes('Expiring') && text.includes('Description'));
		return screen.split('\n').find(line => line.includes('Description'))!;
	} finally {
		app.write('q');
		await app.exited;
	}
}

describe('list and the app at one width', () => {
	it.each([80, 100, 120])('show the same columns at %i cells', async columns => {
		const [list, app] = await Promise.all([listHeader(columns), appHeader(columns)]);
		expect(titlesIn(list).length).toBeGreaterThan(2);
		expect(titlesIn(app)).toEqual(titlesIn(list));
	});
});
