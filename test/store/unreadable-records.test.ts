import type {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {TokenStore, type UnreadableRecord} from '../../source/store/index.js';
import {MAX_RECORD_BYTES, encodeExportString} from '../../source/tokens/index.js';
import {packSummaries} from '../../source/store/summary-pack.js';
import {cliFields, deepMap, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {plantRecord} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

// The child loader runs compiled code, so that part uses the build (`npm test` builds first).
const {summariesInChild} = (await import('../../dist/store.js' as string)) as typeof import('../../source/store/index.js');

let redis: TestRedis;
let raw: Redis;
let store: TokenStore;

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client();
	store = new TokenStore(redis.client(), '');
});
afterAll(async () => redis.stop());

const DEEP = 'd'.repeat(64);
const HUGE = 'c'.repeat(64);
const NOT_A_MAP = 'b'.repeat(64);
const BOUND_DEEP = 'a'.repeat(64);
const UNREADABLE = [
	{id: DEEP, reason: 'nested deeper than 32 levels'},
	{id: HUGE, reason: 'larger than 4 MiB'},
	{id: NOT_A_MAP, reason: 'not a map'},
	{id: BOUND_DEEP, reason: 'nested deeper than 32 levels'},
];

/** The trio as EmailEngine (or anything else) would have written it, record bytes as given. */
async function plant(id: string, bytes: Buffer, account?: string | number): Promise<void> {
	await plantRecord(raw, id, bytes, account);
	await raw.rpush(`tokens:log:${id}`, 'x');
}

/** The unreadable records' bytes, built once for the file (megabytes each; every test plants them again). */
const PLANTED: Array<[id: string, bytes: Buffer, account?: string]> = [
	[DEEP, deepRecord()],
	[HUGE, rawRecord(cliFields('h'.repeat(MAX_RECORD_BYTES)))],
	[NOT_A_MAP, packed(['created', 1])],
	// Bound to acme, with its description readable before the deep part.
	[
		BOUND_DEEP,
		rawRecord([
			['account', packed('acme')],
			['description', packed('bound and broken')],
			['restrictions', deepMap(100_000)],
		]),
		'acme',
	],
];

let good: string[];
beforeEach(async () => {
	await redis.flush();
	good = [];
	for (const description of ['first', 'second']) {
		good.push((await store.issue({description, scopes: ['api'], account: description === 'second' ? 'acme' : undefined})).id);
	}

	for (const [id, bytes, account] of PLANTED) {
		await plant(id, bytes, account);
	}
});

const sorted = (records: UnreadableRecord[]) => [...records].sort((a, b) => b.id.localeCompare(a.id));
const ids = (entries: Array<{id: string}>) => entries.map(entry => entry.id).sort();

describe('records that cannot be read', () => {
	it('are skipped by every listing, each reported once with its reason, the others listed', async () => {
		const reported: UnreadableRecord[] = [];
		const onUnreadable = (record: UnreadableRecord) => reported.push(record);
		expect(ids(await store.list({onUnreadable}))).toEqual([...good].sort());
		expect(sorted(reported)).toEqual(UNREADABLE);

		reported.length = 0;
		expect(ids(await store.summaries({onUnreadable}))).toEqual([...good].sort());
		expect(sorted(reported)).toEqual(UNREADABLE);

		reported.length = 0;
		expect((await store.exportAll({onUnreadable})).map(item => item.id).sort()).toEqual([...good].sort());
		expect(sorted(reported)).toEqual(UNREADABLE);

		reported.length = 0;
		const page = await store.page({page: 0, pageSize: 10, onUnreadable});
		expect(ids(page.entries)).toEqual([...good].sort());
		// Skipped, but counted, as EmailEngine counts them (compatibility §7).
		expect(page.total).toBe(6);
		expect(sorted(reported)).toEqual(UNREADABLE);

		reported.length = 0;
		const filtered = await store.page({page: 0, pageSize: 10, query: 'second', onUnreadable});
		expect(ids(filtered.entries)).toEqual([good[1]]);
		expect(sorted(reported)).toEqual(UNREADABLE);

		reported.length = 0;
		expect(ids(await store.list({account: 'acme', onUnreadable}))).toEqual([good[1]]);
		expect(reported).toEqual([{id: BOUND_DEEP, reason: 'nested deeper than 32 levels'}]);

		const head = await store.head(10);
		expect(ids(head.summaries)).toEqual([...good].sort());
		expect(sorted(head.unreadable)).toEqual(UNREADABLE);
		// A first screen from HSCAN's first page: here every field, so the same rows as the head.
		expect(await store.sample(10)).toEqual(head);
	});

	it('are skipped by the child loader too, which reports them when the listing is in', async () => {
		const reported: UnreadableRecord[] = [];
		const target = {url: redis.url(), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const summaries = (await summariesInChild(target, {onUnreadable: record => reported.push(record)})).toArray();
		expect(ids(summaries)).toEqual([...good].sort());
		expect(sorted(reported)).toEqual(UNREADABLE);
		// The rows it sends are the same packed rows as ever.
		expect(packSummaries(summaries).count).toBe(2);
	});

	it('are an "unreadable" error to show or export, naming the id and how to revoke it', async () => {
		for (const {id, reason} of UNREADABLE) {
			const failure = await store.resolve(id).catch((error: unknown) => error);
			expect(failure).toMatchObject({code: 'unreadable'});
			expect((failure as Error).message).toBe(
				`Token ${id} is stored but its record cannot be read (${reason}); it can still be revoked: ee-tokens revoke -t ${id}`,
			);
			await expect(store.exportString(id)).rejects.toMatchObject({code: 'unreadable'});
		}

		expect(await store.get(DEEP)).toBeUndefined();
	});

	it('are read as absent when the value is also a raw token whose record can be read, as EmailEngine reads them', async () => {
		// The value names an unreadable record as an id, and a readable one as a raw token.
		const {rawToken, id} = await store.issue({description: 'found by its raw token', scopes: ['api']});
		await plant(rawToken, deepRecord());
		expect((await store.resolve(rawToken)).id).toBe(id);
		expect(await store.exportString(rawToken)).toBe(await store.exportString(id));
	});

	it('are revoked by id like any other: record, last use, audit log and the index entry its account names', async () => {
		const entry = await store.revoke(BOUND_DEEP);
		expect(entry).toMatchObject({
			id: BOUND_DEEP,
			unreadable: 'nested deeper than 32 levels',
			record: {account: 'acme', description: 'bound and broken'},
		});
		const gone = async (id: string, index: string) => {
			expect(await raw.hexists('tokens', id)).toBe(0);
			expect(await raw.hexists('tokens:access', id)).toBe(0);
			expect(await raw.exists(`tokens:log:${id}`)).toBe(0);
			expect(await raw.sismember(index, id)).toBe(0);
		};

		await gone(BOUND_DEEP, 'iat:acme');
		// The other token of acme keeps its index entry.
		expect(await raw.sismember('iat:acme', good[1]!)).toBe(1);

		const {revoked, missing} = await store.revokeMany([DEEP, HUGE, NOT_A_MAP, 'e'.repeat(64)]);
		expect(revoked.map(item => item.unreadable)).toEqual(['nested deeper than 32 levels', 'larger than 4 MiB', 'not a map']);
		expect(missing).toEqual(['e'.repeat(64)]);
		for (const id of [DEEP, HUGE, NOT_A_MAP]) {
			await gone(id, 'iat');
		}

		expect(ids(await store.list())).toEqual([...good].sort());
	});

	it('are replaced by an import of the same id, which moves the index entry', async () => {
		const outcome = await store.import(encodeExportString(BOUND_DEEP, {created: 1, scopes: ['api'], description: 'replacement'}));
		expect(outcome).toEqual({status: 'imported', id: BOUND_DEEP});
		expect(await raw.sismember('iat:acme', BOUND_DEEP)).toBe(0);
		expect(await raw.sismember('iat', BOUND_DEEP)).toBe(1);
		expect((await store.resolve(BOUND_DEEP)).record['description']).toBe('replacement');
	});
});

describe('tokens that can never authenticate', () => {
	it('are listed with their problem, and told to onUnusable, in this process and in the child loader', async () => {
		const bound = 'f0'.repeat(32);
		await plant(bound, rawRecord(cliFields('integer account', [['account', packed(12_345)]])), 12_345);
		const expected = [[bound, 'account is a number, which no request names']];
		const told: Array<[string, string]> = [];
		const onUnusable = (id: string, problem: string) => told.push([id, problem]);
		const listed = await store.list({onUnusable});
		expect(listed.map(entry => entry.id)).toContain(bound);
		expect(told).toEqual(expected);

		told.length = 0;
		const summaries = await store.summaries({onUnusable});
		expect(summaries.find(summary => summary.id === bound)?.problem).toBe(expected[0]![1]);
		expect(summaries.filter(summary => summary.id !== bound).map(summary => summary.problem)).toEqual([undefined, undefined]);
		expect(told).toEqual(expected);

		told.length = 0;
		const target = {url: redis.url(), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
		const fromChild = (await summariesInChild(target, {onUnusable})).toArray();
		expect(fromChild).toEqual(summaries);
		expect(told).toEqual(expected);
		expect((await store.head(10)).summaries.find(summary => summary.id === bound)?.problem).toBe(expected[0]![1]);
	});
});
