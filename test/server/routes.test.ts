import {describe, expect, test} from 'vitest';
import {bearer, getJson, useHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

let root: string;
const h = useHarness(async harness => {
	root = (await harness.store.issue({description: 'root', scopes: ['*']})).rawToken;
});

describe('GET /v1/stats', () => {
	test('version, license, accounts (SCARD ia:accounts), node and redis version', async () => {
		await h.redis.client().sadd('ia:accounts', 'a', 'b');
		const response = await getJson(`${h.base}/v1/stats`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.body).toMatchObject({version: '0.0.0-test', license: 'MIT', accounts: 2, node: process.versions.node});
		expect(response.body.redis).toMatch(/^\d+\.\d+\.\d+/);
	});

	test('?seconds is validated like EmailEngine: integer 0..604800, empty = default; unknown arguments refused', async () => {
		expect((await fetchHttp(`${h.base}/v1/stats?seconds=60`, bearer(root))).status).toBe(200);
		expect((await fetchHttp(`${h.base}/v1/stats?seconds=`, bearer(root))).status).toBe(200);
		const bad = await getJson(`${h.base}/v1/stats?seconds=abc&colour=red`, bearer(root));
		expect(bad.status).toBe(400);
		expect(bad.body).toStrictEqual({
			statusCode: 400,
			error: 'Bad Request',
			message: 'Invalid input',
			fields: [
				{message: '"seconds" must be a number', key: 'seconds'},
				{message: '"colour" is not allowed', key: 'colour'},
			],
		});
		expect((await getJson(`${h.base}/v1/stats?seconds=604801`, bearer(root))).body.fields[0].message).toBe(
			'"seconds" must be less than or equal to 604800',
		);
	});
});

describe('GET /metrics', () => {
	test('Prometheus text with default metrics, thread counters, api_call and auth outcomes', async () => {
		await fetchHttp(`${h.base}/v1/stats`, bearer(root));
		await fetchHttp(`${h.base}/v1/stats`);
		const response = await fetchHttp(`${h.base}/metrics`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(response.headers.get('cache-control')).toBe('no-cache');
		const text = await response.text();
		expect(text).toContain('# TYPE thread_starts counter\nthread_starts 1');
		expect(text).toContain('# TYPE thread_stops counter\nthread_stops 0');
		expect(text).toContain('process_cpu_user_seconds_total');
		expect(text).toContain('nodejs_heap_size_total_bytes');
		expect(text).toMatch(/api_call\{method="get",statusCode="200",route="\/v1\/stats"\} [1-9]/);
		expect(text).toMatch(/api_call\{method="get",statusCode="401",route="\/v1\/stats"\} [1-9]/);
		expect(text).toMatch(/api_auth_outcomes_total\{result="allowed"\} [1-9]/);
		expect(text).toMatch(/api_auth_outcomes_total\{result="missing"\} [1-9]/);
	});

	test('api_call counts each answered request once, and reading /metrics twice does not add to it', async () => {
		const count = async () => {
			const text = await (await fetchHttp(`${h.base}/metrics`, bearer(root))).text();
			return Number(/api_call\{method="get",statusCode="404",route="\/v1\/account\/\{account\}"\} (\d+)/.exec(text)?.[1] ?? 0);
		};

		const before = await count();
		for (let index = 0; index < 3; index++) {
			expect((await fetchHttp(`${h.base}/v1/account/nobody-${index}`, bearer(root))).status).toBe(404);
		}

		expect(await count()).toBe(before + 3);
		expect(await count()).toBe(before + 3);
	});

	test('a route without a query schema ignores its query, as hapi does', async () => {
		expect((await fetchHttp(`${h.base}/metrics?name[]=x&foo=bar`, bearer(root))).status).toBe(200);
		expect((await fetchHttp(`${h.base}/v1/account/nobody?quota=true`, bearer(root))).status).toBe(404);
	});
});

describe('GET /health and unknown routes', () => {
	test('/health needs no token', async () => {
		const response = await getJson(`${h.base}/health`);
		expect(response.status).toBe(200);
		expect(response.body).toStrictEqual({success: true});
	});

	test("anything else is hapi's 404, before authentication", async () => {
		for (const [method, path] of [
			['GET', '/'],
			['GET', '/v1/stats//'],
			['GET', '/V1/STATS'],
			['PUT', '/v1/stats'],
			['POST', '/metrics'],
			['GET', '/v1/nothing'],
			['OPTIONS', '/v1/tokens'],
		] as const) {
			const response = await getJson(h.base + path, {method});
			expect(response.status, `${method} ${path}`).toBe(404);
			expect(response.body).toStrictEqual({statusCode: 404, error: 'Not Found', message: 'Not Found'});
		}
	});

	test('a trailing slash names the same route (compatibility §6.7)', async () => {
		const response = await getJson(`${h.base}/v1/stats/`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.body.version).toBe('0.0.0-test');
		expect((await getJson(`${h.base}/v1/stats/`)).body).toStrictEqual({
			statusCode: 401,
			error: 'Unauthorized',
			message: 'Missing authentication',
		});
	});

	test('HEAD answers like GET without a body', async () => {
		const response = await fetchHttp(`${h.base}/v1/stats`, {...bearer(root), method: 'HEAD'});
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('');
	});
});

describe('Redis down', () => {
	test('requests get 503 JSON while Redis is away and work again when it is back, without a restart', async () => {
		await h.redis.kill();
		try {
			const down = await getJson(`${h.base}/v1/stats`, bearer(root));
			expect(down.status).toBe(503);
			expect(down.body).toMatchObject({statusCode: 503, error: 'Service Unavailable'});
			expect((await fetchHttp(`${h.base}/health`)).status).toBe(503);
		} finally {
			await h.redis.restart();
		}

		// The AOF kept the token; ioredis reconnects on its own.
		await expect.poll(async () => (await fetchHttp(`${h.base}/v1/stats`, bearer(root))).status, {timeout: 10_000, interval: 200}).toBe(200);
	});
});

describe('a key of the wrong kind (another writer broke it)', () => {
	const messages = () => h.logs.map(line => JSON.parse(line) as {msg: string}).map(line => line.msg);

	test('is a 500 naming the problem, logged once, never reported as Redis being away', async () => {
		await h.redis.client().set('settings', 'oops');
		for (let round = 0; round < 3; round++) {
			const response = await getJson(`${h.base}/v1/stats`, bearer(root));
			expect(response.status).toBe(500);
			expect(response.body).toStrictEqual({
				statusCode: 500,
				error: 'Internal Server Error',
				message:
					'Redis refused a command because of what a key holds: WRONGTYPE Operation against a key holding the wrong kind of value (HMGET settings)',
			});
			// A Redis that answers is healthy: /health says so, and no outage begins or ends.
			expect((await fetchHttp(`${h.base}/health`)).status).toBe(200);
		}

		const named = messages().filter(message => message.includes('WRONGTYPE'));
		expect(named).toStrictEqual([
			'Redis refused a command because of what a key holds (requests that need it are answered 500): WRONGTYPE Operation against a key holding the wrong kind of value (HMGET settings)',
		]);
		expect(messages().filter(message => /answered 503|works again/.test(message))).toStrictEqual([]);
	});

	test('a rate-limit counter that is no integer and an account index that is no set are 500s too', async () => {
		const {token, id} = await h.plant({created: 1, scopes: ['*'], restrictions: {rateLimit: {maxRequests: 5, timeWindow: 60}}});
		h.clock.now = Date.parse('2026-12-01T09:00:30.000Z');
		const bucket = Math.floor((h.clock.now - Date.UTC(2000, 0, 1)) / 60_000);
		await h.redis.client().set(`rl:60:${bucket}:api:${id}`, 'many');
		const limited = await getJson(`${h.base}/v1/stats`, bearer(token));
		expect(limited.status).toBe(500);
		expect(limited.body.message).toBe(
			'Redis refused a command because of what a key holds: Counting the request failed: ERR value is not an integer or out of range',
		);

		await h.redis.client().set('iat:example', 'not a set');
		const listing = await getJson(`${h.base}/v1/tokens?account=example`, bearer(root));
		expect(listing.status).toBe(500);
		expect(listing.body.message).toMatch(/^Redis refused a command because of what a key holds: WRONGTYPE .* iat:example\)$/);
		expect(messages().filter(message => /answered 503|works again/.test(message))).toStrictEqual([]);
	});
});
