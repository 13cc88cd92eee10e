import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SummaryTable, TokenStore} from '../../source/store/index.js';
import {encodeMsgpack} from '../../source/tokens/index.js';
import {seedTokens} from '../bench/seed.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';

// The child runs compiled code (it loads a .js file), so this test uses the build.
const built = '../../dist/store.js';
const {summariesInChild} = (await import(built)) as typeof import('../../source/store/index.js');

let redis: TestRedis;

beforeAll(async () => {
	redis = await startRedis();
});

afterAll(async () => redis.stop());

describe('summaries read in a child process', () => {
	it('are what the store reads on this thread, prefix and filters included', async () => {
		const store = new TokenStore(redis.client(), 'ee:');
		for (let index = 0; index < 30; index++) {
			await store.issue({
				description: `Token ${index} für Ünïcode 請求`,
				scopes: index % 2 ? ['api'] : ['metrics', 'smtp'],
				account: index % 3 ? undefined : `acct-${index}`,
			});
		}

		// Issued a minute ago, expired 30 s ago (the child reads the real clock, so the record is dated back).
		const minuteAgo = new TokenStore(redis.client(), 'ee:', () => Date.now() - 60_000);
		await minuteAgo.issue({description: 'soon gone', scopes: ['api'], expires: Date.now() - 30_000});
		const target = {url: redis.url(), source: '--dbs.redis' as const, prefix: 'ee:', timeoutMs: 10_000};
		const here = await store.summaries();
		expect(here).toHaveLength(30);
		expect((await summariesInChild(target)).toArray()).toEqual(here);
		expect((await summariesInChild(target, {scope: 'smtp', includeExpired: true})).toArray()).toEqual(
			await store.summaries({scope: 'smtp', includeExpired: true}),
		);
	});

	// Parts of PART_ROWS (10,000) rows: 10,500 make two. A reload is given the table it replaces and
	// gets back only what changed; what it shows must be what a fresh read shows, whatever changed.
	it('comes in parts past 10,000 rows, each row where the listing has it; a reload against the table it replaces shows every change', async () => {
		const client = redis.client(10);
		await seedTokens(client, 10_500);
		const store = new TokenStore(client, '');
		const target = {url: redis.url(10), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const fresh = async () => store.summaries();
		let table = await summariesInChild(target);
		const first = await fresh();
		expect(table.length).toBe(10_500);
		expect(table.toArray()).toEqual(first);
		for (const index of [0, 9_999, 10_000, 10_234, 10_499]) {
			expect(table.idAt(index)).toBe(first[index]!.id);
			expect(table.indexOf(first[index]!.id)).toBe(index);
		}

		const reloaded = async () => {
			table = await summariesInChild(target, {}, table);
			return table.toArray();
		};

		// Nothing changed; then a last use in the second part, a description in the first, a new token (every row moves).
		expect(await reloaded()).toEqual(first);

		const usedId = table.idAt(10_234);
		await client.hset('tokens:access', usedId, Buffer.from(encodeMsgpack({time: 1_790_000_000_000, ip: '10.9.9.9'})));
		const beforeUse = table;
		expect(await reloaded()).toEqual(await fresh());
		expect(table.row(10_234)!.lastUsed).toBe(1_790_000_000_000);
		expect(beforeUse.row(10_234)!.lastUsed).toBe(first[10_234]!.lastUsed);

		const editedId = table.idAt(3);
		await store.edit(editedId, {description: 'renamed while the table was on screen'});
		expect(await reloaded()).toEqual(await fresh());
		expect(table.byId(editedId)!.description).toBe('renamed while the table was on screen');

		const issued = await store.issue({description: 'issued between two reloads', scopes: ['api']});
		const afterIssue = await fresh();
		expect(afterIssue).toHaveLength(10_501);
		expect(await reloaded()).toEqual(afterIssue);
		expect(table.byId(issued.id)!.description).toBe('issued between two reloads');

		// A table packed in this process (a small instance that grew) has no fingerprints: all is read.
		table = SummaryTable.of(afterIssue.slice(0, 5));
		expect(await reloaded()).toEqual(afterIssue);
	}, 60_000);

	it("fails with the store's one-line Redis error when Redis cannot be reached", async () => {
		const port = await freePort();
		const failure = await summariesInChild({
			url: `redis://127.0.0.1:${port}/8`,
			source: '--dbs.redis',
			prefix: '',
			timeoutMs: 10_000,
		}).catch((error: unknown) => error);
		expect(failure).toMatchObject({code: 'redis'});
		expect((failure as Error).message).toMatch(/^Cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+\/8 \(ECONNREFUSED\)$/);
	});
});
