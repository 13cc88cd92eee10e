import type {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {seedTokens} from '../bench/seed.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

// The child runs compiled code (it loads a .js file), so this test uses the build.
const built = '../../dist/store.js';
const {IN_PROCESS_LIMIT, loadSummaries} = (await import(built)) as typeof import('../../source/store/index.js');

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
		const small = await loadSummaries(store, target, {unreadableRows: true});
		expect(small.forked).toBe(false);
		expect(await connectionsAccepted()).toBe(before);
		expect(small.summaries).toEqual(expected);

		// The same 50 records over a limit of 50: the child reads them, over its own connection.
		const large = await loadSummaries(store, target, {unreadableRows: true}, 50);
		expect(large.forked).toBe(true);
		expect(await connectionsAccepted()).toBeGreaterThan(before);
		expect(large.summaries).toEqual(expected);
	});

	it('says which Redis failed when the count cannot be read', async () => {
		const client = redis.client(4);
		await client.set('tokens', 'not a hash');
		const store = new TokenStore(client, '');
		const target = {url: redis.url(4), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		await expect(loadSummaries(store, target, {})).rejects.toThrow(/WRONGTYPE/);
	});
});
