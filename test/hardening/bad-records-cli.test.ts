import type {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {decodeExportString} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {ESCAPES, RAW_CONTROL, cliFields, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {plantRecord} from '../helpers/keyspace.js';

/**
 * The issue's records, through the built CLI: one nested 200,000 levels deep made `list --json`,
 * `show` and `export --all` fail for the whole instance; a 1 MB description made `list` fail for
 * everyone. Each command now skips what it cannot read, says so in one line, and goes on.
 */
let redis: TestRedis;
let raw: Redis;
let flag: string;
let good: string;
const DEEP = 'd'.repeat(64);
const LARGE = 'e'.repeat(64);
const MEGABYTE = 1_000_000;
// A megabyte of description, non-ASCII, with escape sequences at both ends of it.
const description = `${ESCAPES[0]}é${'ü'.repeat(MEGABYTE)}${ESCAPES[1]}end`;

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client();
	flag = `--dbs.redis=${redis.url()}`;
	good = (await new TokenStore(redis.client(), '').issue({description: 'a good token', scopes: ['api']})).id;
	await plantRecord(raw, DEEP, deepRecord());
	await plantRecord(raw, LARGE, rawRecord(cliFields(description)));
});
afterAll(async () => redis.stop());

const warning = `ee-tokens: warning: skipped token ${DEEP}: its record cannot be read (nested deeper than 32 levels); ee-tokens revoke -t ID removes it`;

describe('a record nested 200,000 levels deep', () => {
	it('list --json lists the others and warns once, naming its id; exit 0', async () => {
		const result = await runCli(['list', '--json', flag]);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe(warning);
		const listed = JSON.parse(result.stdout) as Array<{id: string}>;
		expect(listed.map(entry => entry.id)).toEqual([LARGE, good].sort().reverse());
	});

	it('list (the table) does the same', async () => {
		const result = await runCli(['list', flag]);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe(warning);
		expect(result.stdout).toContain('a good token');
		expect(result.stdout).not.toContain(DEEP);
	});

	it('export --all exports the others and warns; export -t and show name the record and how to revoke it, exit 6', async () => {
		const all = await runCli(['export', '--all', flag]);
		expect(all.exitCode).toBe(0);
		// The megabyte description is exported too, and said to be more than our import takes.
		const refused = `ee-tokens: warning: the export string of token ${LARGE} is refused by ee-tokens import: "description" is longer than 1024 characters`;
		expect(all.stderr).toBe(`${warning}\n${refused}`);
		const json = await runCli(['export', '--all', '--json', flag]);
		expect(json.stderr).toBe(`${warning}\n${refused}`);
		const items = JSON.parse(json.stdout) as Array<{id: string; export: string}>;
		expect(items.map(item => item.id)).toEqual([LARGE, good].sort().reverse());
		expect(all.stdout.trim().split('\n')).toEqual(items.map(item => item.export));
		expect(decodeExportString(items.find(item => item.id === good)!.export).fields['description']).toBe('a good token');

		const unreadable = `ee-tokens: Token ${DEEP} is stored but its record cannot be read (nested deeper than 32 levels); it can still be revoked: ee-tokens revoke -t ${DEEP}`;
		for (const args of [
			['show', '-t', DEEP],
			['show', '--json', '-t', DEEP],
			['export', '-t', DEEP],
		]) {
			const result = await runCli([...args, flag]);
			expect(result.exitCode, args.join(' ')).toBe(6);
			expect(result.stderr).toBe(unreadable);
			expect(result.stdout).toBe('');
		}
	});
});

describe('a 1 MB description', () => {
	it('list into a pipe: every row stays a row, the description cut at 1,024 characters, exit 0', async () => {
		const result = await runCli(['list', flag]);
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines).toHaveLength(3);
		const row = lines.find(line => line.startsWith(LARGE))!;
		expect(row).toMatch(/éü+…/);
		expect(row.length).toBeLessThan(1300);
		// The other rows are not padded to a megabyte either.
		expect(result.stdout.length).toBeLessThan(5000);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
	});

	it('list on a terminal fits the window', async () => {
		// stdout a terminal 100 columns wide (in-process); test/commands/list-tty.test.ts runs a real one.
		const {exitCode, stdout: output} = await runCli(['list', flag], {terminalColumns: 100});
		expect(exitCode).toBe(0);
		const rows = output.split(/\r?\n/).filter(line => line.startsWith('eeeeeeeeeeee') || line.startsWith(good.slice(0, 12)));
		expect(rows).toHaveLength(2);
		for (const row of rows) {
			expect(row.length, row).toBeLessThanOrEqual(100);
		}

		expect(output).not.toMatch(/\u001B\]0;pwned/);
	});

	it('show prints all of it (it is data), sanitised', async () => {
		const result = await runCli(['show', '-t', LARGE, flag]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toContain(`é${'ü'.repeat(MEGABYTE)}`);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		const json = await runCli(['show', '--json', '-t', LARGE, flag]);
		expect((JSON.parse(json.stdout) as {description: string}).description).toBe(description);
	});
});

describe('revoking a record that cannot be read', () => {
	it('revoke -t ID --yes deletes it, its last use and its index entry; exit 0', async () => {
		const result = await runCli(['revoke', '-t', DEEP, '--yes', flag]);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe(`Revoked token ${DEEP} (its record could not be read: nested deeper than 32 levels)`);
		expect(await raw.hexists('tokens', DEEP)).toBe(0);
		expect(await raw.hexists('tokens:access', DEEP)).toBe(0);
		expect(await raw.sismember('iat', DEEP)).toBe(0);
		const after = await runCli(['list', '--json', flag]);
		expect(after.stderr).toBe('');
	});

	it('many unreadable records: the first 20 named, then one line with the count', async () => {
		const pipeline = raw.pipeline();
		for (let index = 0; index < 50; index++) {
			pipeline.hset('tokens', `${index}`.padStart(64, 'f'), packed('not a record'));
		}

		await pipeline.exec();
		const result = await runCli(['list', '--json', flag]);
		expect(result.exitCode).toBe(0);
		const lines = result.stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(21);
		expect(lines[0]).toMatch(/^ee-tokens: warning: skipped token f+\d+: its record cannot be read \(not a map\)/);
		expect(lines[20]).toBe('ee-tokens: warning: skipped 30 more unreadable token records');
		expect(JSON.parse(result.stdout)).toHaveLength(2);
	});
});

describe('an unreadable record whose id is no 64 hex characters (another writer made it)', () => {
	it('the warning sends its operator to the app, since revoke -t would refuse that id', async () => {
		const odd = 'not-hex';
		// The 50 of the test before would push it past the 20 warnings that are named.
		await raw.hdel('tokens', ...Array.from({length: 50}, (_, index) => `${index}`.padStart(64, 'f')));
		await plantRecord(raw, odd, packed('not a record'));
		try {
			const result = await runCli(['list', '--json', '--query', 'zzz-matches-nothing', flag]);
			expect(result.exitCode).toBe(0);
			expect(result.stderr.split('\n')).toContain(
				`ee-tokens: warning: skipped token ${odd}: its record cannot be read (not a map); its id is no 64 hex characters, so revoke it from its row in the app (ee-tokens)`,
			);
			expect((await runCli(['revoke', '-t', odd, '--yes', flag])).exitCode).toBe(2);
		} finally {
			await raw.multi().hdel('tokens', odd).hdel('tokens:access', odd).srem('iat', odd).exec();
		}
	});
});
