import {type Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {TokenStore, keysFor} from '../../source/store/index.js';
import {
	LINK_KEY,
	TokenError,
	type TokenRecord,
	decodeRecord,
	encodeRecord,
	generateRawToken,
	tokenIdOf,
} from '../../source/tokens/index.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {cliFields, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {inconsistencies} from '../helpers/consistency.js';

let redis: TestRedis;
let raw: Redis;
let store: TokenStore;
const keys = keysFor('');
const DAY = 86_400_000;
/** The store's clock: fixed, so every expiry below is exact. */
let now = 1_800_000_000_000;

beforeAll(async () => {
	redis = await startRedis();
	raw = redis.client();
	store = new TokenStore(redis.client(), '', () => now);
});

afterAll(async () => redis.stop());
beforeEach(async () => {
	now = 1_800_000_000_000;
	await redis.flush();
});

/** A record as EmailEngine's REST API stores it (compatibility §9.4): every field, in its order. */
const restRecord = (extra: TokenRecord = {}): TokenRecord => ({
	created: now - 10 * DAY,
	expires: now + 20 * DAY,
	account: 'acme',
	ip: '10.0.0.7',
	remoteAddress: '10.0.0.8',
	scopes: ['api', 'smtp'],
	description: 'crm sync',
	restrictions: {referrers: null, addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 100, timeWindow: 60}},
	permissions: {actions: ['read'], groups: ['account', 'message']},
	metadata: '{"owner": "crm", "n": 12345678901234567890}',
	...extra,
});

async function plant(record: TokenRecord | Buffer, account: string | undefined = 'acme'): Promise<{token: string; id: string}> {
	const token = generateRawToken();
	const id = tokenIdOf(token);
	await plantRecord(raw, id, Buffer.isBuffer(record) ? record : encodeRecord(record), account);
	return {token, id};
}

const stored = async (id: string) => decodeRecord((await raw.hgetBuffer(keys.tokens, id))!);

async function failure(promise: Promise<unknown>): Promise<TokenError> {
	const error = await promise.then(
		() => undefined,
		(error: unknown) => error,
	);
	expect(error).toBeInstanceOf(TokenError);
	return error as TokenError;
}

describe('rotate', () => {
	it('writes a new token with every field of the old one and retires the old one after the grace, in one step', async () => {
		const original = restRecord();
		const old = await plant(original);
		const rotated = await store.rotate(old.token, DAY);
		expect(rotated.id).toBe(tokenIdOf(rotated.rawToken));
		const successor = await stored(rotated.id);
		// Every field, in the same order, with created now and the same 30-day lifetime from now.
		expect(Object.keys(successor)).toEqual(Object.keys(original));
		for (const key of Object.keys(original).filter(key => !['created', 'expires', 'metadata'].includes(key))) {
			expect(successor[key], key).toEqual(original[key]);
		}

		expect(successor['created']).toBe(now);
		expect(successor['expires']).toBe(now + 30 * DAY);
		// The metadata is the old text with the link in front of it, every other byte as it was.
		expect(successor['metadata']).toBe(`{"${LINK_KEY}":{"rotatedFrom":"${old.id}"},"owner": "crm", "n": 12345678901234567890}`);
		expect((await raw.hgetBuffer(keys.access, rotated.id))!.toString('hex')).toBe('80');
		expect(await raw.sismember('iat:acme', rotated.id)).toBe(1);
		// The old one: the same record but its expiry and the link the other way.
		const retired = await stored(old.id);
		expect(retired).toEqual({
			...original,
			expires: now + DAY,
			metadata: `{"${LINK_KEY}":{"replacedBy":"${rotated.id}"},"owner": "crm", "n": 12345678901234567890}`,
		});
		expect(rotated.retiresAt).toBe(now + DAY);
		expect(await inconsistencies(raw)).toEqual([]);
		// No raw token is stored anywhere.
		const dump = await dumpKeyspace(raw);
		expect(dump).not.toContain(rotated.rawToken);
		expect(dump).not.toContain(old.token);
	});

	it('never extends the old token: one that expires before the grace ends keeps its expiry', async () => {
		const old = await plant(restRecord({expires: now + 3_600_000}));
		const rotated = await store.rotate(old.id, DAY);
		expect(rotated.keptEarlierExpiry).toBe(true);
		expect((await stored(old.id))['expires']).toBe(now + 3_600_000);
	});

	it('with grace 0 retires the old token now; a token without expiry gets a new one without', async () => {
		const old = await plant({created: now - DAY, scopes: ['*'], description: 'root'}, undefined);
		const rotated = await store.rotate(old.id, 0);
		expect((await stored(old.id))['expires']).toBe(now);
		expect(Object.keys(await stored(rotated.id))).toEqual(['created', 'scopes', 'description', 'metadata']);
		expect(await raw.sismember('iat', rotated.id)).toBe(1);
	});

	it('copies metadata that is not a JSON object as it is and links nothing', async () => {
		const old = await plant(restRecord({metadata: '[1, 2]'}));
		const rotated = await store.rotate(old.id, DAY);
		expect(rotated.linked).toBe(false);
		expect((await stored(rotated.id))['metadata']).toBe('[1, 2]');
		expect((await stored(old.id))['metadata']).toBe('[1, 2]');
	});

	it('refuses when the old record changed between the read and the write, leaving every key as the other writer left it', async () => {
		const old = await plant(restRecord());
		let snapshot = '';
		const error = await failure(
			store.rotate(old.id, DAY, {
				async afterRead() {
					await raw.hset(keys.tokens, old.id, encodeRecord(restRecord({description: 'changed meanwhile'})));
					snapshot = await dumpKeyspace(raw);
				},
			}),
		);
		expect(error.code).toBe('conflict');
		expect(await dumpKeyspace(raw)).toBe(snapshot);
		expect(await raw.hlen(keys.tokens)).toBe(1);
	});

	it('writes nothing when one of the keys holds the wrong type', async () => {
		const old = await plant(restRecord());
		await raw.del('iat:acme');
		await raw.set('iat:acme', 'not a set');
		const before = await dumpKeyspace(raw);
		const error = await store.rotate(old.id, DAY).catch((error: unknown) => error as Error);
		expect(String(error)).toMatch(/WRONGTYPE iat:acme holds a string/);
		expect(await dumpKeyspace(raw)).toBe(before);
	});

	it('refuses records that cannot be read or can never work, and expired tokens', async () => {
		const cases: Array<[Buffer | TokenRecord, string, RegExp]> = [
			[deepRecord(1000), 'unreadable', /cannot be read/],
			[rawRecord(cliFields('text scopes', [['scopes', packed('api')]])), 'unreadable', /malformed \(scopes is text, not a list\)/],
			[restRecord({account: 12_345}), 'unreadable', /account is a number/],
			[restRecord({permissions: {}}), 'unreadable', /permissions is malformed/],
			[restRecord({expires: now - 1}), 'refused', /expired at/],
			[{created: 'yesterday', expires: now + DAY, scopes: ['api'], description: 'd'}, 'unreadable', /"created" must be a date/],
		];
		for (const [record, code, message] of cases) {
			await redis.flush();
			const old = await plant(record);
			const before = await dumpKeyspace(raw);
			const error = await failure(store.rotate(old.id, DAY));
			expect([error.code, error.message]).toEqual([code, expect.stringMatching(message)]);
			expect(error.message).not.toContain(old.token);
			expect(await dumpKeyspace(raw)).toBe(before);
		}
	});

	it('links a chain: rotating the new token again points the newest at it alone', async () => {
		const first = await plant(restRecord());
		const second = await store.rotate(first.id, DAY);
		const third = await store.rotate(second.rawToken, DAY);
		expect((await stored(third.id))['metadata']).toBe(
			`{"${LINK_KEY}":{"rotatedFrom":"${second.id}"},"owner": "crm", "n": 12345678901234567890}`,
		);
		expect(JSON.parse((await stored(second.id))['metadata'] as string)[LINK_KEY]).toEqual({rotatedFrom: first.id, replacedBy: third.id});
	});
});

describe('edit', () => {
	it('changes only what is asked, in place, keeping id, created, account and key order', async () => {
		const original = restRecord();
		const {id} = await plant(original);
		const edited = await store.edit(id, {description: 'crm sync v2', addresses: null, extendMs: DAY});
		expect(edited.changed).toBe(true);
		const record = await stored(id);
		expect(Object.keys(record)).toEqual(Object.keys(original));
		expect(record).toEqual({
			...original,
			description: 'crm sync v2',
			expires: now + 21 * DAY,
			// EmailEngine's REST shape: a restriction not given is nil.
			restrictions: {referrers: null, addresses: null, rateLimit: {maxRequests: 100, timeWindow: 60}},
		});
		expect(await inconsistencies(raw)).toEqual([]);
	});

	it('adds a field where issue puts it and removes one', async () => {
		const {id} = await plant({created: now - DAY, scopes: ['api'], description: 'cli', imported: 'kept'}, undefined);
		await store.edit(id, {expires: now + DAY, rateLimit: {maxRequests: 5, timeWindow: 10}});
		const bytes = (await raw.hgetBuffer(keys.tokens, id))!;
		expect(bytes).toEqual(
			encodeRecord({
				created: now - DAY,
				expires: now + DAY,
				scopes: ['api'],
				description: 'cli',
				restrictions: {rateLimit: {maxRequests: 5, timeWindow: 10}},
				imported: 'kept',
			}),
		);
		await store.edit(id, {expires: null, rateLimit: null});
		expect(await stored(id)).toEqual({created: now - DAY, scopes: ['api'], description: 'cli', imported: 'kept'});
	});

	it('loses no update: a record changed between the read and the write is not overwritten', async () => {
		const {id} = await plant(restRecord());
		const theirs = encodeRecord(restRecord({description: 'the other operator'}));
		const error = await failure(
			store.edit(
				id,
				{description: 'mine'},
				{
					async afterRead() {
						await raw.hset(keys.tokens, id, theirs);
					},
				},
			),
		);
		expect(error.code).toBe('conflict');
		expect(error.message).toMatch(/changed while it was being edited/);
		expect(await raw.hgetBuffer(keys.tokens, id)).toEqual(theirs);
	});

	it('says a token revoked between the read and the write is gone, and writes nothing', async () => {
		const {id} = await plant(restRecord());
		const error = await failure(store.edit(id, {description: 'mine'}, {afterRead: async () => void (await store.revoke(id))}));
		expect(error.code).toBe('not-found');
		expect(await raw.hlen(keys.tokens)).toBe(0);
	});

	it("refuses an edit based on a record read earlier when the stored one has changed since (the app's form), writing nothing", async () => {
		const {id} = await plant(restRecord());
		const basedOn = (await store.resolve(id)).record;
		await store.edit(id, {description: 'theirs'});
		const theirs = await raw.hgetBuffer(keys.tokens, id);
		const error = await failure(store.edit(id, {referrers: ['*.example.com']}, {basedOn}));
		expect(error.code).toBe('conflict');
		expect(await raw.hgetBuffer(keys.tokens, id)).toEqual(theirs);
		// Based on the record as it is now, the same edit is written.
		const now = (await store.resolve(id)).record;
		expect((await store.edit(id, {referrers: ['*.example.com']}, {basedOn: now})).changed).toBe(true);
	});

	it('writes nothing when the values are already there', async () => {
		const {id} = await plant(restRecord());
		const before = await dumpKeyspace(raw);
		expect((await store.edit(id, {description: 'crm sync'})).changed).toBe(false);
		expect(await dumpKeyspace(raw)).toBe(before);
	});
});
