import {statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {encodeLastUse} from '../../source/tokens/index.js';
// Commands run in-process (runInProcess): what they do is the subject, not the process around them.
import {runInProcess as runCli} from '../helpers/cli.js';
import {KEYS, type AppProcess} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();
let client: Redis;
let store: TokenStore;

beforeAll(() => {
	client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
	store = new TokenStore(client);
});

afterAll(() => {
	client.disconnect();
});

/**
 * One app for the whole file: each case changes what it needs (revokes, imports, marks) and leaves
 * the app at the unfiltered, unmarked table with the cursor on the first row.
 */
const open = async () => {
	const app = await fixture.shared();
	await app.waitFor(screen => /\d+ tokens/.test(screen) && !/ \d+ of \d+/.test(screen) && !screen.includes('marked'), {
		message: 'the unfiltered table',
	});
	return app;
};

/** Back to the table as `open` wants it: no dialog, no filter, the first row. */
const leave = async (app: AppProcess, escapes: number) => {
	// One key at a time: Esc then g read together is Alt-g, and the cursor stayed where it was
	// (the next test's two Spaces then marked and unmarked the last row).
	for (let index = 0; index < escapes; index++) {
		await app.type(KEYS.escape);
	}

	await app.waitFor(screen => !/ \d+ of \d+/.test(screen));
	await app.type('g');
	await app.waitFor(screen => /^ 1\/\d+ /m.test(screen), {message: 'the cursor on the first row'});
};

const filterTo = async (app: AppProcess, text: string, count = 1) => {
	await app.type(`/${text}`);
	await app.waitFor(new RegExp(` ${count} of \\d+`));
	await app.type(KEYS.enter);
};

describe('the app: revoke', () => {
	it('cancels by default, refuses a wrong confirmation, revokes on the right one', async () => {
		const target = fixture.seeded.find(token => token.description === 'Mail relay')!;
		const app = await open();
		await filterTo(app, 'Mail relay');
		await app.type('d');
		await app.waitFor('Revoke this token?');
		await app.type(KEYS.enter);
		await app.waitFor(screen => !screen.includes('Revoke this token?'));
		expect(await store.get(target.id)).toBeDefined();

		await app.type('d');
		await app.waitFor(`Type ${target.id.slice(0, 6)} and press Enter`);
		await app.type('zzzzzz');
		await app.type(KEYS.enter);
		await app.waitFor(`That is not "${target.id.slice(0, 6)}"`);
		await app.type(KEYS.ctrlU);
		await app.type(target.id.slice(0, 6));
		await app.type(KEYS.enter);
		// One token goes the same way as many: journaled first, and the way back said.
		const done = await app.waitFor('Revoked 1 token.');
		expect(done.replaceAll(/\s+/g, ' ')).toMatch(/Revoked 1 token\. Undo: ee-tokens restore --journal \S+\.jsonl/);
		expect(await store.get(target.id)).toBeUndefined();
		await app.type(KEYS.enter);
		await app.waitFor('No token matches the filter.');
		await app.waitFor('✓ Revoked 1 token');
		await leave(app, 1);
	});

	it('revokes marked rows together', async () => {
		const app = await open();
		const before = Number(/(\d+) tokens/.exec(app.screen())![1]);
		await filterTo(app, 'acme', 2);
		await app.type('  ');
		await app.waitFor('2 marked');
		await app.type('d');
		await app.waitFor('Revoke the 2 marked tokens?');
		await app.type(`revoke 2${KEYS.enter}`);
		await app.waitFor('Revoked 2 tokens.');
		await app.type(KEYS.enter);
		await app.waitFor(`${before - 2} tokens`);
		expect((await store.list()).filter(entry => entry.record['account'] === 'acme')).toEqual([]);
		await leave(app, 1);
	});
});

/** Every key of the database, its contents as bytes (hash fields and set members sorted): equal means byte-identical. */
async function contents(): Promise<Record<string, unknown>> {
	const result: Record<string, unknown> = {};
	for (const key of (await client.keys('*')).sort()) {
		const type = await client.type(key);
		if (type === 'hash') {
			const fields = await client.hgetallBuffer(key);
			result[key] = Object.keys(fields)
				.sort()
				.map(field => [field, fields[field]!.toString('hex')]);
		} else if (type === 'set') {
			result[key] = (await client.smembers(key)).sort();
		} else {
			result[key] = (await client.dumpBuffer(key))?.toString('hex');
		}
	}

	return result;
}

describe('the app: a revoke is journaled, and restore undoes it', () => {
	it('marks 3 rows, revokes them with the journal path on screen, and ee-tokens restore puts them back byte for byte', async () => {
		const issued = [];
		for (const [index, account] of ['undo-acct', 'undo-acct', undefined].entries()) {
			issued.push(await store.issue({description: `Undo me ${index + 1}`, scopes: ['api'], account}));
		}

		// One of them used, so its last use goes into the journal and comes back too.
		await client.hset('tokens:access', issued[0]!.id, encodeLastUse(Date.now() - 60_000, '192.0.2.9'));
		const app = await open();
		await app.type('r');
		await filterTo(app, 'Undo me', 3);
		await app.type('   ');
		await app.waitFor('3 marked');
		const before = await contents();
		const headerCount = (screen: string) => Number(/(\d+) tokens/.exec(screen.split('\n')[0]!)?.[1]);
		const countBefore = headerCount(app.screen());
		await app.type('d');
		await app.waitFor('Revoke the 3 marked tokens?');
		await app.waitFor('Type revoke 3 and press Enter');
		await app.type(`revoke 3${KEYS.enter}`);
		const done = await app.waitFor(/Undo: ee-tokens restore --journal\s+\S+\.jsonl/);
		const journal = /Undo: ee-tokens restore --journal\s+(\S+\.jsonl)/.exec(done)![1]!;
		expect(done).toContain('Revoked 3 tokens.');
		// The header counts what is stored now, while the result is still on screen: reloaded by the
		// revoke itself, well before the periodic reload (10 s after the r above) would have.
		await app.waitFor(screen => screen.includes('Undo:') && headerCount(screen) === countBefore - 3, {
			message: 'the header count after the revoke',
			timeout: 5000,
		});
		expect(path.dirname(journal)).toBe(path.join(fixture.stateDir, 'ee-tokens', 'journals'));
		expect(statSync(journal).mode & 0o777).toBe(0o600);
		for (const {id} of issued) {
			expect(await store.get(id)).toBeUndefined();
		}

		// The result stays until the operator closes it: the path can be copied (c copies the command).
		await app.type('c');
		await app.waitFor(/clipboard/i);
		expect(app.screen()).toContain(journal);
		await app.type(KEYS.enter);
		await app.waitFor(screen => !screen.includes('Undo:') && screen.includes('No token matches the filter.'));

		const restored = await runCli(['restore', '--journal', journal, `--dbs.redis=${fixture.redis.url()}`]);
		expect(restored.stderr).toContain('Restored 3 of 3 tokens');
		expect(restored.exitCode).toBe(0);
		expect(await contents()).toEqual(before);
		await app.type('r');
		await app.waitFor(screen => ['Undo me 1', 'Undo me 2', 'Undo me 3'].every(description => screen.includes(description)));
		await leave(app, 1);
		await store.revokeMany(issued.map(({id}) => id));
	});

	it('refuses the revoke on one line when the journal cannot be written, and deletes nothing', async () => {
		const notADirectory = path.join(fixture.stateDir, 'a-file');
		writeFileSync(notADirectory, '');
		const target = fixture.seeded.find(token => token.description === 'Admin automation')!;
		const before = await contents();
		const app = fixture.start({columns: 80, rows: 24, env: {XDG_STATE_HOME: notADirectory}});
		await app.waitFor(/\d+ tokens/);
		await filterTo(app, 'Admin automation');
		await app.type('d');
		await app.waitFor(`Type ${target.id.slice(0, 6)} and press Enter`);
		await app.type(`${target.id.slice(0, 6)}${KEYS.enter}`);
		const refused = await app.waitFor('nothing was revoked');
		const flat = refused.replaceAll(/\s+/g, ' ');
		expect(flat).toContain(`Could not revoke: Cannot create the journal directory ${notADirectory}/ee-tokens/journals (ENOTDIR)`);
		expect(flat).toContain('set XDG_STATE_HOME to a writable directory; nothing was revoked. Press Enter to try again.');
		// Every line of it within the 80 columns, each indented as the first.
		const lines = refused.split('\n');
		const first = lines.findIndex(line => line.includes('Could not revoke'));
		const last = lines.findIndex(line => line.includes('Press Enter to try again'));
		for (const line of lines.slice(first, last + 1)) {
			expect(line).toMatch(/^ \S/);
		}

		expect(await contents()).toEqual(before);
	});
});

describe('the app: marks and the filter', () => {
	it('says how many marks the filter hides, acts on what the dialog lists, and u clears every mark', async () => {
		const helpdesk = fixture.seeded.find(token => token.description === 'Helpdesk integration')!;
		const app = await open();
		await filterTo(app, 'helpdesk');
		await app.type(' ');
		await app.waitFor('1 marked');
		await app.type(KEYS.escape);
		// A filter that hides the marked row; the cursor is on a visible, unmarked one.
		await filterTo(app, 'prometheus');
		await app.waitFor('1 marked, 1 hidden by the filter');
		await app.type('d');
		const dialog = await app.waitFor('Revoke the marked token?');
		expect(dialog).toContain('It is hidden by the filter; u in the table clears every mark.');
		expect(dialog).toContain(`${helpdesk.id.slice(0, 12)}… Helpdesk integration`);
		expect(dialog).not.toContain('Prometheus scraper');
		expect(dialog).toContain(`Type ${helpdesk.id.slice(0, 6)} and press Enter`);
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Revoke the marked token?'));
		expect(await store.get(helpdesk.id)).toBeDefined();
		await app.type('e');
		await app.waitFor('Export the marked token “Helpdesk integration”');
		expect(app.screen()).toContain('It is hidden by the filter; u in the table clears every mark.');
		await app.type(KEYS.escape);
		await app.waitFor('1 marked, 1 hidden by the filter');
		// u clears every mark, hidden ones included; d then means the row under the cursor.
		await app.type('u');
		await app.waitFor(screen => !screen.includes('marked'));
		await app.type('d');
		const single = await app.waitFor('Revoke this token?');
		expect(single).toContain('Prometheus scraper');
		expect(single).not.toContain('Helpdesk integration');
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Revoke this token?'));
		await leave(app, 1);
	});
});

describe('the app: import and export', () => {
	it('imports a valid string, says "already present" the second time, and rejects garbage precisely', async () => {
		const {rawToken, id} = await store.issue({description: 'Travelling token', scopes: ['api']});
		const exportString = await store.exportString(id);
		await store.revoke(id);
		const app = await open();
		await app.type('i');
		await app.waitFor('Import a token');
		app.paste(exportString);
		await app.waitFor(/description\s+Travelling token/);
		await app.type(KEYS.enter);
		await app.waitFor('Import this token?');
		await app.type(KEYS.enter);
		await app.waitFor('Imported.');
		expect((await store.resolve(rawToken)).id).toBe(id);
		await app.type(KEYS.enter);
		await app.waitFor('Travelling token');
		await app.waitFor('✓ Imported "Travelling token"');

		await app.type('i');
		await app.waitFor('Import a token');
		app.paste(exportString);
		await app.waitFor('Enter to continue.');
		await app.type(KEYS.enter);
		await app.waitFor('Import this token?');
		await app.type(KEYS.enter);
		await app.waitFor('Already present');
		await app.type(KEYS.enter);
		await app.waitFor(screen => !screen.includes('Import a token'));
		await app.waitFor('✓ "Travelling token" was already there');

		await app.type('i');
		await app.waitFor('Import a token');
		app.paste('definitely-not-a-token-string');
		await app.waitFor('Invalid export string: not a token map');
		await app.type(`${KEYS.ctrlU}!`);
		await app.waitFor('Invalid export string: not base64 text');
		await app.type(KEYS.enter);
		expect(app.screen()).not.toContain('Import this token?');
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Import a token'));
		await leave(app, 0);
	});

	it('exports the selected token with the command that imports it', async () => {
		const app = await open();
		await filterTo(app, 'Prometheus');
		await app.type('e');
		await app.waitFor('Import it elsewhere with');
		const id = fixture.seeded.find(token => token.description === 'Prometheus scraper')!.id;
		const expected = await store.exportString(id);
		// Rows of their own, unindented: the line breaks alone part the string's rows.
		const screen = app.screen().replaceAll('\n', '');
		expect(screen).toContain(expected);
		expect(screen).toContain(`ee-tokens import -t '${expected}'`);
		await app.type('c');
		await app.waitFor(/Copied|Sent to the terminal's clipboard/);
		expect(app.output()).toContain(Buffer.from(expected).toString('base64'));
		await leave(app, 2);
	});

	it('exports marked rows together, one string per line', async () => {
		const app = await open();
		await app.type(' ');
		await app.type(' ');
		await app.waitFor('2 marked');
		await app.type('e');
		await app.waitFor('Export the 2 marked tokens');
		// The file w writes (test/ui/app-export-copy.e2e.test.ts writes it).
		const shown = /ee-tokens (import [^<]+)< ee-tokens-export\.txt/.exec(app.screen());
		expect(shown?.[0]).toBe('ee-tokens import -t - < ee-tokens-export.txt');
		// The command it shows is one the CLI takes: the two strings, one per line, on stdin.
		const lines = (await store.exportAll()).slice(0, 2).map(item => item.exportString);
		const imported = await runCli([...shown![1]!.trim().split(' '), `--dbs.redis=${fixture.redis.url(12)}`], {
			input: `${lines.join('\n')}\n`,
		});
		expect(imported.exitCode).toBe(0);
		expect(imported.stderr).toMatch(/^Imported 2,/);
		await app.type(KEYS.escape);
		await app.waitFor('2 marked');
		await app.type('u');
		await app.waitFor(screen => !screen.includes('marked'));
	});
});
