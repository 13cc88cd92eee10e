import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, expect, it} from 'vitest';
import {runInProcess} from '../helpers/cli.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';
import {startApp} from './helpers/in-process-app.js';
import {type AppProcess, KEYS, spawnApp} from './helpers/pty.js';
import {endApp} from './helpers/app-fixture.js';

/**
 * Named instances in the app, under a pty, with two real redis-servers: the header names the
 * instance, the picker (p) switches to the other one and shows its tokens and none of the first's,
 * and a read-only instance says so in the footer and refuses a key that would write.
 */

let alpha: TestRedis;
let beta: TestRedis;
let home: string;
let app: AppProcess | undefined;

beforeAll(async () => {
	[alpha, beta] = await Promise.all([startRedis(), startRedis()]);
	home = mkdtempSync(path.join(tmpdir(), 'ee-tokens-app-instances-'));
	mkdirSync(path.join(home, 'ee-tokens'));
	writeFileSync(
		path.join(home, 'ee-tokens', 'config.toml'),
		`default = "staging"\n\n[instances.staging]\nredis = "${alpha.url(8)}"\ncolor = "green"\n\n[instances.prod]\nredis = "${beta.url(8)}"\nreadOnly = true\ncolor = "red"\n\n[instances.gone]\nredis = "redis://:sekrit@127.0.0.1:${await freePort()}/8"\n\n[instances.spare]\nredis = "${beta.url(9)}"\n`,
		{mode: 0o600},
	);
	for (const [redis, description] of [
		[alpha, 'alpha staging token'],
		[beta, 'beta prod token'],
	] as const) {
		const issued = await runInProcess(['issue', '-d', description, '-s', 'api', `--dbs.redis=${redis.url(8)}`]);
		expect(issued.exitCode, issued.stderr).toBe(0);
	}
});

afterEach(async () => {
	await endApp(app);
	app = undefined;
});

afterAll(async () => {
	await Promise.all([alpha?.stop(), beta?.stop()]);
	if (home) {
		rmSync(home, {recursive: true, force: true});
	}
});

/** In this process, or on a pty for a case that reads colour (chalk's level is a process's own). */
const start = (args: string[] = [], {onPty = false} = {}) => {
	app = (onPty ? spawnApp : startApp)(args, {env: {XDG_CONFIG_HOME: home, XDG_STATE_HOME: path.join(home, 'state')}});
	return app;
};

const headerOf = (screen: string) => screen.split('\n')[0]!;

/** Whether the footer's hint for `label` is greyed (dim) and the header's instance name coloured as the config says. */
const footerDim = (started: AppProcess, label: string) => {
	const lines = started.lines();
	const row = lines.findLastIndex(line => line.trim() !== '');
	return started.terminal.buffer.active.getLine(row)!.getCell(lines[row]!.indexOf(label))!.isDim() !== 0;
};

/** The 256-colour palette index the header's first cell of `text` is drawn in (green 2, red 1). */
const headerColor = (started: AppProcess, text: string) => {
	const cell = started.terminal.buffer.active.getLine(0)!.getCell(started.lines()[0]!.indexOf(text))!;
	return cell.isFgPalette() ? cell.getFgColor() : undefined;
};
const footerOf = (screen: string) => screen.trimEnd().split('\n').at(-1)!;

it('the header names the default instance; the picker switches to the other, whose tokens replace the first ones', async () => {
	const started = start([], {onPty: true});
	const first = await started.waitFor('alpha staging token', {message: 'the default instance’s token'});
	expect(headerOf(first)).toMatch(/^ \[staging\] ee-tokens redis:\/\/127\.0\.0\.1:\d+\/8 {2}prefix: \(none\)/);
	expect(footerOf(first)).not.toContain('READ-ONLY');
	expect(footerDim(started, 'n new')).toBe(false);
	expect(headerColor(started, '[staging]')).toBe(2);
	// A mark on the first instance's row must not survive the switch.
	await started.type(KEYS.space);
	await started.waitFor('1 marked');
	await started.type('p');
	const picker = await started.waitFor('Switch to another instance');
	expect(picker).toMatch(/› \* \[staging\] +writable +redis:\/\/127\.0\.0\.1:\d+\/8/);
	expect(picker).toMatch(/ {4}\[prod\] +read-only +redis:\/\/127\.0\.0\.1:\d+\/8/);
	expect(picker).toMatch(/ {4}\[gone\] +writable +redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/8/);
	await started.type(`${KEYS.down}${KEYS.enter}`);
	const switched = await started.waitFor(screen => screen.includes('beta prod token') && headerOf(screen).includes('[prod]'), {
		message: 'the other instance’s table',
	});
	expect(headerOf(switched)).toContain(`127.0.0.1:${beta.port}/8`);
	expect(switched).not.toContain('alpha staging token');
	expect(switched).not.toContain('marked');
	expect(footerOf(switched)).toMatch(/^ READ-ONLY │/);
	// The keys that would write are greyed; reading ones are not. The name is red, as prod's colour says.
	expect(footerDim(started, 'n new')).toBe(true);
	expect(footerDim(started, 'd revoke')).toBe(true);
	expect(footerDim(started, '/ filter')).toBe(false);
	expect(headerColor(started, '[prod]')).toBe(1);
	// A key that would write is refused with one line, and the picker goes back to staging.
	const before = await dumpKeyspace(beta.client(8));
	await started.type('n');
	await started.waitFor('Instance prod is read-only: issuing a token would write to it; nothing was done');
	await started.type('d');
	await started.waitFor('Instance prod is read-only: revoking would write to it');
	expect(started.screen()).not.toContain('Revoke this token?');
	await started.type(`${KEYS.enter}E`);
	await started.waitFor('Instance prod is read-only: editing would write to it');
	expect(await dumpKeyspace(beta.client(8))).toBe(before);
	await started.type(`${KEYS.escape}p${KEYS.up}${KEYS.enter}`);
	const back = await started.waitFor(screen => screen.includes('alpha staging token') && headerOf(screen).includes('[staging]'));
	expect(back).not.toContain('beta prod token');
	expect(footerOf(back)).not.toContain('READ-ONLY');
	// A switch to a Redis that is not there is said in the picker, and the app stays where it was.
	await started.type(`p${KEYS.down}${KEYS.down}${KEYS.enter}`);
	const failed = await started.waitFor('Could not switch to gone');
	// One reason, wrapped over the lines it needs: the store's own, the URL masked, the instance named.
	expect(failed.replaceAll(/\s+/g, ' ')).toMatch(
		/Could not switch to gone: Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/8 \(instance gone\) \(ECONNREFUSED\); still on staging/,
	);
	await started.type(KEYS.escape);
	const stayed = await started.waitFor(screen => !screen.includes('Switch to another instance'));
	expect(headerOf(stayed)).toContain('[staging]');
	expect(stayed).toContain('alpha staging token');
	// The password in the config file never reached the terminal, masked everywhere it was shown.
	expect(started.output()).not.toContain('sekrit');
});

it('--read-only makes any connection read-only in the app too', async () => {
	const started = start(['--read-only', `--dbs.redis=${alpha.url(8)}`]);
	const first = await started.waitFor('alpha staging token');
	expect(headerOf(first)).not.toContain('[');
	expect(footerOf(first)).toMatch(/^ READ-ONLY │/);
	await started.type('i');
	await started.waitFor('Read-only (--read-only): importing would write to it; nothing was done (start without --read-only to allow it)');
	expect(started.screen()).not.toContain('Paste');
	// A copy to another instance writes too: refused before anything opens.
	await started.type('C');
	await started.waitFor('Read-only (--read-only): copying to another instance would write to it; nothing was done');
	expect(started.screen()).not.toContain('to which instance?');
});

it('C copies the marked token to another instance as the import writes it: the plan first; there already, read-only, this instance and an absent Redis are said', async () => {
	const started = start();
	await started.waitFor('alpha staging token');
	await started.type(KEYS.space);
	await started.waitFor('1 marked');
	await started.type('C');
	// The cursor starts on the first instance a copy can go to: prod is read-only, so gone.
	const picker = await started.waitFor('Copy the marked token to which instance?');
	expect(picker).toMatch(/› {3}\[gone\]/);
	await started.type(KEYS.enter);
	const failed = await started.waitFor('Could not copy to gone');
	expect(failed.replaceAll(/\s+/g, ' ')).toMatch(/Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/8 \(instance gone\)/);
	await started.type(KEYS.escape);
	await started.waitFor(screen => !screen.includes('Could not copy'));
	expect(await beta.client(9).hlen('tokens')).toBe(0);
	// A Redis that does not answer need not be waited out: Esc while its plan is read picks again.
	await beta.client(0).call('CLIENT', 'PAUSE', '3000', 'ALL');
	await started.type(`C${KEYS.down}${KEYS.enter}`);
	await started.waitFor('Reading what spare holds');
	await started.type(KEYS.escape);
	await started.waitFor('Copy the marked token to which instance?', {timeout: 2000});
	await started.type(KEYS.escape);
	await started.waitFor(screen => !screen.includes('Copy the marked token'));
	await beta.client(0).call('CLIENT', 'UNPAUSE');
	// spare: the plan, then Enter copies.
	await started.type(`C${KEYS.down}${KEYS.enter}`);
	await started.waitFor('1 token to copy');
	expect(await beta.client(9).hlen('tokens')).toBe(0);
	await started.type(KEYS.enter);
	await started.waitFor('Copied 1 token to spare.');
	await started.type(KEYS.enter);
	await started.waitFor('✓ Copied 1 token to spare');
	// What an export of it imported there would be: the same token, bound to nothing, in the index.
	const [id] = await alpha.client(8).hkeys('tokens');
	const copied = await runInProcess(['show', '-t', id!, '--json', `--dbs.redis=${beta.url(9)}`]);
	expect(copied.exitCode, copied.stderr).toBe(0);
	expect(JSON.parse(copied.stdout)).toMatchObject({id, description: 'alpha staging token', scopes: ['api']});
	expect(await beta.client(9).sismember('iat', id!)).toBe(1);
	// Again: there already, nothing to copy.
	await started.type(`C${KEYS.down}${KEYS.enter}`);
	await started.waitFor('1 token already there, the same: left alone');
	expect(started.screen()).toContain('Nothing to copy: Enter closes.');
	// Esc there picks another: the list again, the cursor on gone; prod is above it.
	await started.type(`${KEYS.escape}${KEYS.up}${KEYS.enter}`);
	await started.waitFor('Instance prod is read-only: copying would write to it; nothing was done');
	await started.type(`${KEYS.up}${KEYS.enter}`);
	await started.waitFor('staging is the instance the app is on: pick another to copy to');
	expect(await dumpKeyspace(beta.client(8))).not.toContain(id!);
});
