import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {decodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {type Harness, bearer, getJson, startHarness} from './harness.js';

let h: Harness;
let root: string;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => {
	await h.redis.client().flushdb();
	root = (await h.store.issue({description: 'root', scopes: ['*']})).rawToken;
});

const post = (body: unknown, token = root, contentType = 'application/json') => ({
	method: 'POST',
	headers: {authorization: `Bearer ${token}`, 'content-type': contentType},
	body: typeof body === 'string' ? body : JSON.stringify(body),
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
		expect((await fetch(`${h.base}/v1/stats?seconds=60`, bearer(root))).status).toBe(200);
		expect((await fetch(`${h.base}/v1/stats?seconds=`, bearer(root))).status).toBe(200);
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
		await fetch(`${h.base}/v1/stats`, bearer(root));
		await fetch(`${h.base}/v1/stats`);
		const response = await fetch(`${h.base}/metrics`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		const text = await response.text();
		expect(text).toContain('# TYPE thread_starts counter\nthread_starts 1');
		expect(text).toContain('# TYPE thread_stops counter\nthread_stops 0');
		expect(text).toContain('process_cpu_user_seconds_total');
		expect(text).toContain('nodejs_heap_size_total_bytes');
		expect(text).toMatch(/api_call\{method="get",statusCode="200",route="\/v1\/stats"\} [1-9]/);
		expect(text).toMatch(/api_call\{method="get",statusCode="401",route="\/v1\/stats"\} [1-9]/);
		expect(text).toMatch(/api_auth_outcomes\{result="allowed"\} [1-9]/);
		expect(text).toMatch(/api_auth_outcomes\{result="missing"\} [1-9]/);
	});

	test('api_call counts each answered request once, and reading /metrics twice does not add to it', async () => {
		const count = async () => {
			const text = await (await fetch(`${h.base}/metrics`, bearer(root))).text();
			return Number(/api_call\{method="get",statusCode="404",route="\/v1\/account\/\{account\}"\} (\d+)/.exec(text)?.[1] ?? 0);
		};

		const before = await count();
		for (let index = 0; index < 3; index++) {
			expect((await fetch(`${h.base}/v1/account/nobody-${index}`, bearer(root))).status).toBe(404);
		}

		expect(await count()).toBe(before + 3);
		expect(await count()).toBe(before + 3);
	});

	test('a route without a query schema ignores its query, as hapi does', async () => {
		expect((await fetch(`${h.base}/metrics?name[]=x&foo=bar`, bearer(root))).status).toBe(200);
		expect((await fetch(`${h.base}/v1/account/nobody?quota=true`, bearer(root))).status).toBe(404);
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
			['GET', '/v1/stats/'],
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

	test('HEAD answers like GET without a body', async () => {
		const response = await fetch(`${h.base}/v1/stats`, {...bearer(root), method: 'HEAD'});
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('');
	});
});

describe('token admin routes (compatibility §7)', () => {
	test('GET /v1/tokens lists with paging; GET /v1/tokens/{id} shows one; 404 with code NotFound', async () => {
		for (let index = 0; index < 4; index++) {
			await h.store.issue({description: `t${index}`, scopes: ['api']});
		}

		const list = await getJson(`${h.base}/v1/tokens?pageSize=2&page=1`, bearer(root));
		expect(list.status).toBe(200);
		expect(list.body).toMatchObject({account: null, total: 5, page: 1, pages: 3});
		expect(list.body.tokens).toHaveLength(2);
		const ids = list.body.tokens.map((token: {id: string}) => token.id);
		expect([...ids].sort().reverse()).toStrictEqual(ids);

		const searched = await getJson(`${h.base}/v1/tokens?query=T3`, bearer(root));
		expect(searched.body.total).toBe(1);
		expect(searched.body.tokens[0].description).toBe('t3');

		const id = tokenIdOf(root);
		const one = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(one.status).toBe(200);
		expect(one.body).toMatchObject({id, account: null, description: 'root', scopes: ['*'], metadata: null, permissions: null});
		expect(one.body.access.ip).toBe('127.0.0.1');
		expect(typeof one.body.created).toBe('string');

		const missing = await getJson(`${h.base}/v1/tokens/${'0'.repeat(64)}`, bearer(root));
		expect(missing.status).toBe(404);
		expect(missing.body).toStrictEqual({
			statusCode: 404,
			error: 'Not Found',
			message: 'Requested access token was not found',
			code: 'NotFound',
		});

		// Ids only: the raw token itself is not an id, and is not echoed.
		const byToken = await getJson(`${h.base}/v1/tokens/${root}`, bearer(root));
		expect(byToken.status).toBe(404);
		expect(byToken.text).not.toContain(root);

		const invalid = await getJson(`${h.base}/v1/tokens/xyz`, bearer(root));
		expect(invalid.status).toBe(400);
		expect(invalid.body.message).toBe('Invalid input');
	});

	test('expired records are still shown by id', async () => {
		const {id} = await h.plant({created: 1, expires: 2, scopes: ['api'], description: 'gone'});
		const response = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.body.expires).toBe('1970-01-01T00:00:00.002Z');
	});

	test('POST /v1/tokens mints an api token for an existing account and it works', async () => {
		await h.redis.client().hset('iad:example', 'account', 'example');
		const minted = await getJson(
			`${h.base}/v1/tokens`,
			post({account: ' example ', description: '  ci  ', restrictions: {rateLimit: {maxRequests: 5, timeWindow: 60}}}),
		);
		expect(minted.status).toBe(200);
		expect(Object.keys(minted.body)).toStrictEqual(['token', 'id']);
		expect(minted.body.id).toBe(tokenIdOf(minted.body.token));

		const record = decodeRecord((await h.redis.client().hgetBuffer('tokens', minted.body.id))!);
		expect(Object.keys(record)).toStrictEqual(['created', 'account', 'remoteAddress', 'scopes', 'description', 'restrictions']);
		expect(record).toMatchObject({account: 'example', remoteAddress: '127.0.0.1', scopes: ['api'], description: 'ci'});
		// Restriction keys the client left out are stored as explicit nil, after its own.
		expect(record['restrictions']).toStrictEqual({rateLimit: {maxRequests: 5, timeWindow: 60}, referrers: null, addresses: null});
		expect(await h.redis.client().sismember('iat:example', minted.body.id)).toBe(1);
		expect((await h.redis.client().hgetBuffer('tokens:access', minted.body.id))!.toString('hex')).toBe('80');

		const used = await fetch(`${h.base}/v1/account/example`, bearer(minted.body.token));
		expect(used.status).toBe(200);
		expect(used.headers.get('x-ratelimit-limit')).toBe('5');
	});

	test('POST /v1/tokens: root tokens need permissions, * and metrics are refused, accounts must exist', async () => {
		const noPermissions = await getJson(`${h.base}/v1/tokens`, post({description: 'x'}));
		expect(noPermissions.status).toBe(400);
		expect(noPermissions.body.fields).toStrictEqual([{message: '"permissions" is required', key: 'permissions'}]);

		for (const scopes of [['*'], ['metrics'], 'metrics', []]) {
			const response = await getJson(`${h.base}/v1/tokens`, post({description: 'x', account: 'a', scopes}));
			expect(response.status, JSON.stringify(scopes)).toBe(400);
		}

		const missingAccount = await getJson(`${h.base}/v1/tokens`, post({description: 'x', account: 'nobody'}));
		expect(missingAccount.status).toBe(404);
		expect(missingAccount.body).toStrictEqual({
			statusCode: 404,
			error: 'Not Found',
			message: 'Account record was not found for requested ID',
		});

		const everything = await getJson(
			`${h.base}/v1/tokens`,
			post({description: '', scopes: 'smtp', expires: '2000-01-01T00:00:00Z', ip: '10.0.0.0/8', metadata: '{nope', extra: 1}),
		);
		expect(everything.status).toBe(400);
		expect(everything.body.fields.map((field: {key: string}) => field.key).sort()).toStrictEqual(
			['description', 'expires', 'extra', 'ip', 'metadata', 'permissions'].sort(),
		);

		const narrowed = await getJson(
			`${h.base}/v1/tokens`,
			post({description: 'reader', scopes: 'api', permissions: {actions: ['read'], groups: ['diagnostics']}}),
		);
		expect(narrowed.status).toBe(200);
		const record = decodeRecord((await h.redis.client().hgetBuffer('tokens', narrowed.body.id))!);
		expect(Object.keys(record)).toStrictEqual(['created', 'remoteAddress', 'scopes', 'description', 'permissions']);
		expect((await fetch(`${h.base}/v1/stats`, bearer(narrowed.body.token))).status).toBe(200);
		// A narrowed token cannot administer tokens.
		expect((await fetch(`${h.base}/v1/tokens`, bearer(narrowed.body.token))).status).toBe(403);

		for (const permissions of [{}, {groups: []}, {groups: ['admin']}, {actions: ['fly']}]) {
			const response = await getJson(`${h.base}/v1/tokens`, post({description: 'x', permissions}));
			expect(response.status, JSON.stringify(permissions)).toBe(400);
		}
	});

	test('POST /v1/tokens: bad JSON is 400, text 400, form fields work, unknown types 415, bound tokens 403', async () => {
		const bad = await getJson(`${h.base}/v1/tokens`, post('{"description":'));
		expect(bad.status).toBe(400);
		expect(bad.body).toStrictEqual({statusCode: 400, error: 'Bad Request', message: 'Invalid request payload JSON format'});
		const text = await getJson(`${h.base}/v1/tokens`, post('{"description":"x"}', root, 'text/plain'));
		expect(text.status).toBe(400);
		expect(text.body.fields).toStrictEqual([{message: '"value" must be of type object', key: 'value'}]);
		expect((await fetch(`${h.base}/v1/tokens`, post('<x/>', root, 'application/xml'))).status).toBe(415);

		// Form fields, as `curl -d description=… -d account=…` sends them.
		await h.redis.client().hset('iad:form', 'account', 'form');
		const form = await getJson(
			`${h.base}/v1/tokens`,
			post('description=from+a+form&account=form&scopes=smtp', root, 'application/x-www-form-urlencoded'),
		);
		expect(form.status).toBe(200);
		expect(decodeRecord((await h.redis.client().hgetBuffer('tokens', form.body.id))!)).toMatchObject({
			account: 'form',
			description: 'from a form',
			scopes: ['smtp'],
		});

		const {rawToken: bound} = await h.store.issue({description: 'bound', scopes: ['*'], account: 'example'});
		await h.redis.client().hset('iad:example', 'account', 'example');
		const refused = await getJson(`${h.base}/v1/tokens`, post({description: 'x', account: 'example'}, bound));
		expect(refused.status).toBe(403);
		expect(refused.body.message).toBe('Unauthorized account');

		const {rawToken: metrics} = await h.store.issue({description: 'metrics', scopes: ['metrics']});
		expect((await getJson(`${h.base}/v1/tokens`, post({description: 'x', account: 'example'}, metrics))).body.message).toBe(
			'Unauthorized scope',
		);
	});

	test('DELETE /v1/tokens/{token} takes an id or a raw token; {deleted:false} when nothing matched', async () => {
		const first = await h.store.issue({description: 'one', scopes: ['api'], account: 'example'});
		const second = await h.store.issue({description: 'two', scopes: ['api']});
		const del = (value: string, path = '/v1/tokens/') => getJson(`${h.base}${path}${value}`, {...bearer(root), method: 'DELETE'});

		expect((await del(first.id)).body).toStrictEqual({deleted: true});
		expect(await h.redis.client().sismember('iat:example', first.id)).toBe(0);
		expect((await del(second.rawToken, '/v1/token/')).body).toStrictEqual({deleted: true});
		expect(await h.redis.client().hexists('tokens', second.id)).toBe(0);
		expect(await h.redis.client().hexists('tokens:access', second.id)).toBe(0);
		const again = await del(second.id);
		expect(again.status).toBe(200);
		expect(again.body).toStrictEqual({deleted: false});
		expect((await del('nothex')).status).toBe(400);

		// The deleted token stops working at once.
		expect((await fetch(`${h.base}/v1/stats`, bearer(second.rawToken))).status).toBe(401);
	});
});

describe('Redis down', () => {
	test('requests get 503 JSON while Redis is away and work again when it is back, without a restart', async () => {
		await h.redis.kill();
		try {
			const down = await getJson(`${h.base}/v1/stats`, bearer(root));
			expect(down.status).toBe(503);
			expect(down.body).toMatchObject({statusCode: 503, error: 'Service Unavailable'});
			expect((await fetch(`${h.base}/health`)).status).toBe(503);
		} finally {
			await h.redis.restart();
		}

		// The AOF kept the token; ioredis reconnects on its own.
		await expect.poll(async () => (await fetch(`${h.base}/v1/stats`, bearer(root))).status, {timeout: 10_000, interval: 200}).toBe(200);
	});
});
