import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {EMPTY_ACCESS, generateRawToken, tokenIdOf} from '../../source/tokens/index.js';
import {cliFields, deepArray, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {type Harness, bearer, getJson, startHarness} from './harness.js';

/**
 * What serve does with stored records of the wrong shape: records it cannot read at all, and
 * readable records whose fields have the wrong type (spec §9.1, §9.2). It never admits a request
 * on such a record, and never answers a listing with a 5xx because of one.
 */
let h: Harness;
let root: string;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => {
	h.clock.now = undefined;
	h.logs.length = 0;
	await h.redis.client().flushdb();
	root = (await h.store.issue({description: 'root', scopes: ['*']})).rawToken;
	await h.redis.client().hset('iad:example', 'account', 'example');
	await h.redis.client().hset('iad:12345', 'account', '12345');
});

const BAD = {statusCode: 401, error: 'Unauthorized', message: 'Bad token'};
const ACCOUNT = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized account'};
const logged = (message: string) => h.logs.map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line['msg'] === message);

/** Stored bytes under a fresh token's id, with the access record and index entry EmailEngine writes. */
async function plantBytes(bytes: Buffer, index = 'iat'): Promise<{token: string; id: string}> {
	const token = generateRawToken();
	const id = tokenIdOf(token);
	await h.redis.client().multi().hset('tokens', id, bytes).hset('tokens:access', id, EMPTY_ACCESS).sadd(index, id).exec();
	return {token, id};
}

describe('a record that cannot be read', () => {
	test('its token gets 401 Bad token, and the log names the id and why', async () => {
		const {token, id} = await plantBytes(deepRecord());
		for (const path of ['/v1/stats', '/metrics', '/v1/tokens']) {
			const response = await getJson(h.base + path, bearer(token));
			expect(response.status, path).toBe(401);
			expect(response.body).toStrictEqual(BAD);
		}

		expect(logged('Refused a token whose record cannot be read')[0]).toMatchObject({level: 40, token: id, reason: 'nested deeper than 32 levels'});
	});

	test('the listings answer 200 without it, and log it; GET answers 404; DELETE removes it', async () => {
		// Bound to example, so the account listings meet it too, and DELETE finds its index entry.
		const {id} = await plantBytes(rawRecord([['account', packed('example')], ...cliFields('deep', [['other', deepArray(200_000)]])]), 'iat:example');
		const {id: other} = await plantBytes(packed(['not', 'a', 'map']));
		for (const path of ['/v1/tokens', '/v1/tokens?pageSize=1000', '/v1/tokens?query=root', '/v1/tokens?account=example', '/v1/tokens/account/example']) {
			const response = await getJson(h.base + path, bearer(root));
			expect(response.status, path).toBe(200);
			expect((response.body.tokens as Array<{id: string}>).map(token => token.id)).not.toContain(id);
			expect(response.text).not.toContain(other);
		}

		const skipped = logged('Skipped a token record that cannot be read');
		expect(skipped.some(line => line['token'] === id && line['reason'] === 'nested deeper than 32 levels')).toBe(true);
		expect(skipped.some(line => line['token'] === other && line['reason'] === 'not a map')).toBe(true);

		const shown = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(shown.status).toBe(404);
		const deleted = await getJson(`${h.base}/v1/tokens/${id}`, {method: 'DELETE', ...bearer(root)});
		expect(deleted).toMatchObject({status: 200, body: {deleted: true}});
		expect(await h.redis.client().hexists('tokens', id)).toBe(0);
		expect(await h.redis.client().sismember('iat:example', id)).toBe(0);
		const again = await getJson(`${h.base}/v1/token/${other}`, {method: 'DELETE', ...bearer(root)});
		expect(again.body).toStrictEqual({deleted: true});
		expect(await h.redis.client().sismember('iat', other)).toBe(0);
	});

	test('a listing over many of them logs 20 by name and then a count', async () => {
		const pipeline = h.redis.client().pipeline();
		for (let index = 0; index < 45; index++) {
			pipeline.hset('tokens', `${index}`.padStart(64, 'f'), packed('not a record'));
		}

		await pipeline.exec();
		expect((await getJson(`${h.base}/v1/tokens?query=r`, bearer(root))).status).toBe(200);
		expect(logged('Skipped a token record that cannot be read')).toHaveLength(20);
		expect(logged('Skipped more token records that cannot be read')).toMatchObject([{skipped: 45}]);
	});
});

describe('an integer account (spec §9.1)', () => {
	test('the listings and GET /v1/tokens/{id} show it as a JSON number', async () => {
		const {id} = await h.plant({created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'from the EmailEngine CLI'}, '12345');
		const listing = await getJson(`${h.base}/v1/tokens`, bearer(root));
		expect(listing.text).toContain(`"id":"${id}","account":12345,`);
		const one = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(one.text).toContain(`"id":"${id}","account":12345,`);
		const own = await getJson(`${h.base}/v1/tokens?account=12345`, bearer(root));
		expect((own.body.tokens as Array<{account: unknown}>).map(token => token.account)).toEqual([12_345]);
	});
});
