import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {RATE_LIMIT_EPOCH, addressAllowed, rateWindow, referrerAllowed} from '../../source/server/restrictions.js';
import {rateLimitOf} from '../../source/tokens/index.js';
import {type Harness, bearer, getJson, startHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

describe('address matching (compatibility §6.5)', () => {
	test('IPv4, IPv6, CIDR and IPv4-mapped IPv6 on either side', () => {
		expect(addressAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true);
		expect(addressAllowed('127.0.0.2', ['127.0.0.1'])).toBe(false);
		expect(addressAllowed('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
		expect(addressAllowed('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
		expect(addressAllowed('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
		expect(addressAllowed('10.1.2.3', ['::ffff:10.0.0.0/104'])).toBe(true);
		expect(addressAllowed('10.1.2.3', ['::ffff:0:0/95'])).toBe(false);
		expect(addressAllowed('::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true);
		expect(addressAllowed('127.0.0.1', ['::ffff:127.0.0.1'])).toBe(true);
		expect(addressAllowed('::1', ['0:0:0:0:0:0:0:1'])).toBe(true);
		expect(addressAllowed('2001:db8::5', ['2001:db8::/32'])).toBe(true);
		expect(addressAllowed('2001:db9::5', ['2001:db8::/32'])).toBe(false);
		// Families never cross: an IPv6 range does not hold an IPv4 client.
		expect(addressAllowed('127.0.0.1', ['::/0'])).toBe(false);
		// Unparsable entries are skipped, not fatal.
		expect(addressAllowed('127.0.0.1', ['garbage', '300.1.1.1/8', '127.0.0.1'])).toBe(true);
		expect(addressAllowed('not an ip', ['0.0.0.0/0'])).toBe(false);
		expect(addressAllowed('127.0.0.1', [])).toBe(false);
	});
});

describe('referrer globs (compatibility §6.5)', () => {
	test('* is any text, anchored, case-sensitive; a missing header is the text "undefined"', () => {
		expect(referrerAllowed('https://app.example.com/page', ['https://*.example.com/*'])).toBe(true);
		expect(referrerAllowed('https://app.example.com.evil.org/', ['https://*.example.com/'])).toBe(false);
		expect(referrerAllowed('HTTPS://APP.EXAMPLE.COM/', ['https://*.example.com/*'])).toBe(false);
		expect(referrerAllowed('https://example.com/a?b', ['https://example.com/a?b'])).toBe(true);
		expect(referrerAllowed('https://example.com/ab', ['https://example.com/a?b'])).toBe(false);
		expect(referrerAllowed(undefined, ['*'])).toBe(true);
		expect(referrerAllowed(undefined, ['https://*'])).toBe(false);
		expect(referrerAllowed(undefined, ['undefined'])).toBe(true);
	});
});

describe('rate-limit windows (compatibility §6.6)', () => {
	test('bucket and reset follow the 2000-01-01 epoch', () => {
		const start = RATE_LIMIT_EPOCH + 60_000 * 1000;
		expect(rateWindow(60, start)).toStrictEqual({window: 60, bucket: 1000, reset: 60});
		expect(rateWindow(60, start + 59_001)).toStrictEqual({window: 60, bucket: 1000, reset: 1});
		expect(rateWindow(60, start + 60_000)).toStrictEqual({window: 60, bucket: 1001, reset: 60});
	});

	// The window's length is the stored record's, read by rateLimitOf: 180 s when absent, and a
	// value that is no positive integer (0, -30, text) a limit that admits nothing.
	test('a stored rate limit is a limit only when both fields are safe positive integers', () => {
		expect(rateLimitOf(undefined)).toBeUndefined();
		expect(rateLimitOf(null)).toBeUndefined();
		expect(rateLimitOf({maxRequests: 5, timeWindow: 60})).toStrictEqual({maxRequests: 5, timeWindow: 60});
		expect(rateLimitOf({maxRequests: 5})).toStrictEqual({maxRequests: 5, timeWindow: 180});
		expect(rateLimitOf({maxRequests: 5, timeWindow: null})).toStrictEqual({maxRequests: 5, timeWindow: 180});
		for (const timeWindow of [0, -30, 1.5, '60', true, [60], Number.POSITIVE_INFINITY]) {
			expect(rateLimitOf({maxRequests: 5, timeWindow}), String(timeWindow)).toStrictEqual({maxRequests: 0, timeWindow: 180});
		}

		for (const maxRequests of ['Infinity', '1e9', '5', true, [5], Number.POSITIVE_INFINITY, Number.NaN, 2 ** 53, 1.5, 0, -1, undefined]) {
			expect(rateLimitOf({maxRequests, timeWindow: 60}), String(maxRequests)).toStrictEqual({maxRequests: 0, timeWindow: 60});
		}

		for (const rateLimit of ['100/60', false, 0, '', [5, 60]]) {
			expect(rateLimitOf(rateLimit), String(rateLimit)).toStrictEqual({maxRequests: 0, timeWindow: 180});
		}
	});
});

let h: Harness;
let v6: Harness;
beforeAll(async () => {
	h = await startHarness();
	// Listening on :: makes IPv4 clients appear as ::ffff:127.0.0.1.
	v6 = await startHarness({host: '::'});
});
afterAll(async () => {
	await h.close();
	await v6.close();
});
beforeEach(async () => {
	h.clock.now = undefined;
	await h.redis.client().flushdb();
	await v6.redis.client().flushdb();
});

const withAddresses = (addresses: unknown) => ({created: 1, scopes: ['*'], restrictions: {addresses, referrers: null, rateLimit: null}});

describe('IP allowlists over real sockets', () => {
	test('IPv4 client: allowed by address and CIDR, refused otherwise with its address in the body', async () => {
		for (const addresses of [['127.0.0.1'], ['127.0.0.0/8'], ['10.0.0.1', '127.0.0.1/32'], ['::ffff:127.0.0.1']]) {
			const {token} = await h.plant(withAddresses(addresses));
			expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status, JSON.stringify(addresses)).toBe(200);
		}

		for (const addresses of [['10.0.0.0/8'], ['::1'], [], ['garbage']]) {
			const {token} = await h.plant(withAddresses(addresses));
			const response = await getJson(`${h.base}/v1/stats`, bearer(token));
			expect(response.status, JSON.stringify(addresses)).toBe(403);
			expect(response.body).toStrictEqual({
				statusCode: 403,
				error: 'Forbidden',
				message: 'Unauthorized address',
				remoteAddress: '127.0.0.1',
			});
		}
	});

	test('IPv6 client ::1 and a mapped IPv4 client on a dual-stack listener', async () => {
		const port = new URL(v6.base).port;
		const {token: six} = await v6.plant(withAddresses(['::1/128']));
		expect((await fetchHttp(`http://[::1]:${port}/v1/stats`, bearer(six))).status).toBe(200);
		expect((await fetchHttp(`http://127.0.0.1:${port}/v1/stats`, bearer(six))).status).toBe(403);

		const {token: four} = await v6.plant(withAddresses(['127.0.0.0/8']));
		expect((await fetchHttp(`http://127.0.0.1:${port}/v1/stats`, bearer(four))).status).toBe(200);
		const refused = await getJson(`http://[::1]:${port}/v1/stats`, bearer(four));
		expect(refused.status).toBe(403);
		expect(refused.body.remoteAddress).toBe('::1');
	});

	test('X-Forwarded-For is ignored unless the enableApiProxy setting is on', async () => {
		const {token} = await h.plant(withAddresses(['203.0.113.7']));
		const forwarded = bearer(token, {'x-forwarded-for': '203.0.113.7, 10.0.0.1'});
		expect((await fetchHttp(`${h.base}/v1/stats`, forwarded)).status).toBe(403);
		await h.redis.client().hset('settings', 'enableApiProxy', 'true');
		expect((await fetchHttp(`${h.base}/v1/stats`, forwarded)).status).toBe(200);
		// A non-IP first hop falls back to the socket address.
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token, {'x-forwarded-for': 'nonsense'}))).status).toBe(403);
	});
});

describe('referrers over real requests', () => {
	test('allowed and refused Referer headers', async () => {
		const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {referrers: ['https://*.example.com/*']}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token, {referer: 'https://app.example.com/x'}))).status).toBe(200);
		const refused = await getJson(`${h.base}/v1/stats`, bearer(token, {referer: 'https://evil.org/'}));
		expect(refused.status).toBe(403);
		expect(refused.body).toStrictEqual({statusCode: 403, error: 'Forbidden', message: 'Unauthorized referrer'});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(403);

		const {token: any} = await h.plant({created: 1, scopes: ['*'], restrictions: {referrers: ['*']}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(any))).status).toBe(200);
		// An empty list is not checked at all.
		const {token: none} = await h.plant({created: 1, scopes: ['*'], restrictions: {referrers: []}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(none, {referer: 'x'}))).status).toBe(200);
	});
});

describe('rate limit over real requests', () => {
	test('N requests pass with X-RateLimit headers, the next is 429 until the window turns', async () => {
		const {token, id} = await h.plant({created: 1, scopes: ['*'], restrictions: {rateLimit: {maxRequests: 3, timeWindow: 60}}});
		// 15 seconds before the end of a window, computed rather than waited for.
		const windowStart = RATE_LIMIT_EPOCH + Math.floor((Date.now() - RATE_LIMIT_EPOCH) / 60_000) * 60_000;
		h.clock.now = windowStart + 45_000;
		const bucket = Math.floor((h.clock.now - RATE_LIMIT_EPOCH) / 60_000);

		for (let index = 1; index <= 3; index++) {
			const response = await fetchHttp(`${h.base}/v1/stats`, bearer(token));
			expect(response.status).toBe(200);
			expect(response.headers.get('x-ratelimit-limit')).toBe('3');
			expect(response.headers.get('x-ratelimit-remaining')).toBe(String(3 - index));
			expect(response.headers.get('x-ratelimit-reset')).toBe('15');
		}

		const limited = await getJson(`${h.base}/v1/stats`, bearer(token));
		expect(limited.status).toBe(429);
		expect(limited.body).toStrictEqual({statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded', ttl: 15});
		expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
		expect(limited.headers.get('x-ratelimit-reset')).toBe('15');

		// The same key EmailEngine uses, with its EXPIRE.
		const key = `rl:60:${bucket}:api:${id}`;
		expect(await h.redis.client().get(key)).toBe('4');
		expect(await h.redis.client().ttl(key)).toBeGreaterThan(0);

		// Next window: a fresh counter.
		h.clock.now = windowStart + 60_000;
		const next = await fetchHttp(`${h.base}/v1/stats`, bearer(token));
		expect(next.status).toBe(200);
		expect(next.headers.get('x-ratelimit-remaining')).toBe('2');
		expect(next.headers.get('x-ratelimit-reset')).toBe('60');
	});

	test('on /metrics a 429 is the HTML page', async () => {
		const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {rateLimit: {maxRequests: 1, timeWindow: 600}}});
		expect((await fetchHttp(`${h.base}/metrics`, bearer(token))).status).toBe(200);
		const limited = await fetchHttp(`${h.base}/metrics`, bearer(token));
		expect(limited.status).toBe(429);
		expect(limited.headers.get('content-type')).toBe('text/html; charset=utf-8');
	});

	test('errors after authentication carry the headers too (compatibility §6.6)', async () => {
		const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {rateLimit: {maxRequests: 10, timeWindow: 60}}});
		const windowStart = RATE_LIMIT_EPOCH + Math.floor((Date.now() - RATE_LIMIT_EPOCH) / 60_000) * 60_000;
		h.clock.now = windowStart + 50_000;
		for (const [path, status] of [
			['/v1/account/nobody', 404],
			['/v1/stats?seconds=many', 400],
		] as const) {
			const response = await fetchHttp(h.base + path, bearer(token));
			expect(response.status, path).toBe(status);
			expect(response.headers.get('x-ratelimit-limit'), path).toBe('10');
			expect(response.headers.get('x-ratelimit-reset'), path).toBe('10');
			expect(response.headers.get('x-ratelimit-remaining'), path).not.toBeNull();
		}
	});

	test('a rateLimit without maxRequests always limits', async () => {
		const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {rateLimit: {timeWindow: 60}}});
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(429);
	});

	test('checks run in order: address before referrer before rate limit', async () => {
		const {token, id} = await h.plant({
			created: 1,
			scopes: ['*'],
			restrictions: {addresses: ['10.0.0.1'], referrers: ['nope'], rateLimit: {maxRequests: 0, timeWindow: 60}},
		});
		const response = await getJson(`${h.base}/v1/stats`, bearer(token));
		expect(response.body.message).toBe('Unauthorized address');
		// Refused before the rate limit: no counter was touched.
		expect(await h.redis.client().keys(`rl:*${id}`)).toStrictEqual([]);
	});
});

describe('audit log (compatibility §1.7)', () => {
	test('with tokenAuditLog on, allowed and denied requests are logged newest first', async () => {
		await h.redis.client().hset('settings', 'tokenAuditLog', 'true');
		const {token, id} = await h.plant({created: 1, scopes: ['api']});
		await fetchHttp(`${h.base}/v1/stats`, bearer(token));
		await fetchHttp(`${h.base}/metrics`, bearer(token));
		await expect.poll(async () => h.redis.client().llen(`tokens:log:${id}`)).toBe(2);
		const {decodeFirstMsgpack} = await import('../../source/tokens/index.js');
		const [denied, allowed] = (await h.redis.client().lrangeBuffer(`tokens:log:${id}`, 0, -1)).map(bytes => decodeFirstMsgpack(bytes));
		expect(Object.keys(allowed as object)).toStrictEqual([
			'time',
			'ip',
			'method',
			'path',
			'action',
			'group',
			'account',
			'status',
			'reason',
		]);
		expect(allowed).toMatchObject({method: 'get', path: '/v1/stats', status: 'allowed', reason: null, account: null, ip: '127.0.0.1'});
		expect(denied).toMatchObject({path: '/metrics', status: 'denied', reason: 'scope'});
		expect(await h.redis.client().ttl(`tokens:log:${id}`)).toBeGreaterThan(600_000);
	});
});
