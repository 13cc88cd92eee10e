import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {CLI, runInProcess} from '../helpers/cli.js';
import {startApp} from './helpers/in-process-app.js';
import {KEYS, type AppProcess} from './helpers/pty.js';
import {appFixture, endApp} from './helpers/app-fixture.js';
import {selectedText} from './helpers/xterm.js';

const fixture = appFixture();
let client: Redis;
let store: TokenStore;
const dirs: string[] = [];

beforeAll(() => {
	client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
	store = new TokenStore(client);
});

afterAll(() => {
	client.disconnect();
	for (const dir of dirs) {
		rmSync(dir, {recursive: true, force: true});
	}
});

const scratchDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-export-'));
	dirs.push(dir);
	return dir;
};

/** The rows of the screen from the one that starts with `start` to the last before a blank row. */
function blockFrom(app: AppProcess, start: string): [number, number] {
	const lines = app.lines();
	const first = lines.findIndex(line => line.startsWith(start));
	expect(first, `a row starting with ${start}`).toBeGreaterThanOrEqual(0);
	let last = first;
	while (last + 1 < lines.length && lines[last + 1]!.trim() !== '' && !lines[last + 1]!.startsWith(' ')) {
		last++;
	}

	return [first, last];
}

/** Opens the export dialog on the first row of the table. */
async function exportFirstRow(app: AppProcess): Promise<string> {
	return (await exportedFirstRow(app)).exportString;
}

async function exportedFirstRow(app: AppProcess): Promise<{id: string; exportString: string}> {
	await app.waitFor(/\d+ tokens/);
	await app.type('e');
	await app.waitFor('Import it elsewhere with');
	const description = /Export “(.+)”/.exec(app.screen())![1]!;
	const {id} = fixture.seeded.find(token => token.description === description)!;
	return {id, exportString: await store.exportString(id)};
}

describe('the export dialog at 80x24', () => {
	// One app for the three cases, in order: the first opens the dialog on the first row, the
	// second reads the same dialog, the third closes it and exports two marked rows.
	let app: AppProcess;
	let exported: {id: string; exportString: string};
	beforeAll(async () => {
		app = startApp([`--dbs.redis=${fixture.redis.url()}`], {columns: 80, rows: 24, env: {XDG_STATE_HOME: fixture.stateDir}});
		exported = await exportedFirstRow(app);
	});
	afterAll(async () => {
		await endApp(app);
	});

	it('shows the string so that a selection of its rows, pasted to import -t, imports it', async () => {
		const expected = exported.exportString;
		// Whole, on rows of its own: no indent, no "…".
		const [first, last] = blockFrom(app, expected.slice(0, 20));
		expect(last).toBeGreaterThan(first);
		const copied = selectedText(app.terminal, first, last);
		expect(copied.replaceAll('\n', '')).toBe(expected);
		const imported = await runInProcess(['import', '-t', copied, `--dbs.redis=${fixture.redis.url(11)}`]);
		expect(imported.stderr).toContain('imported');
		expect(imported.exitCode).toBe(0);
	});

	it('shows an import command that, selected and pasted into a shell, imports the token', async () => {
		const {id, exportString: expected} = exported;
		const [first, last] = blockFrom(app, 'ee-tokens import -t');
		const copied = selectedText(app.terminal, first, last);
		expect(copied.replaceAll('\n', '')).toBe(`ee-tokens import -t '${expected}'`);
		// What a shell does with the paste: ee-tokens on the PATH is the built CLI, the Redis comes from the environment.
		const bin = scratchDir();
		writeFileSync(path.join(bin, 'ee-tokens'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, {mode: 0o755});
		const {stderr} = await promisify(execFile)('sh', ['-c', copied], {
			env: {PATH: `${bin}:${process.env['PATH']}`, EENGINE_REDIS: fixture.redis.url(12)},
		});
		expect(stderr).toContain('imported');
		const other = new Redis(fixture.redis.url(12), {maxRetriesPerRequest: 1});
		try {
			expect((await new TokenStore(other).exportAll()).map(item => item.id)).toEqual([id]);
		} finally {
			other.disconnect();
		}
	});

	it('shows every marked token’s string whole, each importable as selected', async () => {
		await app.type(KEYS.escape);
		await app.waitFor(text => /\d+ tokens/.test(text) && !text.includes('Import it elsewhere with'));
		await app.type(`${KEYS.space}${KEYS.space}`);
		await app.waitFor('2 marked');
		await app.type('e');
		await app.waitFor('Export the 2 marked tokens');
		expect(app.screen()).not.toContain('…');
		const all = await store.exportAll();
		const shown = all.filter(item => app.screen().includes(item.exportString.slice(0, 30)));
		expect(shown).toHaveLength(2);
		for (const item of shown) {
			const [first, last] = blockFrom(app, item.exportString.slice(0, 30));
			const copied = selectedText(app.terminal, first, last);
			expect(copied.replaceAll('\n', '')).toBe(item.exportString);
			const imported = await runInProcess(['import', '-t', copied, `--dbs.redis=${fixture.redis.url(13)}`]);
			expect(imported.exitCode).toBe(0);
		}
	});
});

describe('the export dialog at the 60x15 minimum', () => {
	it('shows the string whole, and the command whole or not at all', async () => {
		const app = fixture.start({columns: 60, rows: 15});
		const expected = await exportFirstRow(app);
		const [first, last] = blockFrom(app, expected.slice(0, 20));
		expect(selectedText(app.terminal, first, last).replaceAll('\n', '')).toBe(expected);
		const lines = app.lines();
		const command = lines.findIndex(line => line.startsWith('ee-tokens import -t'));
		if (command === -1) {
			expect(app.screen()).toContain(" ee-tokens import -t '…': too long here, w writes it");
		} else {
			const [start, end] = blockFrom(app, 'ee-tokens import -t');
			expect(selectedText(app.terminal, start, end).replaceAll('\n', '')).toBe(`ee-tokens import -t '${expected}'`);
		}
	});
});

describe('w in the export dialog', () => {
	it('writes the shown string to a private file, prints the path, and asks before replacing one', async () => {
		const dir = scratchDir();
		const file = path.join(dir, 'ee-tokens-export.txt');
		// Under a pty: the binary's own working directory, where it was started. The other cases give
		// an app in this process its directory, as main() takes one.
		const app = fixture.start({columns: 80, rows: 24, cwd: dir, pty: true});
		const expected = await exportFirstRow(app);
		await app.type('w');
		await app.waitFor(screen => screen.replaceAll(/\n /g, ' ').includes(`to ${file} (mode 0600)`));
		expect(readFileSync(file, 'utf8')).toBe(`${expected}\n`);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// It reads back: what the dialog says to run.
		const imported = await runInProcess(['import', '-t', '-', `--dbs.redis=${fixture.redis.url(14)}`], {input: readFileSync(file, 'utf8')});
		expect(imported.exitCode).toBe(0);

		// A file at the name is kept until w is pressed again.
		writeFileSync(file, 'keep me\n');
		await app.type('w');
		await app.waitFor(screen => screen.replaceAll(/\n /g, ' ').includes(`${file} exists: w again replaces it`));
		expect(readFileSync(file, 'utf8')).toBe('keep me\n');
		// Any other key forgets the question.
		await app.type('x');
		await app.type('w');
		await app.waitFor(screen => screen.replaceAll(/\n /g, ' ').includes(`${file} exists: w again replaces it`));
		expect(readFileSync(file, 'utf8')).toBe('keep me\n');
		await app.type('w');
		await app.waitFor(screen => screen.replaceAll(/\n /g, ' ').includes(`to ${file} (mode 0600)`));
		expect(readFileSync(file, 'utf8')).toBe(`${expected}\n`);
		expect(readdirSync(dir)).toEqual(['ee-tokens-export.txt']);
	});

	it('quotes the path in the import command it shows, so a directory with a space or $(…) pasted into a shell imports', async () => {
		const dir = path.join(scratchDir(), 'my exports $(touch pwned)');
		mkdirSync(dir);
		const app = fixture.start({columns: 120, rows: 35, cwd: dir});
		const {id} = await exportedFirstRow(app);
		await app.type('w');
		const screen = (await app.waitFor('(mode 0600)')).replaceAll(/\n /g, ' ');
		const command = /import with (ee-tokens import -t - < .+?)\s*$/m.exec(screen)?.[1];
		expect(command).toBeDefined();
		const bin = scratchDir();
		writeFileSync(path.join(bin, 'ee-tokens'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, {mode: 0o755});
		const {stderr} = await promisify(execFile)('sh', ['-c', command!], {
			cwd: bin,
			env: {PATH: `${bin}:${process.env['PATH']}`, EENGINE_REDIS: fixture.redis.url(15)},
		});
		expect(stderr).toContain('Imported 1,');
		expect(existsSync(path.join(bin, 'pwned'))).toBe(false);
		const other = new Redis(fixture.redis.url(15), {maxRetriesPerRequest: 1});
		try {
			expect((await new TokenStore(other).exportAll()).map(item => item.id)).toEqual([id]);
		} finally {
			other.disconnect();
		}
	});

	it('says in one line why it cannot write, and leaves nothing behind', async () => {
		const dir = scratchDir();
		const app = fixture.start({columns: 80, rows: 24, cwd: dir});
		await exportFirstRow(app);
		// The directory the app was started in goes away: nothing can be created there.
		rmSync(dir, {recursive: true});
		await app.type('w');
		const screen = (await app.waitFor('nothing was written')).replaceAll(/\n /g, ' ');
		expect(screen).toContain(`Could not write ${path.join(dir, 'ee-tokens-export.txt')} (ENOENT); nothing was written.`);
		expect(existsSync(dir)).toBe(false);
	});
});
