import {type Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {ImportStopped, TokenStore, keysFor} from '../../source/store/index.js';
import {
	decodeExportString,
	decodeRecord,
	encodeExportString,
	encodeMsgpack,
	encodeRecord,
	parseQuery,
	summaryOf,
	tokenIdOf,
} from '../../source/tokens/index.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {VECTOR} from '../helpers/vectors.js';
import {dumpKeyspace} from '../helpers/keyspace.js';

let redis: TestRedis;
let raw: Redis;
let store: TokenStore;
const keys = keysFor('');
/** How far the store's clock runs ahead of the real one: a token expires without a sleep. */
let ahead = 0;

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client();
	store = new TokenStore(redis.client(), '', () => Date.now() + ahead);
});

afterAll(async () => redis.stop());
beforeEach(async () => {
	ahead = 0;
	await redis.flush();
});

const hexOf = async (key: string, field: string) => (await raw.hgetBuffer(key, field))?.toString('hex');

describe('issue (provision)', () => {
	it('writes the record, an empty access record and the root index in one go', async () => {
		const {rawToken, id, record} = await store.issue({description: 'my token', scopes: ['*']});
		expect(rawToken).toMatch(/^[\da-f]{64}$/);
		expect(id).toBe(tokenIdOf(rawToken));
		const stored = decodeRecord((await raw.hgetBuffer(keys.tokens, id))!);
		expect(Object.keys(stored)).toEqual(['created', 'scopes', 'description']);
		expect(stored).toEqual(record);
		// created is an integer (uint64 cf), never a Date, in storage.
		expect((await hexOf(keys.tokens, id))!.slice(0, 20)).toBe(`83a7${Buffer.from('created').toString('hex')}cf`);
		expect(await hexOf(keys.access, id)).toBe('80');
		expect(await raw.sismember('iat', id)).toBe(1);
		// The raw token itself is nowhere in Redis.
		const dump = await dumpKeyspace(raw);
		expect(dump).not.toContain(rawToken);
	});

	it('indexes a bound token under iat:{account}', async () => {
		const {id} = await store.issue({description: 'bound', scopes: ['api'], account: 'example'});
		expect(await raw.sismember('iat:example', id)).toBe(1);
		expect(await raw.sismember('iat', id)).toBe(0);
	});
});

describe('records shaped by EmailEngine itself', () => {
	const restId = 'f'.repeat(64);
	const cliId = 'e'.repeat(64);
	beforeEach(async () => {
		// REST-minted: ip/remoteAddress, every restriction key present with nil, permissions.
		await raw.hset(
			keys.tokens,
			restId,
			Buffer.from(
				encodeMsgpack({
					created: 1_734_953_814_623,
					account: 'example',
					ip: '10.0.0.1',
					remoteAddress: '10.0.0.2',
					scopes: ['api'],
					description: 'rest token',
					restrictions: {referrers: null, addresses: ['10.0.0.0/8'], rateLimit: null},
					metadata: '{"a":1}',
				}),
			),
		);
		await raw.hset(keys.access, restId, Buffer.from([0x80]));
		await raw.sadd('iat:example', restId);
		// EmailEngine's CLI with `-a 123` stores the account as a msgpack integer (compatibility §4).
		await raw.hset(keys.tokens, cliId, encodeRecord({created: 1_734_953_814_000, account: 123, scopes: ['*'], description: 'numeric'}));
		await raw.sadd('iat:123', cliId);
	});

	it('lists them, with the integer account read as text', async () => {
		const entries = await store.list();
		expect(entries.map(entry => entry.id)).toEqual([restId, cliId]);
		expect((await store.list({account: '123'})).map(entry => entry.id)).toEqual([cliId]);
		expect((await store.list({account: 'example'}))[0]!.record['restrictions']).toEqual({
			referrers: null,
			addresses: ['10.0.0.0/8'],
			rateLimit: null,
		});
	});

	it('exports them with every key kept', async () => {
		const text = await store.exportString(restId);
		// id first, then every stored key in stored order (a 9-entry map: 0x89 → "iaJpZNlA").
		expect(text.startsWith('iaJpZNlA')).toBe(true);
		const {id, fields} = decodeExportString(text);
		expect(id).toBe(restId);
		expect(Object.keys(fields)).toEqual(['created', 'account', 'ip', 'remoteAddress', 'scopes', 'description', 'restrictions', 'metadata']);
		expect(fields['created']).toEqual(new Date(1_734_953_814_623));
	});

	it('revokes them from the right index', async () => {
		await raw.lpush(keys.auditLog(cliId), 'x');
		await store.revoke(cliId);
		expect(await raw.hexists(keys.tokens, cliId)).toBe(0);
		expect(await raw.sismember('iat:123', cliId)).toBe(0);
		expect(await raw.exists(keys.auditLog(cliId))).toBe(0);
		await store.revoke(restId);
		expect(await raw.exists('iat:example', keys.tokens, keys.access)).toBe(0);
	});
});

describe('list', () => {
	it('sorts by id descending, filters by query, scope and account, hides expired', async () => {
		const a = await store.issue({description: 'Prometheus  Scraper', scopes: ['metrics']});
		const b = await store.issue({description: 'ci', scopes: ['api'], account: 'Acme'});
		const c = await store.issue({description: 'everything', scopes: ['*']});
		const expired = await store.issue({description: 'old', scopes: ['api'], expires: Date.now() + 50});
		ahead = 60;
		const ids = [a.id, b.id, c.id].sort().reverse();
		expect((await store.list()).map(entry => entry.id)).toEqual(ids);
		expect((await store.list({includeExpired: true})).map(entry => entry.id)).toContain(expired.id);
		expect((await store.list({query: 'prometheus scraper'})).map(entry => entry.id)).toEqual([a.id]);
		expect((await store.list({query: 'acme'})).map(entry => entry.id)).toEqual([b.id]);
		expect((await store.list({query: a.id.slice(10, 30)})).map(entry => entry.id)).toEqual([a.id]);
		// Literal membership: a * token does not match scope=api.
		expect((await store.list({scope: 'api'})).map(entry => entry.id)).toEqual([b.id]);
		expect((await store.list({account: 'Acme'})).map(entry => entry.id)).toEqual([b.id]);
	});

	it('searches as EmailEngine does, lower-cased and nothing more: "izmir" does not find İZMİR (the filter language does)', async () => {
		const izmir = await store.issue({description: 'İZMİR office', scopes: ['api']});
		expect((await store.list({query: 'İZMİR'})).map(entry => entry.id)).toEqual([izmir.id]);
		expect(await store.list({query: 'izmir'})).toEqual([]);
		expect((await store.summaries({where: parseQuery('izmir')})).map(entry => entry.id)).toEqual([izmir.id]);
	});

	it('tolerates undecodable records and index entries without records', async () => {
		const good = await store.issue({description: 'good', scopes: ['*']});
		await raw.hset(keys.tokens, 'a'.repeat(64), Buffer.from([0xc1]));
		await raw.sadd('iat:ghost', 'b'.repeat(64));
		expect((await store.list()).map(entry => entry.id)).toEqual([good.id]);
		expect(await store.list({account: 'ghost'})).toEqual([]);
	});

	it('reads more than one batch and more than one scan page', async () => {
		const pipeline = raw.pipeline();
		for (let index = 0; index < 12_000; index++) {
			const id = index.toString(16).padStart(64, '0');
			pipeline.hset(keys.tokens, id, encodeRecord({created: 1, scopes: ['api'], description: `t${index}`}));
			if (index % 2 === 0) {
				pipeline.hset(keys.access, id, Buffer.from([0x80]));
			}
		}

		await pipeline.exec();
		const entries = await store.list();
		expect(entries).toHaveLength(12_000);
		expect(entries[0]!.id).toBe((11_999).toString(16).padStart(64, '0'));
		expect(entries.filter(entry => entry.lastUse)).toHaveLength(6000);
		// Exports skip the access hash altogether.
		expect((await store.list({lastUse: false})).filter(entry => entry.lastUse)).toHaveLength(0);
	});
});

describe('summaries and head (what tables show)', () => {
	const seed = async () => {
		const a = await store.issue({description: 'Prometheus  Scraper', scopes: ['metrics']});
		const b = await store.issue({description: 'ci', scopes: ['api'], account: 'Acme', restrictions: {addresses: ['10.0.0.0/8']}});
		const c = await store.issue({description: 'everything', scopes: ['*'], expires: Date.now() + 86_400_000});
		const expired = await store.issue({description: 'old', scopes: ['api'], expires: Date.now() + 50});
		await raw.hset(keys.tokens, 'a'.repeat(64), Buffer.from([0xc1]));
		await raw.hset(keys.access, b.id, Buffer.from(encodeMsgpack({time: 1_790_000_000_000, ip: '10.1.2.3'})));
		ahead = 60;
		return {a, b, c, expired};
	};

	it('are the listing, row for row: same order, filters and expiry, with last-use times', async () => {
		const {b, expired} = await seed();
		for (const options of [{}, {includeExpired: true}, {query: 'prometheus scraper'}, {query: 'ACME'}, {scope: 'api'}, {account: 'Acme'}]) {
			const entries = await store.list(options);
			const summaries = await store.summaries(options);
			expect(
				summaries.map(summary => summary.id),
				JSON.stringify(options),
			).toEqual(entries.map(entry => entry.id));
			// A table's rows keep no review fields (they serve the risk alone: listing.ts).
			expect(summaries).toEqual(entries.map(entry => ({...summaryOf(entry.id, entry.record, entry.lastUse), review: undefined})));
		}

		expect((await store.summaries()).find(summary => summary.id === b.id)?.lastUsed).toBe(1_790_000_000_000);
		expect((await store.summaries()).map(summary => summary.id)).not.toContain(expired.id);
	});

	it('head gives the first rows of the listing and the number of ids, without the expired or undecodable', async () => {
		await seed();
		const all = await store.summaries();
		const head = await store.head(2);
		expect(head.summaries).toEqual(all.slice(0, 2));
		// Every hash field counts: the expired and the undecodable record too.
		expect(head.ids).toBe(5);
		expect((await store.head(50)).summaries).toEqual(all);
	});
});

describe('page (the REST listing)', () => {
	it('pages the id-descending order, counts missing records, subtracts expired ones', async () => {
		const issued = await Promise.all(Array.from({length: 5}, async (_, index) => store.issue({description: `p${index}`, scopes: ['api']})));
		const order = issued
			.map(item => item.id)
			.sort()
			.reverse();
		// An expired record, as EmailEngine's listing meets them.
		await raw.hset(keys.tokens, '0'.repeat(64), encodeRecord({created: 1, expires: 2, description: 'old'}));
		const first = await store.page({page: 0, pageSize: 3});
		expect(first.entries.map(entry => entry.id)).toEqual(order.slice(0, 3));
		expect(first.entries[0]!.lastUse).toEqual({time: null, ip: null});
		const last = await store.page({page: 1, pageSize: 3});
		// 6 ids in the hash, the expired one in this page is hidden and subtracted.
		expect(last.entries.map(entry => entry.id)).toEqual(order.slice(3));
		expect(last.total).toBe(5);
		// An account index entry without a record: skipped, but still counted, as in EmailEngine.
		const bound = await store.issue({description: 'bound', scopes: ['api'], account: 'acme'});
		await raw.sadd('iat:acme', 'f'.repeat(64));
		expect(await store.page({account: 'acme', page: 0, pageSize: 10})).toMatchObject({total: 2, entries: [{id: bound.id}]});
		const filtered = await store.page({query: 'p3', page: 0, pageSize: 10});
		expect(filtered).toMatchObject({total: 1, entries: [{record: {description: 'p3'}}]});
	});
});

describe('import', () => {
	it('imports the compatibility vector to the compatibility bytes, created reset to now', async () => {
		const fixed = new TokenStore(redis.client(), '', () => VECTOR.created);
		expect(await fixed.import(VECTOR.exportString)).toEqual({status: 'imported', id: VECTOR.id});
		expect(await hexOf(keys.tokens, VECTOR.id)).toBe(VECTOR.storedHex);
		expect(await hexOf(keys.access, VECTOR.id)).toBe('80');
		expect(await raw.sismember('iat', VECTOR.id)).toBe(1);
		// Exporting it again yields the same string (created is the same instant here).
		expect(await fixed.exportString(VECTOR.id)).toBe(VECTOR.exportString);
		// And the raw token resolves to it.
		expect((await fixed.resolve(VECTOR.rawToken)).id).toBe(VECTOR.id);
	});

	it('never overwrites a live token, and leaves its access record alone', async () => {
		await store.import(VECTOR.exportString);
		await raw.hset(keys.access, VECTOR.id, Buffer.from('live'));
		const before = await hexOf(keys.tokens, VECTOR.id);
		expect(await store.import(VECTOR.exportString)).toEqual({status: 'present', id: VECTOR.id});
		expect(await hexOf(keys.tokens, VECTOR.id)).toBe(before);
		expect((await raw.hgetBuffer(keys.access, VECTOR.id))!.toString()).toBe('live');
	});

	it('replaces an expired record, moving it to the right index', async () => {
		await raw.hset(keys.tokens, VECTOR.id, encodeRecord({created: 1, expires: 2, account: 'old', description: 'stale'}));
		await raw.sadd('iat:old', VECTOR.id);
		expect((await store.import(VECTOR.exportString)).status).toBe('imported');
		expect(await raw.sismember('iat:old', VECTOR.id)).toBe(0);
		expect(await raw.sismember('iat', VECTOR.id)).toBe(1);
		expect(decodeRecord((await raw.hgetBuffer(keys.tokens, VECTOR.id))!)['description']).toBe('test token');
	});

	it('is atomic: ten concurrent importers produce one record and one "imported"', async () => {
		const stores = Array.from({length: 10}, () => new TokenStore(redis.client(), ''));
		const outcomes = await Promise.all(stores.map(async each => each.import(VECTOR.exportString)));
		expect(outcomes.filter(outcome => outcome.status === 'imported')).toHaveLength(1);
		expect(outcomes.filter(outcome => outcome.status === 'present')).toHaveLength(9);
		expect(await raw.hlen(keys.tokens)).toBe(1);
	});

	it('imports a batch with invalid strings in it, each with its own outcome', async () => {
		const other = encodeExportString('1'.repeat(64), {created: 3, scopes: ['api'], description: 'two', account: 'acme'});
		const outcomes = await store.importMany([VECTOR.exportString, 'garbage', other, VECTOR.exportString]);
		expect(outcomes.map(outcome => ('status' in outcome ? outcome.status : 'invalid'))).toEqual([
			'imported',
			'invalid',
			'imported',
			'present',
		]);
		expect(await raw.sismember('iat:acme', '1'.repeat(64))).toBe(1);
	});
});

describe('import of many', () => {
	/** Script calls Redis ran since the last CONFIG RESETSTAT (EVAL and EVALSHA). */
	const scriptCalls = async () => {
		const stats = await raw.info('commandstats');
		return [...stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)].reduce((sum, found) => sum + Number(found[1]), 0);
	};

	const string = (n: number, fields: Record<string, unknown> = {}) =>
		encodeExportString(n.toString(16).padStart(64, '0'), {created: 1, scopes: ['api'], description: `token ${n}`, ...fields});

	it('writes a batch of new, live, expired, unreadable and repeated tokens with a script for many tokens, not one a token', async () => {
		const live = 1;
		const expired = 2;
		const unreadable = 3;
		await store.importMany([string(live)]);
		await raw.hset(keys.tokens, expired.toString(16).padStart(64, '0'), encodeRecord({created: 1, expires: 2, account: 'old'}));
		await raw.sadd('iat:old', expired.toString(16).padStart(64, '0'));
		// Not msgpack: replaced, its index entry found from what can be read of it (nothing: the root index).
		await raw.hset(keys.tokens, unreadable.toString(16).padStart(64, '0'), Buffer.from([0xc1, 0xc1]));
		await raw.sadd('iat', unreadable.toString(16).padStart(64, '0'));
		await raw.config('RESETSTAT');
		const strings = [
			string(live),
			string(expired, {account: 'new'}),
			string(unreadable, {account: 'acme'}),
			string(4),
			string(4),
			...Array.from({length: 1195}, (_, index) => string(100 + index, {account: index % 2 === 0 ? 'acme' : undefined})),
		];
		const outcomes = await store.importMany(strings);
		expect(outcomes.map(outcome => ('status' in outcome ? outcome.status : 'invalid')).slice(0, 6)).toEqual([
			'present',
			'imported',
			'imported',
			'imported',
			'present',
			'imported',
		]);
		expect(outcomes.filter(outcome => 'status' in outcome && outcome.status === 'imported')).toHaveLength(1198);
		expect(await raw.hlen(keys.tokens)).toBe(1200 - 1);
		expect(await raw.hlen(keys.access)).toBe(1200 - 1);
		expect(await raw.sismember('iat:old', expired.toString(16).padStart(64, '0'))).toBe(0);
		expect(await raw.sismember('iat:new', expired.toString(16).padStart(64, '0'))).toBe(1);
		expect(await raw.sismember('iat', unreadable.toString(16).padStart(64, '0'))).toBe(0);
		expect(await raw.sismember('iat:acme', unreadable.toString(16).padStart(64, '0'))).toBe(1);
		expect(await raw.scard('iat:acme')).toBe(598 + 1);
		expect(decodeRecord((await raw.hgetBuffer(keys.tokens, (100).toString(16).padStart(64, '0')))!)['description']).toBe('token 100');
		// Two batches of 1,000, parts of 250: a few scripts, and a few more for the ids found there.
		expect(await scriptCalls()).toBeLessThanOrEqual(10);
	});

	it('an index key of the wrong type refuses the tokens bound to it, as a script a token did; the others are written and counted', async () => {
		await raw.set('iat:wrongtype', 'x');
		const strings = [string(1), string(2, {account: 'wrongtype'}), string(3, {account: 'fine'}), string(4, {account: 'wrongtype'})];
		const stopped = await store.importMany(strings).catch((error: unknown) => error);
		expect(stopped).toBeInstanceOf(ImportStopped);
		const {outcomes, cause} = stopped as ImportStopped;
		expect(strings.map((_, index) => outcomes[index]).map(outcome => (outcome && 'status' in outcome ? outcome.status : outcome))).toEqual([
			'imported',
			undefined,
			'imported',
			undefined,
		]);
		expect(String(cause)).toMatch(/WRONGTYPE iat:wrongtype holds a string, not a set; nothing was written/);
		expect((await raw.hkeys(keys.tokens)).sort()).toEqual([1, 3].map(n => n.toString(16).padStart(64, '0')));
		expect(await raw.hlen(keys.access)).toBe(2);
		expect(await raw.get('iat:wrongtype')).toBe('x');
	});
});

describe('a key of the wrong type', () => {
	const nothingWritten = async () => {
		expect(await raw.hlen(keys.tokens)).toBe(0);
		expect(await raw.hlen(keys.access)).toBe(0);
	};

	it('issue refuses before writing anything, naming the key (index, token hash or access hash)', async () => {
		await raw.set('iat:wrongtype', 'x');
		await expect(store.issue({description: 'x', scopes: ['api'], account: 'wrongtype'})).rejects.toThrow(
			'WRONGTYPE iat:wrongtype holds a string, not a set; nothing was written',
		);
		await nothingWritten();
		await raw.del('iat:wrongtype');
		await raw.set(keys.access, 'x');
		await expect(store.issue({description: 'x', scopes: ['api']})).rejects.toThrow(/^WRONGTYPE tokens:access holds a string, not a hash/);
		expect(await raw.exists(keys.tokens, 'iat')).toBe(0);
	});

	it('import refuses before writing anything, and the same import works once the key is fixed', async () => {
		await raw.set('iat:wrongtype', 'x');
		const exportString = encodeExportString('c'.repeat(64), {created: 1, scopes: ['api'], description: 'x', account: 'wrongtype'});
		await expect(store.import(exportString)).rejects.toMatchObject({
			code: 'redis',
			message: expect.stringContaining('WRONGTYPE iat:wrongtype holds a string, not a set; nothing was written'),
		});
		await nothingWritten();
		await raw.del('iat:wrongtype');
		expect(await store.import(exportString)).toEqual({status: 'imported', id: 'c'.repeat(64)});
		expect(await raw.sismember('iat:wrongtype', 'c'.repeat(64))).toBe(1);
	});

	it('import over an expired record whose index is of the wrong type leaves that record as it was', async () => {
		const id = 'd'.repeat(64);
		const expired = encodeRecord({created: 1, scopes: ['api'], description: 'old', account: 'wrongtype', expires: 2});
		await raw.hset(keys.tokens, id, expired);
		await raw.set('iat:wrongtype', 'x');
		const exportString = encodeExportString(id, {created: 1, scopes: ['api'], description: 'new'});
		await expect(store.import(exportString)).rejects.toThrow(/WRONGTYPE iat:wrongtype holds a string, not a set/);
		expect(await raw.hgetBuffer(keys.tokens, id)).toEqual(Buffer.from(expired));
		expect(await raw.hlen(keys.access)).toBe(0);
		expect(await raw.exists('iat')).toBe(0);
	});
});

describe('resolve and revoke', () => {
	it('finds a token by id or raw token; unknown ones are typed errors', async () => {
		const {rawToken, id} = await store.issue({description: 'x', scopes: ['api']});
		expect((await store.resolve(id)).id).toBe(id);
		expect((await store.resolve(rawToken)).id).toBe(id);
		expect((await store.resolve(rawToken.toUpperCase())).id).toBe(id);
		await expect(store.resolve('0'.repeat(64))).rejects.toMatchObject({code: 'not-found'});
		await expect(store.resolve('nope')).rejects.toMatchObject({code: 'usage'});
	});

	it('finds an id stored upper-case (as EmailEngine imports one) by that id, and revokes it', async () => {
		// EmailEngine stores an id from an export string verbatim (compatibility §1.4).
		const upper = 'AB'.repeat(32);
		await raw
			.multi()
			.hset(keys.tokens, upper, encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description: 'upper'}))
			.hset(keys.access, upper, Buffer.from([0x80]))
			.sadd('iat', upper)
			.exec();
		expect((await store.resolve(upper)).id).toBe(upper);
		expect(decodeExportString(await store.exportString(upper)).fields).toMatchObject({description: 'upper'});
		// A lower-case spelling of it finds nothing: the stored id is what names it.
		await expect(store.resolve(upper.toLowerCase())).rejects.toMatchObject({code: 'not-found'});
		expect((await store.revoke(upper)).id).toBe(upper);
		expect(await raw.hexists(keys.tokens, upper)).toBe(0);
		expect(await raw.hexists(keys.access, upper)).toBe(0);
		expect(await raw.sismember('iat', upper)).toBe(0);
	});

	it('still finds a lower-case id typed upper-case', async () => {
		const {id} = await store.issue({description: 'x', scopes: ['api']});
		expect((await store.resolve(id.toUpperCase())).id).toBe(id);
	});

	it('revoke removes record, access, audit log and index entry together', async () => {
		const {rawToken, id} = await store.issue({description: 'x', scopes: ['api'], account: 'a1'});
		await raw.lpush(keys.auditLog(id), 'entry');
		await store.revoke(rawToken);
		expect(await raw.hexists(keys.tokens, id)).toBe(0);
		expect(await raw.hexists(keys.access, id)).toBe(0);
		expect(await raw.exists(keys.auditLog(id))).toBe(0);
		expect(await raw.sismember('iat:a1', id)).toBe(0);
	});
});

describe('revokeMany', () => {
	it('deletes every record, access record, audit log and index entry; reports the missing', async () => {
		const keep = await store.issue({description: 'keep', scopes: ['api'], account: 'a1'});
		const doomed = await Promise.all([
			store.issue({description: 'root', scopes: ['api']}),
			store.issue({description: 'bound', scopes: ['api'], account: 'a1'}),
			store.issue({description: 'other', scopes: ['api'], account: 'a2'}),
		]);
		for (const {id} of doomed) {
			await raw.lpush(keys.auditLog(id), 'entry');
		}

		const ghost = '9'.repeat(64);
		const {revoked, missing} = await store.revokeMany([...doomed.map(item => item.id), ghost]);
		expect(revoked.map(entry => entry.id).sort()).toEqual(doomed.map(item => item.id).sort());
		expect(missing).toEqual([ghost]);
		expect(await raw.hkeys(keys.tokens)).toEqual([keep.id]);
		expect(await raw.hkeys(keys.access)).toEqual([keep.id]);
		expect(await raw.smembers('iat:a1')).toEqual([keep.id]);
		expect(await raw.exists('iat', 'iat:a2', ...doomed.map(item => keys.auditLog(item.id)))).toBe(0);
	});
});

describe('key prefix', () => {
	it('prepends EENGINE_REDIS_PREFIX to every key', async () => {
		const prefixed = new TokenStore(redis.client(), 'ee:');
		const {id} = await prefixed.issue({description: 'x', scopes: ['api'], account: 'a'});
		expect(await raw.hexists('ee:tokens', id)).toBe(1);
		expect(await raw.hexists('ee:tokens:access', id)).toBe(1);
		expect(await raw.sismember('ee:iat:a', id)).toBe(1);
		expect(await raw.exists('tokens')).toBe(0);
	});
});

describe('account ids for suggestions', () => {
	it('come from ia:accounts, or from the iad:{account} hashes when that set is empty, within the prefix', async () => {
		await raw.hset('iad:globex', 'account', 'globex');
		await raw.hset('iad:acme', 'account', 'acme');
		// Another prefix's account (a glob character in the prefix is matched as itself) is not ours.
		await raw.hset('x*iad:other', 'account', 'other');
		expect(await store.accountIds()).toEqual(['acme', 'globex']);
		await raw.hset('x*iad:mine', 'account', 'mine');
		expect(await new TokenStore(redis.client(), 'x*').accountIds()).toEqual(['mine', 'other']);
		expect(await new TokenStore(redis.client(), 'x?').accountIds()).toEqual([]);
		// The set, when there is one, is the list.
		await raw.sadd('ia:accounts', 'initech');
		expect(await store.accountIds()).toEqual(['initech']);
	});
});
