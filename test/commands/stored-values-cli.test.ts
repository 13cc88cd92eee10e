import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {EMPTY_ACCESS, encodeRecord} from '../../source/tokens/index.js';
import {runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

/** How the CLI shows records whose fields another writer gave an unusual type (spec §9.1, §9.2). */
let redis: TestRedis;
let flag: string;
const NUMERIC = '1'.repeat(64);

beforeAll(async () => {
	redis = await startRedis();
	flag = `--dbs.redis=${redis.url()}`;
	// EmailEngine's CLI stores `-a 12345` as an integer, indexed under iat:12345 (spec §4).
	const record = encodeRecord({created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'from the EmailEngine CLI'});
	await redis.client().multi().hset('tokens', NUMERIC, record).hset('tokens:access', NUMERIC, EMPTY_ACCESS).sadd('iat:12345', NUMERIC).exec();
});
afterAll(async () => redis.stop());

describe('an integer account', () => {
	it('list --json and show --json show it as a number, as EmailEngine does (spec §9.1)', async () => {
		for (const args of [['list', '--json'], ['list', '--json', '--account', '12345'], ['show', '--json', '-t', NUMERIC]]) {
			// eslint-disable-next-line no-await-in-loop
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
