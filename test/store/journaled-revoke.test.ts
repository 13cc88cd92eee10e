import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {TokenStore, plannedRecord} from '../../source/store/index.js';
import {
	EMPTY_ACCESS,
	encodeLastUse,
	encodeRecord,
	parseJournal,
	journalEnd,
	journalHead,
	journalLine,
	journalSkipped,
} from '../../source/tokens/index.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
let store: TokenStore;
beforeAll(async () => {
	redis = await startRedis();
	store = new TokenStore(redis.client(), 'pfx:');
});
afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());

const raw = () => redis.client();
const id = (n: number) => `${n}`.padStart(64, 'e');
const record = (description: string) => encodeRecord({created: 1_790_000_000_000, account: 'acme', scopes: ['api'], description});

/** `count` tokens of account acme under the prefix, written in one pipeline. */
async function plant(count: number): Promise<string[]> {
	const ids = Array.from({length: count}, (_, n) => id(n));
	const pipeline = raw().pipeline();
	for (const token of ids) {
		pipeline.hset('pfx:tokens', token, record(token)).hset('pfx:tokens:access', token, EMPTY_ACCESS).sadd('pfx:iat:acme', token);
	}

	await pipeline.exec();
	return ids;
}

/** The plan of a revoke of account acme: its selection, then the snapshot of it. */
const plan = async () => store.snapshot(await store.stored({account: 'acme', includeExpired: true, unreadableRows: true}));

describe('journaled revoke in the store', () => {
	it('keeps a token whose record changed after the snapshot, and deletes the rest (batches of 1000)', async () => {
		const ids = await plant(1203);
		await raw().hset('pfx:tokens:access', ids[5]!, encodeLastUse(1, '10.0.0.1'));
		const planned = await plan();
		expect(planned).toHaveLength(1203);
		const used = planned.find(token => token.id === ids[5]);
		expect(used).toMatchObject({index: 'acme', indexed: true});
		expect(used!.access).toEqual(encodeLastUse(1, '10.0.0.1'));
		const edited = record('edited by a colleague');
		await raw().hset('pfx:tokens', ids[1100]!, edited);
		const {skipped} = await store.deleteJournaled(planned);
		expect(skipped).toEqual([ids[1100]]);
		expect(await raw().hlen('pfx:tokens')).toBe(1);
		expect(await raw().hgetBuffer('pfx:tokens', ids[1100]!)).toEqual(edited);
		expect(await raw().hexists('pfx:tokens:access', ids[1100]!)).toBe(1);
		expect(await raw().smembers('pfx:iat:acme')).toEqual([ids[1100]]);
	});

	it('plans a numeric account under its own index key and an unreadable record with its reason, as a plain one', async () => {
		const numbered = encodeRecord({created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'numbered'});
		const unreadable = Buffer.from([0xc1]);
		await raw()
			.pipeline()
			.hset('pfx:tokens', id(1), Buffer.from(numbered))
			.sadd('pfx:iat:12345', id(1))
			.hset('pfx:tokens', id(2), unreadable)
			.hset('pfx:tokens', id(3), record('plain'))
			.sadd('pfx:iat:acme', id(3))
			.exec();
		const planned = await store.snapshot(await store.stored({includeExpired: true, unreadableRows: true}));
		const byId = new Map(planned.map(token => [token.id, token]));
		expect(byId.get(id(1))).toMatchObject({index: '12345', indexed: true});
		expect(byId.get(id(2))).toMatchObject({index: null, indexed: false, unreadable: expect.any(String) as unknown});
		expect(byId.get(id(3))).toMatchObject({index: 'acme', indexed: true});
		expect([byId.get(id(1))!.unreadable, byId.get(id(3))!.unreadable]).toEqual([undefined, undefined]);
		expect(byId.get(id(2))!.record).toEqual(unreadable);
		expect(plannedRecord(byId.get(id(1))!)).toMatchObject({account: 12_345, description: 'numbered'});
	});

	it('by account: ids read from that index are journaled as in it without asking again; a record naming another account is asked about', async () => {
		const ids = await plant(2500);
		// In acme's index, but the record names another account: is it in iat:other? Asked, not assumed.
		const other = encodeRecord({created: 1_790_000_000_000, account: 'other', scopes: ['api'], description: 'moved'});
		await raw().pipeline().hset('pfx:tokens', id(9001), other).sadd('pfx:iat:acme', id(9001)).exec();
		await raw().pipeline().hset('pfx:tokens', id(9002), other).sadd('pfx:iat:acme', id(9002)).sadd('pfx:iat:other', id(9002)).exec();
		const asked = vi.spyOn(store.redis as unknown as {eeMembership: (...args: unknown[]) => Promise<unknown>}, 'eeMembership');
		try {
			const planned = await plan();
			expect(planned).toHaveLength(2502);
			const byId = new Map(planned.map(token => [token.id, token]));
			expect(ids.every(token => byId.get(token)?.indexed === true && byId.get(token)?.index === 'acme')).toBe(true);
			expect(byId.get(id(9001))).toMatchObject({index: 'other', indexed: false});
			expect(byId.get(id(9002))).toMatchObject({index: 'other', indexed: true});
			// One script for the two records naming another account; none for the 2,500 read from acme's index.
			expect(asked).toHaveBeenCalledTimes(1);
			expect(asked.mock.calls[0]!.filter(argument => argument === id(9001) || argument === id(9002))).toHaveLength(2);
			expect(asked.mock.calls[0]!).not.toContain(ids[0]);
		} finally {
			asked.mockRestore();
		}
	});

	it('restore fills in only what is missing, and a journal line of a kept token is not restored', async () => {
		const ids = await plant(3);
		const planned = (await plan()).reverse();
		const text =
			journalHead({created: 'now', redis: 'redis://x', prefix: 'pfx:'}, 3) +
			planned.map(token => journalLine(token)).join('') +
			journalEnd(3);
		await store.deleteJournaled(planned);
		// One record came back alone (another tool restored it without its index entry or last use).
		await raw().hset('pfx:tokens', ids[0]!, planned[0]!.record);
		const journal = parseJournal(`${text}${journalSkipped([ids[2]!])}`, 'j');
		expect(journal.skipped).toEqual([ids[2]]);
		const outcomes = await store.restoreJournaled(journal.tokens.slice(0, 2));
		expect(outcomes).toEqual(['restored', 'restored']);
		expect(await raw().sismember('pfx:iat:acme', ids[0]!)).toBe(1);
		expect(await raw().hexists('pfx:tokens:access', ids[0]!)).toBe(1);
		expect(await store.restoreJournaled(journal.tokens.slice(0, 2))).toEqual(['unchanged', 'unchanged']);
	});
});
