import {afterAll, beforeAll, beforeEach, expect, test} from 'vitest';
import {type Harness, bearer, startHarness} from './harness.js';

/**
 * `serve` reuses one read of the auth settings for up to a second (README, differences): a change
 * to enableApiProxy, disableTokens or tokenAuditLog takes effect within 1 s, never later. Tokens
 * themselves are never cached. The clock is the harness's, so nothing here waits.
 */
let h: Harness;
beforeAll(async () => {
	h = await startHarness({settingsCacheMs: 1000});
});
afterAll(async () => h.close());
beforeEach(async () => {
	await h.redis.client().flushdb();
	h.clock.now = 1_900_000_000_000;
});

test('a settings change is seen once the cached read is a second old, and not before', async () => {
	const start = h.clock.now!;
	const {token} = await h.plant({created: 1, scopes: ['*'], restrictions: {addresses: ['203.0.113.7']}});
	const forwarded = bearer(token, {'x-forwarded-for': '203.0.113.7'});
	// This request reads the settings (enableApiProxy off): the socket address is refused.
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(403);

	await h.redis.client().hset('settings', 'enableApiProxy', 'true');
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(403);
	h.clock.now = start + 999;
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(403);
	h.clock.now = start + 1000;
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(200);

	// Switching it off again goes the same way.
	await h.redis.client().hdel('settings', 'enableApiProxy');
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(200);
	h.clock.now = start + 2000;
	expect((await fetch(`${h.base}/v1/stats`, forwarded)).status).toBe(403);
});

test('disableTokens is read through the same cache', async () => {
	const start = h.clock.now!;
	expect((await fetch(`${h.base}/v1/stats`)).status).toBe(401);
	await h.redis.client().hset('settings', 'disableTokens', 'true');
	expect((await fetch(`${h.base}/v1/stats`)).status).toBe(401);
	h.clock.now = start + 1000;
	expect((await fetch(`${h.base}/v1/stats`)).status).toBe(200);
});

test('a clock that goes back does not keep a read alive', async () => {
	const start = h.clock.now!;
	expect((await fetch(`${h.base}/v1/stats`)).status).toBe(401);
	await h.redis.client().hset('settings', 'disableTokens', 'true');
	h.clock.now = start - 1;
	expect((await fetch(`${h.base}/v1/stats`)).status).toBe(200);
});

test('tokens are never cached: a revoked token fails on the very next request', async () => {
	const {token, id} = await h.plant({created: 1, scopes: ['*']});
	expect((await fetch(`${h.base}/v1/stats`, bearer(token))).status).toBe(200);
	await h.store.revoke(id);
	expect((await fetch(`${h.base}/v1/stats`, bearer(token))).status).toBe(401);
});
