import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeExportString, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {RAW_CONTROL} from '../helpers/hostile-records.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

/** How the CLI shows records whose fields another writer gave an unusual type (compatibility §2). */
let redis: TestRedis;
let flag: string;
const NUMERIC = '1'.repeat(64);

beforeAll(async () => {
	redis = await startRedis();
	flag = `--dbs.redis=${redis.url()}`;
	// EmailEngine's CLI stores `-a 12345` as an integer, indexed under iat:12345 (compatibility §4).
	const record = encodeRecord({created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'from the EmailEngine CLI'});
	await plantRecord(redis.client(), NUMERIC, record, 12_345);
});
afterAll(async () => redis.stop());

describe('tokens that can never authenticate are listed, and marked', () => {
	const MALFORMED = '2'.repeat(64);
	beforeAll(async () => {
		const record = encodeRecord({
			created: 1_790_000_000_000,
			scopes: 'api',
			description: 'scopes as text',
			'\u001B]0;pwned\u0007': 'hostile key',
		});
		await plantRecord(redis.client(), MALFORMED, record);
	});
	afterAll(async () => {
		await redis.client().multi().hdel('tokens', MALFORMED).hdel('tokens:access', MALFORMED).srem('iat', MALFORMED).exec();
	});

	it('list and list --json show them, with one warning each on stderr', async () => {
		const warnings = [
			`ee-tokens: warning: token ${NUMERIC} can never authenticate: account is a number, which no request names`,
			`ee-tokens: warning: token ${MALFORMED} can never authenticate: scopes is text, not a list`,
		];
		for (const args of [['list'], ['list', '--json']]) {
			const result = await runCli([...args, flag]);
			expect(result.exitCode).toBe(0);
			expect(result.stderr.split('\n').sort()).toEqual(warnings.sort());
			expect(result.stdout).toContain('scopes as text');
			expect(result.stdout).toContain('from the EmailEngine CLI');
		}
	});

	it("show says why on an `unusable` line, and the record's keys reach the terminal sanitised", async () => {
		const result = await runCli(['show', '-t', MALFORMED, flag]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/^unusable +scopes is text, not a list: EmailEngine refuses every request$/m);
		expect(result.stdout).toContain('\uFFFD]0;pwned\uFFFD');
		expect(result.stdout).not.toMatch(/[\u0007\u001B]/);
		const numeric = await runCli(['show', '-t', NUMERIC, flag]);
		expect(numeric.stdout).toMatch(/^unusable +account is a number, which no request names: EmailEngine refuses every request$/m);
		// The JSON shapes are EmailEngine's: no extra key.
		const json = await runCli(['show', '--json', '-t', MALFORMED, flag]);
		expect(Object.keys(JSON.parse(json.stdout) as object)).not.toContain('unusable');
	});
});

describe('an integer account', () => {
	it('list --json and show --json show it as a number, as EmailEngine does (compatibility §2)', async () => {
		for (const args of [
			['list', '--json'],
			['list', '--json', '--account', '12345'],
			['show', '--json', '-t', NUMERIC],
		]) {
			const result = await runCli([...args, flag]);
			expect(result.exitCode, args.join(' ')).toBe(0);
			expect(result.stdout, args.join(' ')).toContain(`{"id":"${NUMERIC}","account":12345,`);
		}
	});

	it('revoke takes it out of iat:12345', async () => {
		const result = await runCli(['revoke', '-t', NUMERIC, '--yes', flag]);
		expect(result.exitCode).toBe(0);
		expect(await redis.client().sismember('iat:12345', NUMERIC)).toBe(0);
	});
});

describe('import refuses export strings whose known fields have the wrong shape', () => {
	const id = 'a1'.repeat(32);
	const exportOf = (fields: Record<string, unknown>) =>
		encodeExportString(id, {created: 1_790_000_000_000, scopes: ['api'], description: 'imported', ...fields});
	const cases: Array<[Record<string, unknown>, string]> = [
		[{restrictions: {addresses: '10.0.0.1'}}, '"restrictions.addresses" must be a list of IP addresses or CIDR ranges'],
		[{restrictions: {referrers: ['https://x.example.com/*', 42]}}, '"restrictions.referrers[1]" is not a referrer pattern'],
		[
			{restrictions: {rateLimit: {maxRequests: -1, timeWindow: 60}}},
			'"restrictions.rateLimit" must be {maxRequests, timeWindow}, two positive integers',
		],
		[{description: 'd'.repeat(1025)}, '"description" is longer than 1024 characters'],
		[{account: {id: 'example'}}, '"account" must be text'],
		[{scopes: 'api'}, '"scopes" must be a list of "*", "api", "metrics", "smtp", "imap-proxy", "mcp"'],
		[{expires: 'tomorrow'}, '"expires" must be a date'],
		[{permissions: {}}, '"permissions" is malformed'],
	];

	it('one string: exit 5 and the reason in one line, nothing written, Redis not even needed', async () => {
		for (const [fields, reason] of cases) {
			const result = await runCli(['import', '-t', exportOf(fields), flag]);
			expect(result.exitCode, reason).toBe(5);
			expect(result.stderr).toBe(`ee-tokens: Invalid export string: ${reason}`);
		}

		const unreachable = await runCli(['import', '-t', exportOf(cases[0]![0]), '--dbs.redis=redis://127.0.0.1:1/8']);
		expect(unreachable.exitCode).toBe(5);
		expect(await redis.client().hexists('tokens', id)).toBe(0);
	});

	it('many strings on stdin: each refused line named with its reason, the valid ones imported, exit 5', async () => {
		const before = await dumpKeyspace(redis.client());
		const good = encodeExportString('a2'.repeat(32), {created: 1, scopes: ['api'], description: 'fine'});
		const input = `${cases.map(([fields]) => exportOf(fields)).join('\n')}\n${good}\n`;
		const result = await runCli(['import', '-t', '-', flag], {input});
		expect(result.exitCode).toBe(5);
		const lines = result.stderr.split('\n');
		expect(lines.slice(0, cases.length)).toEqual(cases.map(([, reason], index) => `line ${index + 1}: Invalid export string: ${reason}`));
		expect(lines.at(-1)).toBe(`Imported 1, already present 0, invalid ${cases.length}`);
		expect(await redis.client().hexists('tokens', id)).toBe(0);
		expect(await redis.client().hexists('tokens', 'a2'.repeat(32))).toBe(1);
		await redis.client().multi().hdel('tokens', 'a2'.repeat(32)).hdel('tokens:access', 'a2'.repeat(32)).srem('iat', 'a2'.repeat(32)).exec();
		expect(await dumpKeyspace(redis.client())).toEqual(before);
	});

	it('a prepared token of the wrong shape: serve logs the fatal line and exits 1 before listening', async () => {
		const value = exportOf({restrictions: {addresses: 'everywhere'}});
		const result = await runCli(['serve', '--port', '0', flag, '--preparedToken', value]);
		expect(result.exitCode).toBe(1);
		const lines = result.stdout
			.split('\n')
			.filter(Boolean)
			.map(line => JSON.parse(line) as Record<string, unknown>);
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({level: 60, msg: 'Invalid API token provided', inputLength: value.length});
		expect(JSON.stringify(lines[0])).toContain('restrictions.addresses');
		expect(await redis.client().hexists('tokens', id)).toBe(0);
	});
});

describe('JSON output on a terminal', () => {
	it('show --json and revoke --json escape C1 controls and bidi overrides, as list --json does', async () => {
		const id = '3'.repeat(64);
		const description = 'csi \u009B31m, bidi \u202Egnp.exe, del \u007F';
		const record = encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description, ['key \u009B2J']: 'v'});
		await plantRecord(redis.client(), id, record);
		for (const args of [
			['list', '--json'],
			['show', '--json', '-t', id],
			['revoke', '--json', '--yes', '-t', id],
		]) {
			const result = await runCli([...args, flag]);
			expect(result.exitCode, args.join(' ')).toBe(0);
			expect(result.stdout, args.join(' ')).not.toMatch(RAW_CONTROL);
			expect(result.stdout, args.join(' ')).toContain('csi \\u009b31m, bidi \\u202egnp.exe, del \\u007f');
			const parsed = JSON.parse(result.stdout) as Record<string, unknown> | Array<Record<string, unknown>>;
			const entry = Array.isArray(parsed) ? parsed.find(item => item['id'] === id)! : parsed;
			expect(entry['description']).toBe(description);
		}
	});
});
