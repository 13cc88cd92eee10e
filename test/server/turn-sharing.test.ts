import {Agent} from 'node:http';
import {afterAll, describe, expect, test} from 'vitest';
import {decodeLastUse, encodeLastUse} from '../../source/tokens/index.js';
import {bearer, useHarness} from './harness.js';
import {type HttpInit, fetchHttp} from '../helpers/http.js';

/**
 * Requests that arrive together share their Redis work (one read of a token, of the settings and
 * of the account count, one last-use write of the same value), yet nothing is kept from one moment
 * to the next: a revoked token fails and a changed setting applies on the very next request. These
 * are the things a user of `serve` can see; how many requests share a turn is not asserted beyond
 * "fewer commands than requests".
 */
const h = useHarness();
// Connections stay open between bursts, as a busy server's clients keep theirs: a burst's requests
// then arrive together, not one connection at a time.
const kept = new Agent({keepAlive: true, maxSockets: Infinity});
afterAll(() => {
	kept.destroy();
});

const BURST = 200;

/** Redis's own count of the commands it ran, by name, since the last reset. */
async function commandCalls(): Promise<Record<string, number>> {
	const info = await h.redis.client().info('commandstats');
	const calls: Record<string, number> = {};
	for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
		calls[match[1]!] = Number(match[2]);
	}

	return calls;
}

/** `count` requests at once (each on its own connection, as many clients would send them). */
async function burst(count: number, init: () => HttpInit, path = '/v1/stats'): Promise<number[]> {
	const responses = await Promise.all(Array.from({length: count}, async () => fetchHttp(`${h.base}${path}`, {...init(), agent: kept})));
	return Promise.all(
		responses.map(async response => {
			await response.arrayBuffer();
			return response.status;
		}),
	);
}

describe('requests that arrive together', () => {
	test('all succeed, and Redis runs far fewer commands than the same requests sent one at a time', async () => {
		const {token} = await h.plant({created: 1, scopes: ['api']});
		await h.redis.client().sadd('ia:accounts', 'a', 'b', 'c');
		// The baseline, measured here: the commands of requests that cannot share a turn.
		await h.redis.client().config('RESETSTAT');
		for (let index = 0; index < 20; index++) {
			expect(await burst(1, () => bearer(token))).toStrictEqual([200]);
		}

		const alone = await commandCalls();
		// The connections are open before the measured burst, as a busy server's are.
		await burst(BURST, () => bearer(token));
		await h.redis.client().config('RESETSTAT');
		const statuses = await burst(BURST, () => bearer(token));
		expect(statuses).toStrictEqual(Array.from({length: BURST}, () => 200));

		const together = await commandCalls();
		// Each request alone is an HGET of the token, an HMGET of the settings, an HSET of last use
		// and the handler's SCARD: per request, the burst runs under half of what lone requests do.
		for (const command of ['hget', 'hmget', 'hset', 'scard']) {
			expect(alone[command], command).toBeGreaterThanOrEqual(20);
			expect(together[command], command).toBeGreaterThanOrEqual(1);
			expect(together[command]! / BURST / (alone[command]! / 20), command).toBeLessThan(0.5);
		}
	});

	test('each answer is its own: the stats body is whole and right in every one', async () => {
		const {token} = await h.plant({created: 1, scopes: ['api']});
		await h.redis.client().sadd('ia:accounts', 'a', 'b');
		const bodies = await Promise.all(
			Array.from({length: 50}, async () => (await fetchHttp(`${h.base}/v1/stats`, bearer(token))).json() as Promise<{accounts: number}>),
		);
		expect(bodies.every(body => body.accounts === 2)).toBe(true);
	});

	test("a mixed burst: every request gets its own token's answer", async () => {
		const good = await h.plant({created: 1, scopes: ['api']});
		const metricsOnly = await h.plant({created: 1, scopes: ['metrics']});
		const expired = await h.plant({created: 1, expires: Date.now() - 1, scopes: ['*']});
		const unknown = '0'.repeat(64);
		const tokens = [good.token, metricsOnly.token, expired.token, unknown, good.token.toUpperCase(), 'not-a-token'];
		const expected = [200, 403, 401, 401, 200, 401];
		let index = 0;
		const statuses = await burst(tokens.length * 30, () => bearer(tokens[index++ % tokens.length]!));
		expect(statuses).toStrictEqual(Array.from({length: tokens.length * 30}, (_value, position) => expected[position % tokens.length]));
	});

	test("last use holds one of the requests' times as EmailEngine writes it, refused requests included", async () => {
		const ok = await h.plant({created: 1, scopes: ['api']});
		const refused = await h.plant({created: 1, scopes: ['metrics']});
		const before = Date.now();
		let index = 0;
		const statuses = await burst(BURST, () => bearer(index++ % 2 === 0 ? ok.token : refused.token));
		const after = Date.now();
		expect(new Set(statuses)).toStrictEqual(new Set([200, 403]));

		for (const {id} of [ok, refused]) {
			const bytes = await h.redis.client().hgetBuffer('tokens:access', id);
			const lastUse = decodeLastUse(bytes);
			expect(lastUse?.ip).toBe('127.0.0.1');
			expect(lastUse!.time).toBeGreaterThanOrEqual(before);
			expect(lastUse!.time).toBeLessThanOrEqual(after);
			// Byte for byte: keys time then ip, the time as uint64 (compatibility §1.6, §0).
			expect(bytes).toStrictEqual(encodeLastUse(lastUse!.time!, '127.0.0.1'));
			expect(bytes!.subarray(0, 7).toString('hex')).toBe('82a474696d65cf');
		}
	});

	test('with one clock reading for the whole burst, that is the time on record', async () => {
		const {token, id} = await h.plant({created: 1, scopes: ['api']});
		h.clock.now = 1_734_953_814_623;
		expect(new Set(await burst(50, () => bearer(token)))).toStrictEqual(new Set([200]));
		const bytes = await h.redis.client().hgetBuffer('tokens:access', id);
		expect(bytes!.toString('hex')).toBe(`82a474696d65cf00000193f34e4a5fa26970a9${Buffer.from('127.0.0.1').toString('hex')}`);
	});
});

describe('nothing is kept from one moment to the next', () => {
	test('a token revoked between two bursts fails on the very next request', async () => {
		const {token, id} = await h.plant({created: 1, scopes: ['api']});
		expect(new Set(await burst(100, () => bearer(token)))).toStrictEqual(new Set([200]));
		await h.store.revoke(id);
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(401);
		expect(new Set(await burst(100, () => bearer(token)))).toStrictEqual(new Set([401]));
	});

	test('a token issued right after a refused request works on the next one', async () => {
		const {token, id} = await h.plant({created: 1, scopes: ['api']});
		await h.store.revoke(id);
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(401);
		// The same raw token, provisioned again, as an import would.
		await h.redis.client().hset('tokens', id, Buffer.from('81a673636f70657391a3617069', 'hex'));
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(token))).status).toBe(200);
	});

	test('a settings change is seen by the next request, with no delay', async () => {
		const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {addresses: ['203.0.113.7']}});
		const forwarded = () => bearer(token, {'x-forwarded-for': '203.0.113.7'});
		expect(new Set(await burst(50, forwarded))).toStrictEqual(new Set([403]));
		await h.redis.client().hset('settings', 'enableApiProxy', 'true');
		expect((await fetchHttp(`${h.base}/v1/stats`, forwarded())).status).toBe(200);
		expect(new Set(await burst(50, forwarded))).toStrictEqual(new Set([200]));
		await h.redis.client().hdel('settings', 'enableApiProxy');
		expect((await fetchHttp(`${h.base}/v1/stats`, forwarded())).status).toBe(403);
	});

	test('disableTokens applies to the next request and stops applying at once', async () => {
		expect((await fetchHttp(`${h.base}/v1/stats`)).status).toBe(401);
		await h.redis.client().hset('settings', 'disableTokens', 'true');
		expect((await fetchHttp(`${h.base}/v1/stats`)).status).toBe(200);
		await h.redis.client().hset('settings', 'disableTokens', 'false');
		expect((await fetchHttp(`${h.base}/v1/stats`)).status).toBe(401);
	});

	test('a new account is counted by the next /v1/stats', async () => {
		const {token} = await h.plant({created: 1, scopes: ['api']});
		expect(((await (await fetchHttp(`${h.base}/v1/stats`, bearer(token))).json()) as {accounts: number}).accounts).toBe(0);
		await h.redis.client().sadd('ia:accounts', 'new');
		expect(((await (await fetchHttp(`${h.base}/v1/stats`, bearer(token))).json()) as {accounts: number}).accounts).toBe(1);
	});
});
