import type {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {type ReviewRecord, TokenStore} from '../../source/store/index.js';
import {encodeLastUse, encodeRecord} from '../../source/tokens/index.js';
import {deepRecord} from '../helpers/hostile-records.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
let raw: Redis;
let store: TokenStore;
const NOW = Date.parse('2027-06-01T12:00:00Z');

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client();
	store = new TokenStore(redis.client(), '', () => NOW);
});
afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());

async function readAll(options: {account?: string} = {}): Promise<ReviewRecord[]> {
	const all: ReviewRecord[] = [];
	for await (const chunk of store.reviewRecords(options)) {
		all.push(...chunk);
	}

	return all;
}

const id = (character: string) => character.repeat(64);

describe('reviewRecords', () => {
	it('reads every record, expired and unreadable ones included, with last use and account existence, and writes nothing', async () => {
		await plantRecord(raw, id('a'), encodeRecord({created: NOW - 1000, expires: NOW - 1, scopes: ['api'], description: 'expired'}));
		await plantRecord(raw, id('b'), encodeRecord({created: NOW, account: 'live', scopes: ['api'], description: 'on live'}), 'live');
		await plantRecord(raw, id('c'), encodeRecord({created: NOW, account: 'gone', scopes: ['api'], description: 'on gone'}), 'gone');
		await plantRecord(raw, id('d'), deepRecord());
		// EmailEngine's import keeps an upper-case id as it is (compatibility §1.4).
		await plantRecord(raw, 'AB'.repeat(32), encodeRecord({created: NOW, scopes: ['*'], description: 'upper'}));
		await raw.hset('tokens:access', id('b'), encodeLastUse(NOW - 5000, '10.0.0.1'));
		await raw.hset('iad:live', 'account', 'live', 'name', 'Live');
		// An account hash without its `account` field is a deleted account (compatibility §1.2).
		await raw.hset('iad:gone', 'name', 'leftover');
		const before = {size: await raw.dbsize(), dump: await dumpKeyspace(raw)};

		const read = await readAll();
		expect(read.map(entry => entry.id)).toEqual([id('d'), id('c'), id('b'), id('a'), 'AB'.repeat(32)]);
		const byId = new Map(read.map(entry => [entry.id, entry]));
		expect(byId.get(id('a'))!.record).toMatchObject({description: 'expired', expires: NOW - 1});
		expect(byId.get(id('b'))).toMatchObject({accountExists: true, lastUse: {time: NOW - 5000, ip: '10.0.0.1'}});
		expect(byId.get(id('c'))).toMatchObject({accountExists: false, lastUse: {time: null, ip: null}});
		expect(byId.get(id('d'))).toMatchObject({record: undefined, unreadable: 'nested deeper than 32 levels'});
		expect(byId.get(id('a'))!.accountExists).toBeUndefined();

		// Read-only: the expired record is not reaped, nothing else changed.
		expect(await raw.dbsize()).toBe(before.size);
		expect(await dumpKeyspace(raw)).toBe(before.dump);
	});

	it('gives review the description and account as stored, and the whole record of anything but a plain one', async () => {
		const plain = {created: NOW, scopes: ['api']};
		await plantRecord(raw, id('1'), encodeRecord({...plain, description: 'plain', account: 'acme'}), 'acme');
		await plantRecord(raw, id('2'), encodeRecord({...plain, description: ''}));
		await plantRecord(raw, id('3'), encodeRecord({...plain, description: 7}));
		await plantRecord(raw, id('4'), encodeRecord(plain));
		await plantRecord(raw, id('5'), encodeRecord({...plain, description: 'numbered', account: 12_345, metadata: '{"a":1}'}), 12_345);
		await plantRecord(raw, id('6'), encodeRecord({...plain, description: 'narrowed', restrictions: {addresses: ['10.0.0.0/8']}}));
		const byId = new Map((await readAll()).map(entry => [entry.id, entry.record]));
		expect(byId.get(id('1'))).toMatchObject({description: 'plain', account: 'acme', scopes: ['api'], created: NOW});
		expect(byId.get(id('2'))).toHaveProperty('description', '');
		expect(byId.get(id('3'))).toHaveProperty('description', 7);
		expect(byId.get(id('4'))!['description']).toBeUndefined();
		// A field of the wrong type: the record whole, the fields review does not read too.
		expect(byId.get(id('5'))).toEqual({...plain, description: 'numbered', account: 12_345, metadata: '{"a":1}'});
		expect(byId.get(id('6'))).toMatchObject({description: 'narrowed', restrictions: {addresses: ['10.0.0.0/8']}});
	});

	it("--account reads that account's index only", async () => {
		await plantRecord(raw, id('b'), encodeRecord({created: NOW, account: 'live', scopes: ['api']}), 'live');
		await plantRecord(raw, id('e'), encodeRecord({created: NOW, scopes: ['api']}));
		await raw.hset('iad:live', 'account', 'live');
		const read = await readAll({account: 'live'});
		expect(read.map(entry => [entry.id, entry.accountExists])).toEqual([[id('b'), true]]);
		expect(await readAll({account: 'nobody'})).toEqual([]);
	});

	it('5,000 tokens on 2,500 accounts: a few pipelines, no command per token, in chunks of 1,000', async () => {
		const pipeline = raw.pipeline();
		for (let index = 0; index < 5000; index++) {
			const account = `account-${index % 2500}`;
			const tokenId = index.toString(16).padStart(64, '0');
			pipeline.hset('tokens', tokenId, encodeRecord({created: NOW, account, scopes: ['api']}));
			pipeline.sadd(`iat:${account}`, tokenId);
			if (index % 2 === 0 && index < 2500) {
				pipeline.hset(`iad:${account}`, 'account', account);
			}
		}

		await pipeline.exec();
		const reader = new TokenStore(redis.client(), '', () => NOW);
		const pipelines = vi.spyOn(reader.redis, 'pipeline');
		const hexists = vi.spyOn(reader.redis, 'hexists');
		const hget = vi.spyOn(reader.redis, 'hgetBuffer');
		const sizes: number[] = [];
		const read: ReviewRecord[] = [];
		for await (const chunk of reader.reviewRecords()) {
			sizes.push(chunk.length);
			read.push(...chunk);
		}

		expect(sizes).toEqual([1000, 1000, 1000, 1000, 1000]);
		expect(read.filter(entry => entry.accountExists).length).toBe(2500);
		expect(read.filter(entry => entry.accountExists === false).length).toBe(2500);
		// Each account is asked about once: accounts of later chunks repeat earlier ones here.
		expect(pipelines.mock.calls.length).toBeLessThanOrEqual(5);
		expect(hexists).not.toHaveBeenCalled();
		expect(hget).not.toHaveBeenCalled();
	});
});
