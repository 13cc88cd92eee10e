import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeMsgpack, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {serveInProcess} from '../helpers/serve.js';
import {startApp} from '../ui/helpers/in-process-app.js';
import {KEYS} from '../ui/helpers/pty.js';

/**
 * Records no Date can hold (a number beyond ±8.64e15 ms, a msgpack timestamp whose seconds
 * overflow) are data like any other in Redis: every front end shows them, none crashes on them.
 */
let redis: TestRedis;
const HUGE = 'a'.repeat(64);
const OVERFLOW = 'b'.repeat(64);
// msgpack timestamp 96 (ext8, 12 bytes, type -1): 0 ns and 2^62 seconds, far beyond a Date.
const overflowingTimestamp = Buffer.from('c70cff000000004000000000000000', 'hex');

beforeAll(async () => {
	redis = await startRedis();
	const client = redis.client();
	await client.hset('tokens', HUGE, encodeRecord({created: 1e300, expires: 1e300, scopes: ['api'], description: 'huge dates'}));
	await client.hset('tokens:access', HUGE, Buffer.from(encodeMsgpack({time: 1e300, ip: '10.0.0.1'})));
	await client.hset(
		'tokens',
		OVERFLOW,
		Buffer.concat([
			Buffer.from([0x83, 0xa7]),
			Buffer.from('created'),
			overflowingTimestamp,
			encodeMsgpack({scopes: ['api'], description: 'overflowing timestamp'}).subarray(1),
		]),
	);
	await client.sadd('iat', HUGE, OVERFLOW);
});

afterAll(async () => redis.stop());

describe('records with times no Date can hold', () => {
	it('list, list --json and show print them (JSON null, as EmailEngine shows an invalid Date), exit 0', async () => {
		const flag = `--dbs.redis=${redis.url()}`;
		const json = await runCli(['list', '--json', flag]);
		expect(json.exitCode).toBe(0);
		const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
		expect(listed.map(entry => entry['description'])).toEqual(['overflowing timestamp', 'huge dates']);
		expect(listed[1]).toMatchObject({created: null, expires: null, access: {time: null, ip: '10.0.0.1'}});
		expect(listed[0]).toMatchObject({created: null});
		const table = await runCli(['list', flag]);
		expect(table.exitCode).toBe(0);
		expect(table.stdout).toMatch(/huge dates.*invalid date/);
		const show = await runCli(['show', '-t', HUGE, flag]);
		expect(show.exitCode).toBe(0);
		expect(show.stdout).toMatch(/^created +invalid date/m);
	});

	it('the REST listing and the token route answer 200', async () => {
		const root = (await runCli(['issue', '-d', 'reader', '-s', 'api', `--dbs.redis=${redis.url()}`])).stdout.trim();
		const served = await serveInProcess(redis.url());
		try {
			const headers = {authorization: `Bearer ${root}`};
			const listing = await fetch(`${served.base}/v1/tokens`, {headers});
			expect(listing.status).toBe(200);
			const body = (await listing.json()) as {tokens: Array<Record<string, unknown>>};
			expect(body.tokens.find(token => token['id'] === HUGE)).toMatchObject({created: null});
			expect((await fetch(`${served.base}/v1/tokens/${OVERFLOW}`, {headers})).status).toBe(200);
		} finally {
			expect((await served.stop()).exitCode).toBe(0);
			await runCli(['revoke', '-t', root, '--yes', `--dbs.redis=${redis.url()}`]);
		}
	});

	it('the app shows them in the table and in details', async () => {
		const app = startApp([`--dbs.redis=${redis.url()}`]);
		try {
			await app.waitFor(screen => screen.includes('huge dates') && screen.includes('invalid date'));
			await app.type('/huge');
			await app.waitFor('1 of 2');
			await app.type(KEYS.enter);
			await app.type(KEYS.enter);
			await app.waitFor(screen => screen.includes('Token details') && /created\s+invalid date/.test(screen));
			await app.type(KEYS.escape);
			await app.waitFor('1 of 2');
		} finally {
			app.kill('SIGKILL');
		}
	});
});
