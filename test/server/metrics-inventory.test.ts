import {describe, expect, test} from 'vitest';
import {SCOPE_LABELS, encodeLastUse, inventoryOf, summaryOf} from '../../source/tokens/index.js';
import {InventoryCache} from '../../source/server/token-inventory.js';
import {expositionProblems, labelValues, samples} from '../helpers/prometheus.js';
import {bearer, useHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const CACHE_MS = 10_000;

let root: string;
const h = useHarness(
	async harness => {
		harness.clock.now = NOW;
		root = (await harness.store.issue({description: 'root', scopes: ['*']})).rawToken;
	},
	{inventoryCacheMs: CACHE_MS},
);

const scrape = async (token = root) => {
	const response = await fetchHttp(`${h.base}/metrics`, bearer(token));
	expect(response.status).toBe(200);
	return response.text();
};

/** How many HSCAN commands Redis ran since the last reset: one inventory read is a few of them. */
async function hscans(): Promise<number> {
	const info = await h.redis.client().info('commandstats');
	return Number(/cmdstat_hscan:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe('/metrics token gauges', () => {
	test('count the stored tokens by scope, binding, expiry and use; no id, account or stored text in any label', async () => {
		const {store, redis} = h;
		await store.issue({description: 'bound', scopes: ['api'], account: 'acme-secret-account'});
		await store.issue({description: 'expiring', scopes: ['metrics', 'smtp'], expires: NOW + 3 * DAY});
		await store.issue({description: 'expired', scopes: ['api'], expires: NOW + 1000});
		// A hostile scope must not become a label value of its own.
		await h.plant({created: NOW - 100 * DAY, scopes: ['evil"} 1\nx_total 9', 'api'], description: 'hostile'});
		const old = await h.plant({created: NOW - 200 * DAY, scopes: ['api'], description: 'old'});
		await redis.client().hset('tokens:access', old.id, encodeLastUse(NOW - 95 * DAY, '10.0.0.1'));
		await h.plant({created: NOW, scopes: [], description: 'no scope'});
		await h.plant({created: NOW, description: 'no scopes field'});
		await redis.client().hset('tokens', 'f'.repeat(64), Buffer.from([0xc1, 0xc1]));
		h.clock.now = NOW + 2000;

		const text = await scrape();
		expect(expositionProblems(text)).toEqual([]);
		const values = samples(text);
		const scope = (label: string) => values.get(`api_tokens_by_scope{scope=${JSON.stringify(label)}}`);
		expect(values.get('api_tokens_inventory_up')).toBe(1);
		// root, bound, expiring, hostile, old, no scope, no scopes field; the expired one is not counted.
		expect(values.get('api_tokens')).toBe(7);
		expect([scope('*'), scope('api'), scope('metrics'), scope('smtp'), scope('imap-proxy'), scope('mcp')]).toEqual([1, 3, 1, 1, 0, 0]);
		expect([scope('none'), scope('unset'), scope('invalid')]).toEqual([1, 1, 1]);
		expect(values.get('api_tokens_by_binding{bound="true"}')).toBe(1);
		expect(values.get('api_tokens_by_binding{bound="false"}')).toBe(6);
		expect(values.get('api_tokens_expiring_soon')).toBe(1);
		// root authenticated this scrape; the other six never did but "old", used 95 days ago.
		expect(values.get('api_tokens_never_used')).toBe(5);
		// hostile (created 100 days ago, never used) and old (last used 95 days ago).
		expect(values.get('api_tokens_unused')).toBe(2);
		expect(values.get('api_tokens_unreadable')).toBe(1);
		expect(new Set(labelValues(text, 'api_tokens_by_scope', 'scope'))).toEqual(new Set(SCOPE_LABELS));
		expect(text).not.toMatch(/[\da-f]{64}/i);
		expect(text).not.toContain('acme');
		expect(text).not.toContain('evil');
		expect(text).not.toContain('hostile');
	});

	test('authentication outcomes are a counter named _total, an expired token counted as expired', async () => {
		const expiring = await h.store.issue({description: 'short', scopes: ['api'], expires: NOW + 1000});
		const api = await h.store.issue({description: 'api only', scopes: ['api']});
		h.clock.now = NOW + 5000;
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(expiring.rawToken))).status).toBe(401);
		expect((await fetchHttp(`${h.base}/metrics`, bearer(api.rawToken))).status).toBe(403);
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer('0'.repeat(64)))).status).toBe(401);
		const text = await scrape();
		expect(expositionProblems(text)).toEqual([]);
		expect(text).toContain('# TYPE api_auth_outcomes_total counter');
		const values = samples(text);
		expect(values.get('api_auth_outcomes_total{result="expired"}')).toBeGreaterThanOrEqual(1);
		expect(values.get('api_auth_outcomes_total{result="scope"}')).toBeGreaterThanOrEqual(1);
		expect(values.get('api_auth_outcomes_total{result="bad_token"}')).toBeGreaterThanOrEqual(1);
	});

	test('are read at most once per cache time, by the server clock', async () => {
		await scrape();
		await h.redis.client().config('RESETSTAT');
		await h.store.issue({description: 'new', scopes: ['api']});
		const cached = samples(await scrape());
		expect(cached.get('api_tokens')).toBe(1);
		expect(await hscans()).toBe(0);
		h.clock.now = NOW + CACHE_MS;
		expect(samples(await scrape()).get('api_tokens')).toBe(2);
		expect(await hscans()).toBeGreaterThan(0);
	});

	test('scrapes that come together cost one read', async () => {
		await scrape();
		h.clock.now = NOW + CACHE_MS;
		await h.redis.client().config('RESETSTAT');
		await scrape();
		const one = await hscans();
		h.clock.now = NOW + 2 * CACHE_MS;
		await h.redis.client().config('RESETSTAT');
		const texts = await Promise.all([scrape(), scrape(), scrape(), scrape()]);
		expect(texts.map(text => samples(text).get('api_tokens'))).toEqual([1, 1, 1, 1]);
		expect(await hscans()).toBe(one);
	});

	test('a Redis that cannot give the inventory: /metrics still answers, with the process metrics and inventory_up 0, logged once', async () => {
		// disableTokens lets the scrape in without reading the tokens hash, which now holds a string.
		await h.redis.client().hset('settings', 'disableTokens', 'true');
		await h.redis.client().set('tokens', 'not a hash');
		for (let index = 0; index < 2; index++) {
			const response = await fetchHttp(`${h.base}/metrics`);
			expect(response.status).toBe(200);
			const text = await response.text();
			expect(expositionProblems(text)).toEqual([]);
			expect(samples(text).get('api_tokens_inventory_up')).toBe(0);
			expect(text).not.toMatch(/^api_tokens /m);
			expect(text).toContain('process_cpu_user_seconds_total');
		}

		const failed = h.logs.filter(line => line.includes('Reading the token inventory failed'));
		expect(failed).toHaveLength(1);
		expect(JSON.parse(failed[0]!).level).toBe(40);
		await h.redis.client().del('tokens');
		const text = await (await fetchHttp(`${h.base}/metrics`)).text();
		expect(samples(text).get('api_tokens_inventory_up')).toBe(1);
		expect(samples(text).get('api_tokens')).toBe(0);
		expect(h.logs.filter(line => line.includes('Reading the token inventory works again'))).toHaveLength(1);
	});
});

test('a token with no scopes field counts as unset even when another field is broken; a broken scopes field as invalid', () => {
	const noScopesBadRestrictions = summaryOf('b'.repeat(64), {created: NOW, description: 'x', restrictions: 'x'});
	const noScopesBadExpiry = summaryOf('c'.repeat(64), {created: NOW, description: 'x', expires: 'soon'});
	const scopesText = summaryOf('d'.repeat(64), {created: NOW, description: 'x', scopes: 'api'});
	const {byScope} = inventoryOf([noScopesBadRestrictions, noScopesBadExpiry, scopesText], 0, NOW);
	expect(byScope.unset).toBe(2);
	expect(byScope.invalid).toBe(1);
});

describe('the inventory cache', () => {
	const inventory = inventoryOf([], 0, NOW);

	test('a read that does not finish in time is no inventory, and the scrapes meanwhile share it', async () => {
		let reads = 0;
		let finish: (value: typeof inventory) => void = () => {};
		const cache = new InventoryCache({
			read: async () => {
				reads++;
				return new Promise(resolve => {
					finish = resolve;
				});
			},
			now: () => NOW,
			cacheMs: CACHE_MS,
			waitMs: 1,
		});
		expect(await cache.current()).toBeUndefined();
		expect(await cache.current()).toBeUndefined();
		expect(reads).toBe(1);
		// The late read still fills the cache for the next scrape.
		finish(inventory);
		await new Promise(resolve => setImmediate(resolve));
		expect(await cache.current()).toBe(inventory);
		expect(reads).toBe(1);
	});

	test('an inventory is read again when the clock is set back, not kept until it catches up', async () => {
		let reads = 0;
		const clock = {now: NOW};
		const cache = new InventoryCache({
			read: async () => {
				reads++;
				return inventory;
			},
			now: () => clock.now,
			cacheMs: CACHE_MS,
			waitMs: 60_000,
		});
		await cache.current();
		clock.now = NOW + CACHE_MS - 1;
		await cache.current();
		expect(reads).toBe(1);
		clock.now = NOW - DAY;
		await cache.current();
		expect(reads).toBe(2);
	});

	test('a failed read is no inventory, and the next scrape reads again', async () => {
		let reads = 0;
		const errors: unknown[] = [];
		const cache = new InventoryCache({
			read: async () => {
				reads++;
				if (reads === 1) {
					throw new Error('WRONGTYPE');
				}

				return inventory;
			},
			now: () => NOW,
			cacheMs: CACHE_MS,
			waitMs: 60_000,
			onRead: error => errors.push(error),
		});
		expect(await cache.current()).toBeUndefined();
		expect(await cache.current()).toBe(inventory);
		expect(reads).toBe(2);
		expect(errors.map(error => (error instanceof Error ? error.message : error))).toEqual(['WRONGTYPE', undefined]);
	});
});
