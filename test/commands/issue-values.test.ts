import type {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {decodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {type CliResult, runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

/**
 * `issue` values through the built CLI: what a person types is what the token means, or nothing
 * is written. The grammars themselves are tested case by case in test/tokens; these are the
 * user-visible contract.
 */
let redis: TestRedis;
let raw: Redis;
let db8: string;

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client(8);
	db8 = `--dbs.redis=${redis.url(8)}`;
});

afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());

/** Runs each `issue` in turn's argv, four processes at a time, keeping the order. */
async function issueAll(argvs: readonly string[][]): Promise<CliResult[]> {
	const results: CliResult[] = [];
	for (let start = 0; start < argvs.length; start += 4) {
		// eslint-disable-next-line no-await-in-loop
		results.push(...(await Promise.all(argvs.slice(start, start + 4).map(async argv => runCli(['issue', '-d', 'v', '-s', 'api', ...argv, db8])))));
	}

	return results;
}

async function expectRefused(cases: Array<[string[], RegExp]>): Promise<void> {
	const results = await issueAll(cases.map(([argv]) => argv));
	for (const [index, [argv, message]] of cases.entries()) {
		const result = results[index]!;
		expect(result.exitCode, `${JSON.stringify(argv)}: ${result.stderr}`).toBe(2);
		expect(result.stderr.trim().split('\n'), JSON.stringify(argv)).toHaveLength(1);
		expect(result.stderr, JSON.stringify(argv)).toMatch(message);
		expect(result.stdout, JSON.stringify(argv)).toBe('');
	}

	expect(await raw.dbsize()).toBe(0);
}

const storedRecord = async (token: string) => decodeRecord((await raw.hgetBuffer('tokens', tokenIdOf(token.trim())))!);

describe('dates mean what was typed', () => {
	it('refuses what Date.parse misread, and a time without a zone', async () => {
		await expectRefused([
			[['--expires', '2099-01-15 oct'], /Invalid expiry "2099-01-15 oct": use a duration/],
			[['--expires', '2099-01-01junk'], /Invalid expiry "2099-01-01junk"/],
			[['--expires', '2099-02-29'], /Invalid expiry "2099-02-29": no such date or time/],
			[['--expires', '2099-01-15T09:00'], /a time needs its zone: 2099-01-15T09:00Z for UTC/],
			[['--expires', '1M'], /Invalid expiry "1M"/],
		]);
	});

	it('stores a bare date as 00:00 UTC and a date-time in the zone it names', async () => {
		const [date, zoned, duration] = await issueAll([['--expires', '2099-01-15'], ['--expires', '2099-01-15T09:00+02:00'], ['--expires', '2d']]);
		expect((await storedRecord(date!.stdout))['expires']).toBe(Date.parse('2099-01-15T00:00:00Z'));
		expect((await storedRecord(zoned!.stdout))['expires']).toBe(Date.parse('2099-01-15T07:00:00Z'));
		expect((await storedRecord(duration!.stdout))['expires']).toBeGreaterThan(Date.now());
	});

	it('--help says which zone applies', async () => {
		const help = (await runCli(['issue', '--help'])).stdout;
		expect(help).toMatch(/2027-01-15 is 00:00 UTC/);
		expect(help).toMatch(/a date-time needs\s+its zone/);
	});
});
