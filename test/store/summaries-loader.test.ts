import type {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {inventoryOf} from '../../source/tokens/index.js';
import {seedTokens} from '../bench/seed.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

// The child runs compiled code (it loads a .js file), so this test uses the build.
const built = '../../dist/store.js';
const {IN_PROCESS_LIMIT, loadInventory, loadSummaryTable, loadSummaryTableWithHead} = (await import(
	built
)) as typeof import('../../source/store/index.js');

let redis: TestRedis;
let admin: Redis;
beforeAll(async () => {
	redis = await startRedis();
	// One client for the counts (each client() is a connection of its own).
	admin = redis.client(0);
});
afterAll(async () => redis.stop());

/** Connections Redis has accepted so far: a child loader opens one of its own, this process does not. */
async function connectionsAccepted(): Promise<number> {
	const info = await admin.info('stats');
	return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

describe('the app table load', () => {
	it('reads a small instance in this process, without a child, and a large one in the child', async () => {
		const db = 3;
		const client = redis.client(db);
		await seedTokens(client, 50);
		const store = new TokenStore(client, '');
		const target = {url: redis.url(db), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const expected = await store.summaries({unreadableRows: true});
		expect(50).toBeLessThan(IN_PROCESS_LIMIT);

		const before = await connectionsAccepted();
		const small = await loadSummaryTable(store, target, {unreadableRows: true});
		expect(small.forked).toBe(false);
		expect(await connectionsAccepted()).toBe(before);
		expect(small.table.toArray()).toEqual(expected);

		// The same 50 records over a limit of 50: the child reads them, over its own connection.
		const large = await loadSummaryTable(store, target, {unreadableRows: true}, 50);
		expect(large.forked).toBe(true);
		expect(await connectionsAccepted()).toBeGreaterThan(before);
		expect(large.table.toArray()).toEqual(expected);
	});

	it("counts serve's inventory the same here and in the child, which sends back only the counts", async () => {
		const db = 7;
		const client = redis.client(db);
		await seedTokens(client, 60);
		// One record that cannot be read: counted as unreadable, not as a token.
		await client.hset('tokens', 'f'.repeat(64), Buffer.from([0xc1]));
		const store = new TokenStore(client, '');
		const target = {url: redis.url(db), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const now = Date.now();
		const expected = inventoryOf(await store.summaries(), 1, now);
		// The seeded instance's shape (test/bench/seed.ts): every third token `metrics`, every fourth bound.
		expect(expected).toMatchObject({tokens: 60, unreadable: 1, bound: 15, unbound: 45});
		expect(expected.byScope).toMatchObject({metrics: 20, api: 40});

		const before = await connectionsAccepted();
		const small = await loadInventory(store, target, now);
		expect(small).toEqual({inventory: expected, forked: false});
		expect(await connectionsAccepted()).toBe(before);

		const large = await loadInventory(store, target, now, 50);
		expect(large).toEqual({inventory: expected, forked: true});
		expect(await connectionsAccepted()).toBeGreaterThan(before);
		// Counted at the time it was given, not the child's own clock: a year on, every token is unused.
		const later = await loadInventory(store, target, now + 365 * 86_400_000, 50);
		expect(later.inventory.unused).toBe(60);
	});

	it("shows a large instance's first screen from a page of HSCAN, reading no id list here, and the whole table after it", async () => {
		const db = 5;
		const client = redis.client(db);
		await seedTokens(client, 300);
		const store = new TokenStore(client, '');
		const target = {url: redis.url(db), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const expected = await store.summaries({unreadableRows: true});
		const hkeys = async () => Number(/cmdstat_hkeys:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
		const before = {hkeys: await hkeys(), connections: await connectionsAccepted()};
		// Over a limit of 100, 300 tokens are a large instance.
		const {head, all} = loadSummaryTableWithHead(store, target, {unreadableRows: true}, 20, 100);
		const first = await head;
		expect(await hkeys()).toBe(before.hkeys);
		// Nothing else is read until the app asks for the whole table.
		expect(await connectionsAccepted()).toBe(before.connections);
		expect(first.ids).toBe(300);
		expect(first.summaries).toHaveLength(20);
		// Rows of the listing as they are, in its order (id descending), whichever they are.
		const byId = new Map(expected.map(summary => [summary.id, summary]));
		expect(first.summaries.map(summary => byId.get(summary.id))).toEqual(first.summaries);
		expect(first.summaries.map(summary => summary.id)).toEqual(
			first.summaries
				.map(summary => summary.id)
				.sort()
				.reverse(),
		);

		const whole = await all();
		expect(whole.forked).toBe(true);
		expect(whole.table.toArray()).toEqual(expected);
		expect(await all()).toBe(whole);
	});

	it("reads a small instance's first rows (the highest ids) and then its whole table in this process", async () => {
		await seedTokens(redis.client(6), 50);
		const store = new TokenStore(redis.client(6), '');
		const target = {url: redis.url(6), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const expected = await store.summaries({unreadableRows: true});
		const before = await connectionsAccepted();
		const {head, all} = loadSummaryTableWithHead(store, target, {unreadableRows: true}, 10);
		expect(await head).toEqual({ids: 50, summaries: expected.slice(0, 10), unreadable: []});
		const whole = await all();
		expect(whole.forked).toBe(false);
		expect(whole.table.toArray()).toEqual(expected);
		expect(await connectionsAccepted()).toBe(before);
	});

	it('says which Redis failed when the count cannot be read', async () => {
		const client = redis.client(4);
		await client.set('tokens', 'not a hash');
		const store = new TokenStore(client, '');
		const target = {url: redis.url(4), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		await expect(loadInventory(store, target, Date.now())).rejects.toThrow(/WRONGTYPE/);
		await expect(loadSummaryTable(store, target, {})).rejects.toThrow(/WRONGTYPE/);
		const {head, all} = loadSummaryTableWithHead(store, target, {}, 10);
		await expect(head).rejects.toThrow(/WRONGTYPE/);
		await expect(all()).rejects.toThrow(/WRONGTYPE/);
	});
});
