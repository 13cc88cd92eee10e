import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {runInProcess} from '../helpers/cli.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';

/**
 * Named instances from scripts, against two real redis-servers: each command goes where the
 * instance says and nowhere else, across two servers, two databases of one server and two key
 * prefixes of one database; a read-only instance refuses every write and leaves Redis as it was.
 */

let one: TestRedis;
let two: TestRedis;
let home: string;
let xdg: string;
const clients: Record<string, Redis> = {};

const CONFIG = (first: TestRedis, second: TestRedis) => `
default = "a"

[instances.a]
redis = "${first.url(8)}"
color = "green"

[instances.b]
redis = "redis://:hunter2@127.0.0.1:${second.port}/8"

[instances.a9]
redis = "${first.url(9)}"

[instances.ap]
redis = "${first.url(8)}"
prefix = "pfx"

[instances.ro]
redis = "redis://:${'hunter2'}@127.0.0.1:${second.port}/8"
readOnly = true
color = "red"

[instances.bfile]
redisFile = "b.url"
`;

beforeAll(async () => {
	[one, two] = await Promise.all([startRedis(), startRedis()]);
	// The second server wants a password (set once it runs: the harness's readiness probe has none),
	// so an instance's URL holds one and nothing may show it.
	await two.client(0).config('SET', 'requirepass', 'hunter2');
	home = mkdtempSync(path.join(tmpdir(), 'ee-tokens-instances-'));
	xdg = path.join(home, 'config');
	mkdirSync(path.join(xdg, 'ee-tokens'), {recursive: true});
	writeFileSync(path.join(xdg, 'ee-tokens', 'config.toml'), CONFIG(one, two), {mode: 0o600});
	writeFileSync(path.join(xdg, 'ee-tokens', 'b.url'), `redis://:hunter2@127.0.0.1:${two.port}/8\n`);
	clients['one8'] = one.client(8);
	clients['one9'] = one.client(9);
	// The second server wants a password: its raw client gets it too.
	const {Redis} = await import('ioredis');
	clients['two8'] = new Redis({port: two.port, db: 8, password: 'hunter2', maxRetriesPerRequest: 1});
});

afterAll(async () => {
	clients['two8']?.disconnect();
	await Promise.all([one?.stop(), two?.stop()]);
	if (home) {
		rmSync(home, {recursive: true, force: true});
	}
});

beforeEach(async () => {
	await one.flush();
	await clients['two8']!.flushall();
});

const run = async (args: readonly string[], env: Record<string, string> = {}, input?: string) =>
	runInProcess(args, {env: {XDG_CONFIG_HOME: xdg, XDG_STATE_HOME: path.join(home, 'state'), ...env}, input});

const issue = async (...args: string[]) => {
	const result = await run(['issue', '-d', 'made here', '-s', 'api', '--json', ...args]);
	expect(result.exitCode, result.stderr).toBe(0);
	return (JSON.parse(result.stdout) as {id: string}).id;
};

const ids = async (...args: string[]) => {
	const result = await run(['list', '--json', ...args]);
	expect(result.exitCode, result.stderr).toBe(0);
	return (JSON.parse(result.stdout) as Array<{id: string}>).map(token => token.id).sort();
};

/** Every key and value of every place an instance may point at. */
const everything = async () =>
	Object.fromEntries(await Promise.all(Object.entries(clients).map(async ([name, client]) => [name, await dumpKeyspace(client)] as const)));

describe('each command goes where its instance says, and nowhere else', () => {
	it.each([
		['two servers', 'a', 'b'],
		['two databases of one server', 'a', 'a9'],
		['two key prefixes of one database', 'a', 'ap'],
	])('%s', async (_what, first, second) => {
		const inFirst = await issue('--instance', first);
		const inSecond = await issue(`--instance=${second}`);
		expect(await ids('--instance', first)).toEqual([inFirst]);
		expect(await ids('--instance', second)).toEqual([inSecond]);
		// And the raw keyspace agrees: each id is in one place only.
		const dumps = await everything();
		const holding = (id: string) => Object.keys(dumps).filter(name => dumps[name]!.includes(id));
		expect(holding(inFirst)).toEqual(['one8']);
		expect(holding(inSecond)).toEqual([{b: 'two8', a9: 'one9', ap: 'one8'}[second]]);
		if (second === 'ap') {
			expect(await clients['one8']!.hexists('pfx:tokens', inSecond)).toBe(1);
			expect(await clients['one8']!.hexists('tokens', inSecond)).toBe(0);
		}

		// show, export and revoke by id reach their own instance's token only.
		expect((await run(['show', '-t', inSecond, '--instance', first])).exitCode).toBe(4);
		const exported = await run(['export', '-t', inSecond, '--instance', second]);
		expect(exported.exitCode, exported.stderr).toBe(0);
		const revoked = await run(['revoke', '-t', inSecond, '--yes', '--instance', second]);
		expect(revoked.exitCode, revoked.stderr).toBe(0);
		expect(await ids('--instance', second)).toEqual([]);
		expect(await ids('--instance', first)).toEqual([inFirst]);
		// An export string of one imports into the other.
		const imported = await run(['import', '-t', exported.stdout, '--instance', first]);
		expect(imported.exitCode, imported.stderr).toBe(0);
		expect(await ids('--instance', first)).toEqual([inFirst, inSecond].sort());
	});

	it('without --instance: EE_TOKENS_INSTANCE, else EENGINE_REDIS, else the default instance', async () => {
		const inA = await issue();
		expect(await ids('--instance', 'a')).toEqual([inA]);
		const inB = await issue();
		expect(await ids('--instance', 'a')).toEqual([inA, inB].sort());
		const viaEnv = await run(['list', '--json'], {EE_TOKENS_INSTANCE: 'bfile'});
		expect(viaEnv.exitCode, viaEnv.stderr).toBe(0);
		expect(JSON.parse(viaEnv.stdout)).toEqual([]);
		const viaEngine = await run(['list', '--json'], {EENGINE_REDIS: one.url(9)});
		expect(JSON.parse(viaEngine.stdout)).toEqual([]);
		// --dbs.redis wins over the instance in the environment, and says so.
		const flagged = await run(['list', '--json', `--dbs.redis=${one.url(8)}`], {EE_TOKENS_INSTANCE: 'b'});
		expect((JSON.parse(flagged.stdout) as unknown[]).length).toBe(2);
		expect(flagged.stderr).toBe(`ee-tokens: using --dbs.redis ${one.url(8)}, not EE_TOKENS_INSTANCE b`);
	});

	it('--dbs.redis with --instance, an unknown instance, a missing config: exit 2, one line, nothing touched', async () => {
		const before = await everything();
		for (const [args, env, message] of [
			[
				['issue', '--instance', 'a', `--dbs.redis=${one.url(8)}`],
				{},
				/^ee-tokens: --dbs\.redis and --instance both name a Redis: give one of them$/,
			],
			[
				['issue', '--instance', 'a99'],
				{},
				/^ee-tokens: Unknown instance "a99" \(--instance\); did you mean a9\? The instances in .* are a, b, a9, ap, ro, bfile$/,
			],
			[
				['list', '--instance', 'a'],
				{XDG_CONFIG_HOME: path.join(home, 'none')},
				/^ee-tokens: --instance "a": there is no config file at .*none\/ee-tokens\/config\.toml;/,
			],
		] as const) {
			const result = await run(args, env);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stderr).toMatch(message);
		}

		expect(await everything()).toEqual(before);
	});
});

it('an instance whose Redis is not there is exit 3 naming the instance, and never the embedded Redis', async () => {
	const elsewhere = path.join(home, 'gone-config');
	mkdirSync(path.join(elsewhere, 'ee-tokens'), {recursive: true});
	const port = await freePort();
	writeFileSync(
		path.join(elsewhere, 'ee-tokens', 'config.toml'),
		`default = "gone"\n[instances.gone]\nredis = "redis://127.0.0.1:${port}/8"\n`,
	);
	for (const args of [['list'], ['list', '--instance', 'gone']]) {
		const result = await run(args, {XDG_CONFIG_HOME: elsewhere});
		expect([result.exitCode, result.stdout, result.stderr]).toEqual([
			3,
			'',
			`ee-tokens: Cannot connect to Redis at redis://127.0.0.1:${port}/8 (instance gone) (ECONNREFUSED)`,
		]);
	}

	expect(readdirSync(home)).not.toContain('state');
});

describe('a read-only instance', () => {
	it('refuses every write before anything is read or written: exit 2, one line, Redis byte-identical', async () => {
		// A token and a journal to act on, made through the writable name of the same Redis.
		const id = await issue('--instance', 'b', '-a', 'acme');
		const exported = (await run(['export', '-t', id, '--instance', 'b'])).stdout;
		await clients['two8']!.hset('settings', 'tokenAuditLog', 'false');
		const before = await everything();
		const journal = path.join(home, 'no-such-journal.jsonl');
		const writes: Array<[string, string[], string?]> = [
			['issue', ['issue', '-d', 'x', '-s', 'api']],
			['tokens issue', ['tokens', 'issue', '-d', 'x', '-s', 'api']],
			['import', ['import', '-t', exported]],
			['import from stdin', ['import', '-t', '-'], `${exported}\n`],
			['tokens import', ['tokens', 'import', '-t', exported]],
			['revoke', ['revoke', '-t', id, '--yes']],
			['revoke by selection', ['revoke', '--account', 'acme', '--yes']],
			['rotate', ['rotate', '-t', id, '--grace', '0']],
			['edit', ['edit', '-t', id, '--extend', '30d']],
			['settings', ['settings', 'audit-log', 'on']],
			['restore', ['restore', '--journal', journal]],
			['serve', ['serve', '--port', '0']],
		];
		for (const [what, args, input] of writes) {
			const command = args[0] === 'tokens' ? args[1] : args[0];
			for (const [how, flags, message] of [
				[
					'readOnly = true',
					['--instance', 'ro'],
					`ee-tokens: Instance ro is read-only: ${command} would write to it; nothing was done (set readOnly = false in the config file)`,
				],
				[
					'--read-only',
					['--instance', 'b', '--read-only'],
					`ee-tokens: --read-only is given: ${command} would write to it; nothing was done (drop --read-only)`,
				],
			] as const) {
				const result = await run([...args, ...flags], {}, input);
				expect([result.exitCode, result.stdout, result.stderr], `${what} (${how})`).toEqual([2, '', message]);
			}
		}

		expect(await everything()).toEqual(before);
		expect(readdirSync(home)).not.toContain('state');
	});

	it('is read-only when reached by its URL too: --dbs.redis, EENGINE_REDIS, or a sync --to', async () => {
		await issue('--instance', 'a');
		const before = await everything();
		const url = `redis://:hunter2@127.0.0.1:${two.port}/8`;
		const refused =
			'ee-tokens: Instance ro is read-only: issue would write to it; nothing was done (set readOnly = false in the config file)';
		for (const [args, env] of [
			[['issue', '-d', 'x', '-s', 'api', `--dbs.redis=${url}`], {}],
			[['issue', '-d', 'x', '-s', 'api'], {EENGINE_REDIS: url}],
		] as const) {
			const result = await run(args, env);
			expect([result.exitCode, result.stdout, result.stderr]).toEqual([2, '', refused]);
		}

		const synced = await run(['sync', '--from', 'a', '--to', url, '--yes']);
		expect([synced.exitCode, synced.stderr]).toEqual([
			2,
			'ee-tokens: Instance ro is read-only: sync to --to would write to it; nothing was done (set readOnly = false in the config file)',
		]);
		expect(await everything()).toEqual(before);
		// Another database of that server is no instance's: writable.
		expect((await run(['issue', '-d', 'x', '-s', 'api', `--dbs.redis=redis://:hunter2@127.0.0.1:${two.port}/7`])).exitCode).toBe(0);
	});

	it('reads as any instance does, and the commands that only read with a flag are let through', async () => {
		const id = await issue('--instance', 'b', '-a', 'acme');
		const before = await everything();
		for (const args of [
			['list'],
			['show', '-t', id],
			['export', '--all'],
			['review'],
			['settings', 'audit-log'],
			['revoke', '--account', 'acme', '--dry-run'],
			['can', '-t', id, 'GET', '/v1/account/acme'],
		]) {
			const result = await run([...args, '--instance', 'ro']);
			expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
			expect(result.stderr).not.toContain('hunter2');
		}

		expect(await everything()).toEqual(before);
	});
});

describe('ee-tokens instances', () => {
	it('lists name, masked URL, prefix, read-only and colour, the default marked', async () => {
		const listed = await run(['instances']);
		expect(listed.exitCode, listed.stderr).toBe(0);
		// Columns two spaces apart at least, as list's table.
		expect(listed.stdout.split('\n').map(line => line.trim().split(/ {2,}/))).toEqual([
			['NAME', 'REDIS', 'PREFIX', 'READ-ONLY', 'COLOUR'],
			['*', 'a', one.url(8), '-', 'no', 'green'],
			['b', `redis://:***@127.0.0.1:${two.port}/8`, '-', 'no', '-'],
			['a9', one.url(9), '-', 'no', '-'],
			['ap', one.url(8), 'pfx', 'no', '-'],
			['ro', `redis://:***@127.0.0.1:${two.port}/8`, '-', 'yes', 'red'],
			['bfile', `(in file ${path.join(xdg, 'ee-tokens', 'b.url')})`, '-', 'no', '-'],
		]);
		expect(listed.stdout + listed.stderr).not.toContain('hunter2');
		const json = JSON.parse((await run(['instances', '--json'])).stdout) as Array<Record<string, unknown>>;
		expect(json.map(instance => instance['name'])).toEqual(['a', 'b', 'a9', 'ap', 'ro', 'bfile']);
		expect(json[4]).toEqual({
			name: 'ro',
			redis: `redis://:***@127.0.0.1:${two.port}/8`,
			redisFile: null,
			redisEnv: null,
			prefix: null,
			readOnly: true,
			color: 'red',
			default: false,
		});
		expect(json[0]!['default']).toBe(true);
	});

	it('without a config file: where it would be and how to start one, exit 0; --json is []', async () => {
		const none = path.join(home, 'none');
		const told = await run(['instances'], {XDG_CONFIG_HOME: none});
		expect([told.exitCode, told.stdout]).toEqual([0, '']);
		expect(told.stderr).toMatch(new RegExp(`^No config file at ${none}/ee-tokens/config\\.toml: .*\\[instances\\.NAME\\]`));
		expect(await run(['instances', '--json'], {XDG_CONFIG_HOME: none})).toEqual({exitCode: 0, stdout: '[]', stderr: ''});
	});
});

describe('diff and sync between named instances', () => {
	it.each([
		['two servers', 'a', 'b'],
		['two databases of one server', 'a', 'a9'],
		['two key prefixes of one database', 'a', 'ap'],
	])('%s: --from and --to take instance names, and the plan names them', async (_what, first, second) => {
		const made = await issue('--instance', first);
		const before = await run(['diff', '--from', first, '--to', second]);
		expect(before.exitCode, before.stderr).toBe(1);
		expect(before.stdout).toContain(`--from ${first} (`);
		const synced = await run(['sync', '--from', first, '--to', second, '--yes']);
		expect(synced.exitCode, synced.stderr).toBe(0);
		expect(synced.stderr).toMatch(new RegExp(`^Sync from ${first} \\(.*\\) to ${second} \\(`));
		expect(synced.stderr).not.toContain('hunter2');
		expect(await ids('--instance', second)).toEqual([made]);
		expect((await run(['diff', '--from', first, '--to', second])).exitCode).toBe(0);
		// A second run copies nothing.
		expect((await run(['sync', '--from', first, '--to', second, '--yes'])).stderr).toContain('Nothing to copy.');
	});

	it('a read-only --to refuses sync before anything is opened (its dry run and diff are let through); --read-only too', async () => {
		await issue('--instance', 'a');
		const before = await everything();
		const refused = await run(['sync', '--from', 'a', '--to', 'ro', '--yes']);
		expect([refused.exitCode, refused.stderr]).toEqual([
			2,
			'ee-tokens: Instance ro is read-only: sync to --to would write to it; nothing was done (set readOnly = false in the config file)',
		]);
		const flagged = await run(['sync', '--from', 'a', '--to', 'b', '--yes', '--read-only']);
		expect([flagged.exitCode, flagged.stderr]).toEqual([
			2,
			'ee-tokens: --read-only is given: sync to --to would write to it; nothing was done (drop --read-only)',
		]);
		expect(await everything()).toEqual(before);
		expect((await run(['sync', '--from', 'a', '--to', 'ro', '--dry-run'])).exitCode).toBe(0);
		expect((await run(['diff', '--from', 'ro', '--to', 'a'])).exitCode).toBe(1);
		// Copying FROM a read-only instance writes nothing to it.
		const fromReadOnly = await run(['sync', '--from', 'ro', '--to', 'a9', '--yes']);
		expect(fromReadOnly.exitCode, fromReadOnly.stderr).toBe(0);
	});

	it('an unknown name, a prefix flag with a name, --instance: exit 2, one line', async () => {
		const unknown = await run(['diff', '--from', 'prd', '--to', 'a']);
		expect([unknown.exitCode, unknown.stderr.split('\n').length]).toEqual([2, 1]);
		expect(unknown.stderr).toMatch(/^ee-tokens: Unknown instance "prd" \(--from\)/);
		const prefixed = await run(['diff', '--from', 'a', '--from-prefix', 'x', '--to', 'b']);
		expect(prefixed.stderr).toBe('ee-tokens: --from-prefix with instance "a": the instance names its own prefix in the config file');
		const global = await run(['diff', '--from', 'a', '--to', 'b', '--instance', 'a']);
		expect(global.exitCode).toBe(2);
		expect(global.stderr).toContain('--instance names neither');
		const hostish = await run(['diff', '--from', 'user:hunter2@host', '--to', 'a']);
		expect(hostish.stderr).toBe(
			'ee-tokens: --from (17 characters) is neither a Redis URL (redis://, rediss:// or unix://) nor an instance name',
		);
	});
});
