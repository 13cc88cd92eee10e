import {describe, expect, test} from 'vitest';
import {decodeLastUse} from '../../source/tokens/index.js';
import {bearer, getJson, useHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

const h = useHarness();

const MISSING = {statusCode: 401, error: 'Unauthorized', message: 'Missing authentication'};
const BAD = {statusCode: 401, error: 'Unauthorized', message: 'Bad token'};
const SCOPE = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized scope', requestedScope: 'api'};

async function issue(scopes: string[], account?: string) {
	const {rawToken, id} = await h.store.issue({description: 'test', scopes, account});
	return {token: rawToken, id};
}

describe('compatibility §6.7 error rows', () => {
	test('no credential: 401 Missing authentication with WWW-Authenticate: Bearer, on /v1 and /metrics', async () => {
		for (const path of ['/v1/stats', '/metrics', '/v1/tokens', '/v1/account/example']) {
			const response = await getJson(h.base + path);
			expect(response.status).toBe(401);
			expect(response.body).toStrictEqual(MISSING);
			expect(response.headers.get('www-authenticate')).toBe('Bearer');
		}
	});

	test('another scheme, or Bearer without a token, is missing authentication too', async () => {
		for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer   ', 'Token abc']) {
			const response = await getJson(`${h.base}/v1/stats`, {headers: {authorization}});
			expect(response.status, authorization).toBe(401);
			expect(response.body).toStrictEqual(MISSING);
		}
	});

	test('unknown, malformed and expired tokens: 401 Bad token with the error in WWW-Authenticate', async () => {
		const {token: expired} = await h.plant({created: Date.now() - 10_000, expires: Date.now() - 1, scopes: ['*'], description: 'old'});
		const unknown = 'a'.repeat(64);
		for (const token of [unknown, 'not-a-token', 'abc', `${unknown}0`, expired]) {
			for (const path of ['/v1/stats', '/metrics']) {
				const response = await getJson(h.base + path, bearer(token));
				expect(response.status).toBe(401);
				expect(response.body).toStrictEqual(BAD);
				expect(response.headers.get('www-authenticate')).toBe('Bearer error="Bad token"');
				expect(response.text).not.toContain(token);
			}
		}
	});

	test('an expired token is reaped on first use', async () => {
		const {token, id} = await h.plant({created: 1, expires: Date.now() - 1, scopes: ['*']});
		await getJson(`${h.base}/v1/stats`, bearer(token));
		await expect.poll(async () => h.redis.client().hexists('tokens', id)).toBe(0);
		expect(await h.redis.client().sismember('iat', id)).toBe(0);
	});

	test('wrong scope: 403 Unauthorized scope naming the route scope; HTML on /metrics', async () => {
		const {token: metrics} = await issue(['metrics']);
		const stats = await getJson(`${h.base}/v1/stats`, bearer(metrics));
		expect(stats.status).toBe(403);
		expect(stats.body).toStrictEqual(SCOPE);

		const {token: api} = await issue(['api']);
		const page = await fetchHttp(`${h.base}/metrics`, bearer(api));
		expect(page.status).toBe(403);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(await page.text()).toContain('Unauthorized scope');
	});

	test('permissions: 403 Unauthorized permission with the required action and group', async () => {
		const {token} = await h.plant({created: 1, scopes: ['api'], permissions: {groups: ['message']}});
		const response = await getJson(`${h.base}/v1/stats`, bearer(token));
		expect(response.status).toBe(403);
		expect(response.body).toStrictEqual({
			statusCode: 403,
			error: 'Forbidden',
			message: 'Unauthorized permission',
			requiredPermission: {action: 'read', group: 'diagnostics'},
		});
	});

	test('wrong account: 403 Unauthorized account', async () => {
		const {token} = await issue(['api'], 'example');
		const response = await getJson(`${h.base}/v1/account/other`, bearer(token));
		expect(response.status).toBe(403);
		expect(response.body).toStrictEqual({statusCode: 403, error: 'Forbidden', message: 'Unauthorized account'});
	});
});

describe('scopes against routes (compatibility §6.3)', () => {
	const cases: Array<[string, unknown, {stats: number; metrics: number}]> = [
		['*', ['*'], {stats: 200, metrics: 200}],
		['api', ['api'], {stats: 200, metrics: 403}],
		['metrics', ['metrics'], {stats: 403, metrics: 200}],
		['smtp', ['smtp'], {stats: 403, metrics: 403}],
		['imap-proxy', ['imap-proxy'], {stats: 403, metrics: 403}],
		['no scopes field', undefined, {stats: 200, metrics: 200}],
		['[] (empty list denies)', [], {stats: 403, metrics: 403}],
		['api + metrics', ['api', 'metrics'], {stats: 200, metrics: 200}],
	];
	for (const [name, scopes, expected] of cases) {
		test(`${name}: /v1/stats ${expected.stats}, /metrics ${expected.metrics}, token routes like /v1/stats`, async () => {
			const record: Record<string, unknown> = {created: Date.now()};
			if (scopes !== undefined) {
				record['scopes'] = scopes;
			}

			record['description'] = name;
			const {token} = await h.plant(record);
			expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(expected.stats);
			expect((await fetchHttp(`${h.base}/metrics`, bearer(token))).status).toBe(expected.metrics);
			expect((await fetchHttp(`${h.base}/v1/tokens`, bearer(token))).status).toBe(expected.stats);
			expect((await fetchHttp(`${h.base}/v1/account/nobody`, bearer(token))).status).toBe(expected.stats === 200 ? 404 : 403);
			// The other admin routes: past authentication they answer 404 / 200 / 400 for these inputs.
			const nothing = '0'.repeat(64);
			expect((await fetchHttp(`${h.base}/v1/tokens/${nothing}`, bearer(token))).status).toBe(expected.stats === 200 ? 404 : 403);
			expect((await fetchHttp(`${h.base}/v1/tokens/${nothing}`, {...bearer(token), method: 'DELETE'})).status).toBe(
				expected.stats === 200 ? 200 : 403,
			);
			expect(
				(await fetchHttp(`${h.base}/v1/tokens`, {...bearer(token, {'content-type': 'application/json'}), method: 'POST', body: '{}'}))
					.status,
			).toBe(expected.stats === 200 ? 400 : 403);
		});
	}
});

describe('account binding (compatibility §6.4)', () => {
	test('bound token: 404 while the account is missing, 200 once iad:{account} has `account`, 403 elsewhere', async () => {
		const {token} = await issue(['api'], 'example');
		const missing = await getJson(`${h.base}/v1/account/example`, bearer(token));
		expect(missing.status).toBe(404);
		expect(missing.body).toStrictEqual({statusCode: 404, error: 'Not Found', message: 'Account record was not found for requested ID'});

		// A hash without the `account` field is not an account.
		await h.redis.client().hset('iad:example', 'name', 'half made');
		expect((await fetchHttp(`${h.base}/v1/account/example`, bearer(token))).status).toBe(404);

		await h.redis.client().hset('iad:example', 'account', 'example', 'email', 'user@example.com', 'password', 'secret');
		const found = await getJson(`${h.base}/v1/account/example`, bearer(token));
		expect(found.status).toBe(200);
		expect(found.body).toMatchObject({account: 'example', name: 'half made', email: 'user@example.com'});
		expect(found.text).not.toContain('secret');

		for (const path of ['/v1/account/other', '/v1/stats', '/metrics', '/v1/tokens', '/v1/tokens?account=other']) {
			const refused = await fetchHttp(h.base + path, bearer(token));
			expect(refused.status, path).toBe(403);
		}

		// The listing that names its own account is the one admin route a bound token may use.
		const own = await getJson(`${h.base}/v1/tokens?account=example`, bearer(token));
		expect(own.status).toBe(200);
		expect(own.body.account).toBe('example');
		expect(own.body.tokens).toHaveLength(1);
	});

	test('account ids are compared exactly (case, encoding)', async () => {
		await h.redis.client().hset('iad:a b', 'account', 'a b');
		const {token} = await issue(['api'], 'a b');
		expect((await fetchHttp(`${h.base}/v1/account/a%20b`, bearer(token))).status).toBe(200);
		expect((await fetchHttp(`${h.base}/v1/account/A%20B`, bearer(token))).status).toBe(403);
	});

	// The handler reads the account joi hands it (trimmed, '' as absent), so that is the account the
	// binding is checked against, not the raw path or query value.
	test('a token bound to a space-padded account cannot reach the trimmed one', async () => {
		await h.redis.client().hset('iad:acme', 'account', 'acme', 'name', 'Acme', 'email', 'boss@acme.test');
		const {token} = await h.plant({created: 1, scopes: ['*'], account: 'acme '}, 'acme ');
		const response = await getJson(`${h.base}/v1/account/acme%20`, bearer(token));
		expect(response.status).toBe(403);
		expect(response.body).toStrictEqual({statusCode: 403, error: 'Forbidden', message: 'Unauthorized account'});
		expect(response.text).not.toContain('boss@acme.test');
		expect((await fetchHttp(`${h.base}/v1/tokens/account/acme%20`, bearer(token))).status).toBe(403);
		expect((await fetchHttp(`${h.base}/v1/tokens?account=acme%20`, bearer(token))).status).toBe(403);
	});

	test('a token bound to a blank account cannot list every token', async () => {
		await h.store.issue({description: 'someone else', scopes: ['api'], account: 'other'});
		const {token} = await h.plant({created: 1, scopes: ['*'], account: ' '}, ' ');
		for (const query of ['account=%20', 'account=', 'account=%20%20']) {
			const response = await getJson(`${h.base}/v1/tokens?${query}`, bearer(token));
			expect(response.status, query).toBe(403);
			expect(response.text, query).not.toContain('someone else');
		}
	});
});

describe('getting the token (compatibility §6.1)', () => {
	test('the access_token query argument works when there is no header', async () => {
		const {token} = await issue(['api']);
		const response = await getJson(`${h.base}/v1/stats?access_token=${token}`);
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({version: '0.0.0-test', accounts: 0});
	});

	test('the Authorization header wins over the query argument; beside a valid header the argument is a 400', async () => {
		const {token: good} = await issue(['api']);
		const bad = 'b'.repeat(64);
		expect((await fetchHttp(`${h.base}/v1/stats?access_token=${good}`, bearer(bad))).status).toBe(401);
		const both = await getJson(`${h.base}/v1/stats?access_token=${bad}`, bearer(good));
		expect(both.status).toBe(400);
		expect(both.body).toStrictEqual({
			statusCode: 400,
			error: 'Bad Request',
			message: 'Invalid input',
			fields: [{message: '"access_token" is not allowed', key: 'access_token'}],
		});
	});

	test('an empty Authorization header lets the query argument count', async () => {
		const {token} = await issue(['api']);
		expect((await fetchHttp(`${h.base}/v1/stats?access_token=${token}`, {headers: {authorization: ''}})).status).toBe(200);
	});

	test('a repeated access_token argument is a bad token, even if one of them is good', async () => {
		const {token} = await issue(['api']);
		const response = await getJson(`${h.base}/v1/stats?access_token=${token}&access_token=${token}`);
		expect(response.status).toBe(401);
		expect(response.body).toStrictEqual(BAD);
	});

	test('lower-case and odd-case scheme names, extra spaces', async () => {
		const {token} = await issue(['api']);
		for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `BeArEr ${token}`, `Bearer    ${token}`, `Bearer\t${token}`]) {
			expect((await fetchHttp(`${h.base}/v1/stats`, {headers: {authorization}})).status, authorization).toBe(200);
		}
	});

	test('an upper-case raw token authenticates (hex is case-insensitive)', async () => {
		const {token} = await issue(['api']);
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token.toUpperCase()))).status).toBe(200);
	});

	test('presenting the id instead of the token fails: it is hashed again', async () => {
		const {id} = await issue(['*']);
		const response = await getJson(`${h.base}/v1/stats`, bearer(id));
		expect(response.status).toBe(401);
		expect(response.body).toStrictEqual(BAD);
	});

	test('a token with trailing text after a space still authenticates: only the second part counts', async () => {
		const {token} = await issue(['api']);
		expect((await fetchHttp(`${h.base}/v1/stats`, {headers: {authorization: `Bearer ${token} trailing`}})).status).toBe(200);
	});
});

describe('last use (compatibility §1.6)', () => {
	test('written as {time, ip} on success and before the scope check on refusal', async () => {
		const {token, id} = await issue(['metrics']);
		const before = await h.redis.client().hgetBuffer('tokens:access', id);
		expect(before).toStrictEqual(Buffer.from([0x80]));

		h.clock.now = 1_734_953_814_623;
		const response = await fetchHttp(`${h.base}/v1/stats`, bearer(token));
		expect(response.status).toBe(403);
		const bytes = await h.redis.client().hgetBuffer('tokens:access', id);
		// Compatibility §0 test vector: keys time then ip, time as uint64.
		expect(bytes!.toString('hex')).toBe(`82a474696d65cf00000193f34e4a5fa26970a9${Buffer.from('127.0.0.1').toString('hex')}`);
		expect(decodeLastUse(bytes)).toStrictEqual({time: 1_734_953_814_623, ip: '127.0.0.1'});
	});

	test('not written for an unknown or expired token', async () => {
		const {token, id} = await h.plant({created: 1, expires: Date.now() - 1, scopes: ['*']});
		await fetchHttp(`${h.base}/v1/stats`, bearer(token));
		expect(await h.redis.client().hgetBuffer('tokens:access', id)).toBeNull();
	});
});

describe('permissions narrowing', () => {
	test('tokens carrying permissions are refused on the token admin routes, even if they grant everything', async () => {
		const {token} = await h.plant({
			created: 1,
			scopes: ['api'],
			permissions: {actions: ['read', 'write', 'send', 'destructive'], groups: ['account', 'diagnostics']},
		});
		const response = await getJson(`${h.base}/v1/tokens`, bearer(token));
		expect(response.status).toBe(403);
		expect(response.body).toMatchObject({message: 'Unauthorized permission', requiredPermission: {action: 'read', group: 'admin'}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(200);
	});

	test('malformed permissions deny every request; nil permissions narrow nothing', async () => {
		for (const permissions of [{}, [], 'read', {actions: 'read'}, {actions: ['fly']}, {colour: ['red']}]) {
			const {token} = await h.plant({created: 1, scopes: ['*'], permissions});
			expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status, JSON.stringify(permissions)).toBe(403);
			expect((await fetchHttp(`${h.base}/metrics`, bearer(token))).status, JSON.stringify(permissions)).toBe(403);
		}

		const {token} = await h.plant({created: 1, scopes: ['*'], permissions: null});
		expect((await fetchHttp(`${h.base}/v1/tokens`, bearer(token))).status).toBe(200);
	});

	test('read/diagnostics reaches /v1/stats and /metrics, not /v1/account; read/account the reverse', async () => {
		const {token: diagnostics} = await h.plant({created: 1, scopes: ['*'], permissions: {actions: ['read'], groups: ['diagnostics']}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(diagnostics))).status).toBe(200);
		expect((await fetchHttp(`${h.base}/metrics`, bearer(diagnostics))).status).toBe(200);
		expect((await fetchHttp(`${h.base}/v1/account/x`, bearer(diagnostics))).status).toBe(403);

		const {token: account} = await h.plant({created: 1, scopes: ['*'], permissions: {groups: ['account']}});
		expect((await fetchHttp(`${h.base}/v1/account/x`, bearer(account))).status).toBe(404);
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(account))).status).toBe(403);

		const {token: writeOnly} = await h.plant({created: 1, scopes: ['*'], permissions: {actions: ['write']}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(writeOnly))).status).toBe(403);
	});
});

describe('disableTokens setting (compatibility §6.1)', () => {
	test('with disableTokens on, no token is accepted as preauth, but cannot mint tokens', async () => {
		await h.redis.client().hset('settings', 'disableTokens', 'true');
		expect((await fetchHttp(`${h.base}/v1/stats`)).status).toBe(200);
		expect((await fetchHttp(`${h.base}/v1/stats?access_token=preauth`)).status).toBe(200);
		// A bad token is still a bad token.
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer('c'.repeat(64)))).status).toBe(401);
		const mint = await getJson(`${h.base}/v1/tokens`, {method: 'POST', body: JSON.stringify({description: 'x', account: 'a'})});
		expect(mint.status).toBe(403);
		expect(mint.body.message).toBe('Can not provision an access token for an unauthenticated request');
	});
});

describe('logs never carry the raw token', () => {
	test('header, query and path tokens stay out of every log line', async () => {
		const {token} = await issue(['*']);
		await fetchHttp(`${h.base}/v1/stats?access_token=${token}`);
		await fetchHttp(`${h.base}/v1/stats`, bearer(token));
		await fetchHttp(`${h.base}/v1/stats/${token}`, bearer(token));
		await fetchHttp(`${h.base}/v1/tokens/${token}`, {...bearer(token), method: 'DELETE'});
		const lines = h.logs.join('\n');
		expect(lines).toContain('request completed');
		expect(lines.toLowerCase()).not.toContain(token);
		const metrics = await (await fetchHttp(`${h.base}/metrics`, bearer((await issue(['metrics'])).token))).text();
		expect(metrics).not.toContain(token);
	});

	test('a path token with percent-encoded characters is hidden too, once decoded as the route decodes it', async () => {
		const {token} = await issue(['*']);
		const encoded = (text: string) => [...text].map(character => `%${character.codePointAt(0)!.toString(16)}`).join('');
		const spellings = [
			`${token.slice(0, 10)}${encoded(token.slice(10, 11))}${token.slice(11)}`,
			`${token.slice(0, 30)}${encoded(token.slice(30, 31)).toUpperCase()}${token.slice(31)}`,
			encoded(token),
			// Encoded twice: %25 is '%'.
			`${token.slice(0, 5)}%25${encoded(token.slice(5, 6)).slice(1)}${token.slice(6)}`,
		];
		for (const spelling of spellings) {
			await fetchHttp(`${h.base}/v1/tokens/${spelling}`, {...bearer(token), method: 'DELETE'});
			await fetchHttp(`${h.base}/nowhere/${spelling}`);
		}

		const lines = h.logs.join('\n');
		expect(lines).toContain('request completed');
		expect(lines.toLowerCase()).not.toContain(token);
		for (const spelling of spellings) {
			expect(lines.toLowerCase()).not.toContain(spelling.toLowerCase());
		}

		expect(lines).toContain('"path":"/v1/tokens/[redacted]"');
	});
});
