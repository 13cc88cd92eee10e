import {describe, expect, it} from 'vitest';
// Commands run in-process (runInProcess): what they do is the subject, not the process around them.
import {runInProcess as runCli} from '../helpers/cli.js';
import {TokenStore} from '../../source/store/index.js';
import {KEYS} from './helpers/pty.js';
import {type AppFixture, appFixture} from './helpers/app-fixture.js';
import {cellOf} from './helpers/xterm.js';

// The shared app shows colour (the first case): chalk's level is a process's own, so it runs on a pty.
const fixture = appFixture({sharedOnPty: true});

const start = async (options: Parameters<AppFixture['start']>[0] = {}) => {
	const app = fixture.start(options);
	await app.waitFor('6 tokens', {message: 'the table'});
	return app;
};

/**
 * The cases that do not need a fresh start share one app, each leaving it at the unfiltered table;
 * the last one quits it. Starting the app is most of what an end-to-end case costs.
 */
const shared = async () => {
	const app = await fixture.shared();
	await app.waitFor(screen => screen.includes('6 tokens') && !screen.includes(' of 6'), {message: 'the unfiltered table'});
	return app;
};

const selectedLine = (screen: string) => screen.split('\n').find(line => line.startsWith('›')) ?? '';

describe('the app: table', () => {
	it('shows the seeded tokens with header and footer, in colour', async () => {
		const app = await shared();
		const screen = app.screen();
		expect(screen).toContain(`redis://127.0.0.1:${fixture.redis.port}/8`);
		expect(screen).toContain('connected');
		for (const description of [
			'Billing service',
			'Prometheus scraper',
			'Helpdesk integration',
			'Mail relay',
			'Admin automation',
			'MCP assistant',
		]) {
			expect(screen).toContain(description);
		}

		expect(screen).toMatch(/Admin automation\s+all scopes\s+all accounts/);
		// The footer: the keys that work here, as many as 120 columns hold (rotate, edit and review
		// among them), and `? more` for the rest.
		const footer = screen.trimEnd().split('\n').at(-1)!.trimEnd();
		expect(footer).toContain('d revoke  R rotate  E edit  v review');
		expect(footer).toMatch(/ {2}\? more$/);
		expect(footer.length).toBeLessThanOrEqual(120);
		expect(app.terminal.buffer.active.type).toBe('alternate');
		expect(app.output()).toMatch(/\u001B\[[0-9;]*(3[0-7]|4[0-7]|9[0-7]|7)m/);
	});

	it('moves, filters as you type with "N of M", clears with Esc, and opens details', async () => {
		const app = await shared();
		const first = selectedLine(app.screen());
		await app.type('j');
		await app.waitFor(screen => selectedLine(screen) !== first, {message: 'the cursor to move'});
		await app.type('G');
		await app.waitFor(/ 6\/6/, {message: 'the last row'});
		await app.type('/help');
		await app.waitFor('1 of 6');
		expect(app.screen()).toContain('Helpdesk integration');
		expect(app.screen()).not.toContain('Billing service');
		await app.type(KEYS.escape);
		await app.waitFor(screen => screen.includes('Billing service') && !screen.includes('of 6'));
		await app.type('/acme');
		await app.waitFor('2 of 6');
		await app.type(KEYS.enter);
		await app.waitFor(screen => !screen.includes('/acme▌') && screen.includes('/acme'));
		await app.type(KEYS.enter);
		// The whole record is read when the view opens (the table holds summaries only).
		await app.waitFor(screen => screen.includes('Token details') && /account\s+acme/.test(screen));
		expect(app.screen()).toMatch(/id\s+[0-9a-f]{64}/);
		expect(app.screen()).toMatch(/Esc\/q close/);
		await app.type(KEYS.escape);
		await app.waitFor('2 of 6');
		// q closes the details as Esc does (it quits only from the table).
		await app.type(KEYS.enter);
		await app.waitFor('Token details');
		await app.type('q');
		await app.waitFor(screen => screen.includes('2 of 6') && !screen.includes('Token details'));
		await app.type(`${KEYS.escape}g`);
	});

	it('reads a token afresh when its details open: one revoked elsewhere since the last load is gone', async () => {
		const url = `--dbs.redis=${fixture.redis.url()}`;
		const issued = await runCli(['issue', '-d', 'Short-lived', '-s', 'api', '--json', url]);
		const {id} = JSON.parse(issued.stdout) as {id: string};
		const app = await shared();
		try {
			await app.type('r');
			await app.waitFor('7 tokens');
			// A reload asked for says so when it is in.
			await app.waitFor('✓ Reloaded 7 tokens');
			await app.type('/short-lived');
			await app.waitFor('1 of 7');
			await app.type(KEYS.enter);
			await app.type(KEYS.enter);
			await app.waitFor(screen => screen.includes('Token details') && screen.includes(id));
			await app.type(KEYS.escape);
			await app.waitFor('1 of 7');
			// Another command revokes it, on its own connection; the table has not reloaded yet and still lists it.
			expect((await runCli(['revoke', '-t', id, '--yes', url])).exitCode).toBe(0);
			await app.type(KEYS.enter);
			await app.waitFor('This token no longer exists');
		} finally {
			// Cleans up after a failure before the revoke, so the later cases see the six.
			const store = new TokenStore(fixture.redis.client(), '');
			if (await store.get(id)) {
				await store.revoke(id);
			}
		}

		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('This token no longer exists'));
		await app.type(`${KEYS.escape}r`);
		await app.waitFor(screen => screen.includes('6 tokens') && !screen.includes(' of '));
	});

	it('starts newest first, sorts by column with s and reverses with S', async () => {
		const app = await shared();
		await app.waitFor(/Created \(UTC\) ▼[^]*sorted by created, newest first/);
		const rows = () =>
			app
				.lines()
				.slice(2)
				// The symbols, the risk marker (a letter or blank), then the description.
				.filter(line => /^[› ][• ][! ] [HML ] \S/.test(line))
				.map(line => line.slice(6, 32).trim());
		// Created, last used, expires, then round to description.
		await app.type('sss');
		await app.waitFor('sorted by description, A to Z');
		expect(rows()[0]).toBe('Admin automation');
		await app.type('S');
		await app.waitFor('sorted by description, Z to A');
		expect(rows()[0]).toBe('Prometheus scraper');
	});

	it('opens help generated from the keymap with ? and closes it with Esc', async () => {
		const app = await shared();
		await app.type('?');
		await app.waitFor('Filter by what rows show, or by terms');
		expect(app.screen()).toMatch(/Space\s+Mark a row for bulk revoke or export/);
		await app.type(KEYS.escape);
		await app.waitFor('6 tokens');
		await app.waitFor(screen => !screen.includes('Filter by what rows show'));
	});

	it('shows "terminal too small" below 60×15, ignores action keys there, and comes back', async () => {
		const app = await shared();
		app.resize(50, 12);
		await app.waitFor('Terminal too small');
		expect(app.screen()).toContain('50×12, needs 60×15');
		await app.type('n');
		app.resize(120, 35);
		await app.waitFor(screen => screen.includes('6 tokens') && screen.includes('Billing service'));
		expect(app.screen()).not.toContain('Terminal too small');
		expect(app.screen()).not.toContain('New token');
	});

	it('quits with q back to the normal screen', async () => {
		const app = await shared();
		app.write('q');
		expect((await app.exited).exitCode).toBe(0);
		// The exit can be reported before the last bytes (leaving the alternate screen) are read.
		await app.waitFor(() => app.terminal.buffer.active.type === 'normal', {message: 'the normal screen'});
	});

	it('honours NO_COLOR: no colour codes (the first case saw them without it), the selected row still marked; gives the terminal back on SIGTERM', async () => {
		const app = await start({pty: true, env: {NO_COLOR: '1'}});
		expect(selectedLine(app.screen())).toMatch(/^› /);

		expect(app.output()).not.toMatch(/\u001B\[[0-9;]*(3[0-7]|4[0-7]|9[0-7]|7)m/);
		app.kill('SIGTERM');
		await app.exited;
		await app.waitFor(() => app.terminal.buffer.active.type === 'normal', {message: 'the normal screen'});
		expect(app.output()).toContain('\u001B[?1049l');
	});

	it('keeps columns aligned on rows with emoji (🚀 ✅ ⚡ ☕ two cells, a ZWJ family one cluster), at 120 and 80 columns; Ctrl-C quits from inside a dialog', async () => {
		const descriptions = ['🚀 deploy bot', '✅ checks ⚡ fast ☕', 'family 👨\u200D👩\u200D👧 bot', 'plain reader'];
		const store = new TokenStore(fixture.redis.client(11), '');
		for (const description of descriptions) {
			await store.issue({description, scopes: ['metrics']});
		}

		// One app, started at 120 columns and then made 80 wide: the table redrawn for the new width.
		const app = fixture.start({columns: 120, rows: 35}, [`--dbs.redis=${fixture.redis.url(11)}`]);
		await app.waitFor('4 tokens');
		for (const [columns, rows] of [
			[120, 35],
			[80, 24],
		] as const) {
			if (columns !== app.terminal.cols) {
				const drawn = app.output().length;
				app.resize(columns, rows);
				await app.waitFor(screen => app.output().length > drawn && screen.includes('4 tokens'), {
					message: `the table at ${columns} columns`,
				});
			}

			const scopes = cellOf(app.terminal, 1, 'Scopes');
			expect(scopes).toBeGreaterThan(0);
			for (const [row, line] of app.lines().entries()) {
				if (line.includes('metrics') && row > 1) {
					expect(cellOf(app.terminal, row, 'metrics'), line).toBe(scopes);
				}
			}

			expect(app.lines().filter(line => line.includes('metrics'))).toHaveLength(4);
		}

		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type(KEYS.ctrlC);
		expect((await app.exited).exitCode).toBe(0);
		// The exit can be reported before the last bytes (leaving the alternate screen) are read.
		await app.waitFor(() => app.terminal.buffer.active.type === 'normal', {message: 'the normal screen'});
	});
});
