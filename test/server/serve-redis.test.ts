import {createServer} from 'node:net';
import {Redis} from 'ioredis';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type ServedInProcess as Served, serveInProcess} from '../helpers/serve.js';
import {type Stalled, startStalled} from '../helpers/stalled.js';
import {fetchHttp} from '../helpers/http.js';

/**
 * `ee-tokens serve` and its Redis: a wrong database, silence, a refused write, a lost database. The
 * subject is what serve answers and logs, not the process around it (serve-cli.test.ts and
 * end-to-end.test.ts run the binary): serve runs in-process, as it would with the same streams.
 */

let redis: TestRedis;
let stalled: Stalled;
const running: Served[] = [];

beforeAll(async () => {
	redis = await startRedis();
	stalled = await startStalled();
});

afterAll(async () => {
	await stalled.close();
	await redis.stop();
});

afterEach(async () => {
	// stop() of a server already stopped only returns what it returned.
	for (const served of running.splice(0)) {
		await served.stop();
	}
});

async function serve(url: string, args: string[] = []): Promise<Served> {
	const served = await serveInProcess(url, args);
	running.push(served);
	return served;
}

/** A token issued in this process (the CLI's issue has tests of its own); the raw token. */
const issue = async (url: string, scopes = ['*']) => {
	const client = new Redis(url, {maxRetriesPerRequest: 1});
	try {
		return (await new TokenStore(client, '').issue({description: 'serve test', scopes})).rawToken;
	} finally {
		client.disconnect();
	}
};

const stats = async (served: Served, token: string) => fetchHttp(`${served.base}/v1/stats`, {headers: {authorization: `Bearer ${token}`}});

describe('serve on a database that cannot be used', () => {
	it.each([
		['/99', (port: number) => `redis://127.0.0.1:${port}/99`, 99],
		['/16', (port: number) => `redis://127.0.0.1:${port}/16`, 16],
		['?db=99', (port: number) => `redis://127.0.0.1:${port}?db=99`, 99],
	])('%s: exit 3 before listening, one line naming it', async (_what, url, db) => {
		const result = await runCli(['serve', '--port', '0', `--dbs.redis=${url(redis.port)}`]);
		expect(result.exitCode).toBe(3);
		expect(result.stdout).not.toContain('listening');
		expect(result.stderr.trim()).toBe(`ee-tokens: Cannot use database ${db} of Redis at ${url(redis.port)}: ERR DB index is out of range`);
	});

	it('a reconnect whose database is gone: 503, never a token from db 0', async () => {
		const lost = await startRedis();
		try {
			const token = await issue(lost.url(12));
			const intruder = await issue(lost.url(0));
			const served = await serve(lost.url(12));
			expect((await stats(served, token)).status).toBe(200);
			expect((await stats(served, intruder)).status).toBe(401);

			// The same Redis comes back with 4 databases: db 12 is gone, db 0 (with its token) is there.
			await lost.restart(['--databases', '4']);
			await expect
				.poll(
					async () =>
						(await stats(served, intruder)).status === 200 ||
						served.lines.some(line => /refused database 12: ERR DB index is out of range/.test(line.msg)),
					{
						timeout: 30_000,
					},
				)
				.toBe(true);
			expect((await stats(served, intruder)).status).toBe(503);
			expect((await stats(served, token)).status).toBe(503);
			const logged = served.lines.filter(line => line.msg.includes('refused database 12'));
			expect(logged).toHaveLength(1);
			expect(logged[0]).toMatchObject({
				level: 40,
				msg: `The connection to Redis failed (retrying every second): Redis at ${lost.url(12)} refused database 12: ERR DB index is out of range`,
			});
		} finally {
			await lost.stop();
		}
	}, 60_000);
});

describe('serve and a Redis that does not answer', () => {
	it('silent at start: exit 3 within the limit, never listening', async () => {
		const result = await runCli(['serve', '--port', '0', `--dbs.redis=${stalled.url()}`, '--dbs.timeout', '1'], {timeout: 20_000});
		expect(result.exitCode).toBe(3);
		expect(result.stdout).not.toContain('listening');
		expect(result.stderr.trim()).toBe(`ee-tokens: Redis at ${stalled.url()} did not answer within 1 s`);
	});

	it('silent while serving: requests and /health get 503 within the limit, the log says why once, then recovers', async () => {
		const token = await issue(redis.url());
		// 3 s, not 1: starting under a loaded CI machine's three test workers took over a second.
		const served = await serve(redis.url(), ['--dbs.timeout', '3']);
		expect((await stats(served, token)).status).toBe(200);
		redis.freeze();
		try {
			const during = await Promise.all([stats(served, token), stats(served, token), fetchHttp(`${served.base}/health`)]);
			expect(during.map(response => response.status)).toEqual([503, 503, 503]);
			expect(await during[0]!.json()).toEqual({
				statusCode: 503,
				error: 'Service Unavailable',
				message: 'Redis is not available, try again later',
			});
		} finally {
			redis.resume();
		}

		expect((await stats(served, token)).status).toBe(200);
		await expect.poll(() => served.lines.some(line => line.msg === 'Redis works again')).toBe(true);
		const failed = served.lines.filter(line => line.msg.startsWith('Redis failed'));
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({
			level: 40,
			msg: `Redis failed (requests are answered 503 until it works again): Redis at ${redis.url()} did not answer within 3 s`,
		});
	}, 30_000);
});

describe('serve on a read-only replica', () => {
	it('authenticates from the replica; the refused last-use write is logged once, not answered', async () => {
		// The primary starts a replica's first sync at once, not after its default 5 s wait for more
		// replicas to share it (repl-diskless-sync-delay); set back after, as the harness gave it.
		const primary = redis.client();
		const [, delay] = (await primary.config('GET', 'repl-diskless-sync-delay')) as [string, string];
		await primary.config('SET', 'repl-diskless-sync-delay', '0');
		const replica = await startRedis(['--replicaof', '127.0.0.1', String(redis.port)]);
		try {
			const token = await issue(redis.url());
			const served = await serve(replica.url());
			await expect.poll(async () => (await stats(served, token)).status, {timeout: 20_000}).toBe(200);
			for (let request = 0; request < 3; request++) {
				expect((await stats(served, token)).status).toBe(200);
			}

			await expect.poll(() => served.lines.filter(line => line.msg.startsWith('Recording last use failed')).length).toBe(1);
			expect(served.lines.find(line => line.msg.startsWith('Recording last use failed'))).toMatchObject({
				level: 40,
				msg: `Recording last use failed (requests are still authenticated): Redis at ${replica.url()} refused: read-only replica (READONLY You can't write against a read only replica.)`,
			});
			// A refusal after the last-use write (a scope the token lacks) is still a 403, not a 503.
			const metricsOnly = await issue(redis.url(), ['metrics']);
			await expect.poll(async () => (await stats(served, metricsOnly)).status, {timeout: 20_000}).toBe(403);
		} finally {
			// Ended without its shutdown, which for a replica took 5 s (its data is of no use after).
			await replica.kill();
			await replica.stop();
			await primary.config('SET', 'repl-diskless-sync-delay', delay);
		}
	}, 40_000);
});

describe('serve on a port in use', () => {
	it('one line saying so, exit 7, no JSON', async () => {
		const blocker = createServer();
		await new Promise<void>(resolve => {
			blocker.listen(0, '127.0.0.1', resolve);
		});
		const {port} = blocker.address() as {port: number};
		try {
			const result = await runCli(['serve', '--port', String(port), `--dbs.redis=${redis.url()}`]);
			expect(result.exitCode).toBe(7);
			expect(result.stdout).toBe('');
			expect(result.stderr).toBe(
				`ee-tokens: port ${port} is in use on 127.0.0.1: stop what uses it, or choose another with --port or EENGINE_PORT`,
			);
		} finally {
			blocker.close();
		}
	});
});
