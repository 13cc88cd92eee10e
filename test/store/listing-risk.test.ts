import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {encodeLastUse, encodeRecord} from '../../source/tokens/index.js';
import {deepRecord} from '../helpers/hostile-records.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

// The child runs compiled code (it loads a .js file), so the child's part uses the build.
const built = '../../dist/store.js';
const {summariesInChild} = (await import(built)) as typeof import('../../source/store/index.js');

let redis: TestRedis;
const NOW = Date.now();
const DAY = 86_400_000;
const id = (character: string) => character.repeat(64);

beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());

/** Tokens whose review level is known, planted as EmailEngine stores them. */
async function plant(): Promise<void> {
	const raw = redis.client();
	const soon = NOW + 30 * DAY;
	await plantRecord(raw, id('a'), encodeRecord({created: NOW - DAY, scopes: ['*'], description: 'admin'}));
	await plantRecord(raw, id('b'), encodeRecord({created: NOW - DAY, scopes: ['api'], account: 'live', expires: soon}), 'live');
	await plantRecord(raw, id('c'), encodeRecord({created: NOW - DAY, scopes: ['api'], account: 'gone', expires: soon}), 'gone');
	await plantRecord(raw, id('d'), encodeRecord({created: NOW - DAY, scopes: ['metrics'], expires: soon}));
	await plantRecord(raw, id('e'), encodeRecord({created: NOW - 30 * DAY, scopes: ['*'], expires: NOW - DAY}));
	await plantRecord(
		raw,
		id('f'),
		encodeRecord({created: NOW - DAY, scopes: ['api'], restrictions: {addresses: ['::/0']}, expires: soon, account: 'live'}),
		'live',
	);
	await plantRecord(raw, id('9'), deepRecord());
	await raw.hset('iad:live', 'account', 'live', 'name', 'Live');
	// A hash without the `account` field is no account (compatibility §1.2).
	await raw.hset('iad:gone', 'name', 'leftover');
	for (const used of ['b', 'c', 'd', 'f']) {
		await raw.hset('tokens:access', id(used), encodeLastUse(NOW - 3_600_000, '10.0.0.7'));
	}
}

const EXPECTED = {
	[id('f')]: 'medium', // restrictions that let every IPv6 address through
	[id('e')]: 'low', // expired, still stored
	[id('d')]: null, // used, expiring in a month, narrow scope: nothing to say
	[id('c')]: 'medium', // bound to an account that no longer exists
	[id('b')]: null, // bound to an account that exists
	[id('a')]: 'high', // every scope, unbound
	[id('9')]: 'medium', // cannot be read
};

describe('a listing with each row’s review risk, against real Redis', () => {
	it('gives each row the level review gives its token, account existence included, and writes nothing', async () => {
		await plant();
		const store = new TokenStore(redis.client(), '');
		const before = await dumpKeyspace(redis.client());
		const rows = await store.summaries({risk: true, includeExpired: true, unreadableRows: true});
		expect(Object.fromEntries(rows.map(row => [row.id, row.risk]))).toEqual(EXPECTED);
		// The same from review itself (the CLI's owner), token by token.
		const {reviewToken, highestLevel} = await import('../../source/tokens/index.js');
		for await (const chunk of store.reviewRecords()) {
			for (const entry of chunk) {
				expect(highestLevel(reviewToken({...entry, now: NOW})) ?? null, entry.id).toBe(EXPECTED[entry.id]);
			}
		}

		expect(await dumpKeyspace(redis.client())).toEqual(before);
		// Without asking, nothing is reckoned.
		expect((await store.summaries()).map(row => row.risk)).toEqual([undefined, undefined, undefined, undefined, undefined]);
	});

	it('is the same when a large listing is read in a child process, and on the first rows (head)', async () => {
		await plant();
		const store = new TokenStore(redis.client(), '');
		const target = {url: redis.url(), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const rows = (await summariesInChild(target, {risk: true, includeExpired: true, unreadableRows: true})).toArray();
		expect(Object.fromEntries(rows.map(row => [row.id, row.risk]))).toEqual(EXPECTED);
		const {summaries} = await store.head(3, {risk: true, unreadableRows: true});
		expect(summaries.map(row => [row.id, row.risk])).toEqual([
			[id('f'), 'medium'],
			[id('d'), null],
			[id('c'), 'medium'],
		]);
	});
});
