import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {runInProcess as runCli} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type LogLine, type ServedInProcess as Served, serveInProcess} from '../helpers/serve.js';
import {fetchHttp} from '../helpers/http.js';

/**
 * What the operator reads in serve's log: who asked, and why a request was turned away. serve runs
 * in-process (its log is the stream it writes to); end-to-end.test.ts runs the binary.
 */

let redis: TestRedis;
const running: Served[] = [];

async function serve(args: string[] = []): Promise<Served> {
	const served = await serveInProcess(redis.url(), args);
	running.push(served);
	return served;
}

beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());
afterEach(async () => {
	// stop() of a server already stopped only returns what it returned.
	for (const served of running.splice(0)) {
		await served.stop();
	}
});

const issue = async (...args: string[]) => {
	const result = await runCli(['issue', '-d', 'log test', ...args, `--dbs.redis=${redis.url()}`]);
	expect(result.exitCode, result.stderr as string).toBe(0);
	return (result.stdout as string).trim();
};

const requestLines = (served: Served) => served.lines.filter(line => line.msg === 'request completed');

/** The request line of the nth request to `path`, once the server has written it. */
async function lineFor(served: Served, path: string, nth = 0): Promise<LogLine> {
	await expect.poll(() => requestLines(served).filter(line => line.path === path).length).toBeGreaterThan(nth);
	return requestLines(served).filter(line => line.path === path)[nth]!;
}

describe("serve's request log", () => {
	test('each refusal is a warn line with the client address and the reason; an answered request is info', async () => {
		const api = await issue('-s', 'api');
		const bound = await issue('-s', 'api', '-a', 'acme');
		const fenced = await issue('-s', 'api', '--ip', '10.9.9.9');
		const referred = await issue('-s', 'api', '--referrer', 'https://app.example/*');
		const limited = await issue('-s', 'api', '--rate-limit', '1/3600');
		const served = await serve();
		const get = async (path: string, token?: string, headers: Record<string, string> = {}) =>
			(await fetchHttp(`${served.base}${path}`, {headers: token ? {authorization: `Bearer ${token}`, ...headers} : headers})).status;

		expect(await get('/v1/stats', api)).toBe(200);
		expect(await get('/metrics', api)).toBe(403);
		expect(await get('/v1/account/other', bound)).toBe(403);
		expect(await get('/v1/account/x', fenced)).toBe(403);
		expect(await get('/v1/tokens/account/x', referred, {referer: 'https://evil.example/'})).toBe(403);
		expect(await get('/v1/account/y', limited)).toBe(404);
		expect(await get('/v1/account/z', limited)).toBe(429);
		expect(await get('/v1/account/w')).toBe(401);
		expect(await get('/v1/account/v', 'f'.repeat(64))).toBe(401);

		const answered = await lineFor(served, '/v1/stats');
		expect(answered).toMatchObject({level: 30, status: 200, remoteAddress: '127.0.0.1', reason: null});
		const refusals = [
			['/metrics', 403, 'scope'],
			['/v1/account/other', 403, 'account'],
			['/v1/account/x', 403, 'address'],
			['/v1/tokens/account/x', 403, 'referrer'],
			['/v1/account/z', 429, 'rate_limit'],
			['/v1/account/w', 401, 'missing'],
			['/v1/account/v', 401, 'bad_token'],
		] as const;
		for (const [path, status, reason] of refusals) {
			expect(await lineFor(served, path), path).toMatchObject({level: 40, status, remoteAddress: '127.0.0.1', reason});
		}

		// Under the limit the rate-limited token was answered (404 is the route's answer, not a refusal).
		expect(await lineFor(served, '/v1/account/y')).toMatchObject({level: 30, status: 404, reason: null});
	});

	test('behind a proxy (enableApiProxy), every refusal logs the forwarded client, the ones before the record is read too', async () => {
		await redis.client().hset('settings', 'enableApiProxy', 'true');
		const api = await issue('-s', 'api');
		const soon = await issue('-s', 'api', '--expires', '1h');
		// Two hours on for the server: the second token has expired.
		const served = await serveInProcess(redis.url(), [], {}, () => Date.now() + 2 * 3_600_000);
		running.push(served);
		const get = async (path: string, token?: string) =>
			(
				await fetchHttp(`${served.base}${path}`, {
					headers: {'x-forwarded-for': '203.0.113.9', ...(token ? {authorization: `Bearer ${token}`} : {})},
				})
			).status;
		expect(await get('/v1/account/a')).toBe(401);
		expect(await get('/v1/account/b', 'not-hex')).toBe(401);
		expect(await get('/v1/account/c', 'f'.repeat(64))).toBe(401);
		expect(await get('/v1/account/d', soon)).toBe(401);
		expect(await get('/metrics', api)).toBe(403);
		for (const [path, reason] of [
			['/v1/account/a', 'missing'],
			['/v1/account/b', 'bad_token'],
			['/v1/account/c', 'bad_token'],
			['/v1/account/d', 'expired'],
			['/metrics', 'scope'],
		] as const) {
			expect(await lineFor(served, path), path).toMatchObject({level: 40, remoteAddress: '203.0.113.9', reason});
		}
	});

	test('a token that is not hex is refused without waiting on a stalled Redis, logged with the client address last known', async () => {
		await redis.client().hset('settings', 'enableApiProxy', 'true');
		// Two minutes for each command: a refusal that waited on Redis would outlast the test.
		const served = await serve(['--dbs.timeout', '120']);
		const get = async (path: string, token?: string) =>
			(
				await fetchHttp(`${served.base}${path}`, {
					headers: {'x-forwarded-for': '203.0.113.9', ...(token ? {authorization: `Bearer ${token}`} : {})},
				})
			).status;
		// The settings read once (a request with no token reads them).
		expect(await get('/v1/account/a')).toBe(401);
		redis.freeze();
		try {
			expect(await get('/v1/account/b', 'not-hex')).toBe(401);
		} finally {
			redis.resume();
		}

		expect(await lineFor(served, '/v1/account/b')).toMatchObject({level: 40, remoteAddress: '203.0.113.9', reason: 'bad_token'});
	});

	test('an expired token is logged as expired', async () => {
		const soon = await issue('-s', 'api', '--expires', '1h');
		const api = await issue('-s', 'api');
		// The server's clock two hours on: the token has expired for it.
		const served = await serveInProcess(redis.url(), [], {}, () => Date.now() + 2 * 3_600_000);
		try {
			expect((await fetchHttp(`${served.base}/v1/stats`, {headers: {authorization: `Bearer ${soon}`}})).status).toBe(401);
			expect((await fetchHttp(`${served.base}/v1/stats`, {headers: {authorization: `Bearer ${api}`}})).status).toBe(200);
			expect((await fetchHttp(`${served.base}/health`)).status).toBe(200);
		} finally {
			await served.stop();
		}

		expect(
			requestLines(served).map(({level, status, path, remoteAddress, reason}) => ({level, status, path, remoteAddress, reason})),
		).toEqual([
			{level: 40, status: 401, path: '/v1/stats', remoteAddress: '127.0.0.1', reason: 'expired'},
			{level: 30, status: 200, path: '/v1/stats', remoteAddress: '127.0.0.1', reason: null},
			{level: 30, status: 200, path: '/health', remoteAddress: '127.0.0.1', reason: null},
		]);
	});
});

describe('listening where other hosts reach it', () => {
	test('--host 0.0.0.0 logs one line that the server is reachable from other hosts; 127.0.0.1 does not', async () => {
		const everywhere = await serve(['--host', '0.0.0.0']);
		const notes = everywhere.lines.filter(line => line.msg.includes('reachable from other hosts'));
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({
			level: 40,
			msg: 'Listening on every address of this machine: the server is reachable from other hosts',
		});
		const local = await serve(['--host', '127.0.0.1']);
		await local.stop();
		expect(local.lines.some(line => line.msg.includes('reachable from other hosts'))).toBe(false);
	});
});
