import {describe, expect, test} from 'vitest';
import {generateRawToken, tokenIdOf} from '../../source/tokens/index.js';
import {cliFields, deepArray, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {plantRecord} from '../helpers/keyspace.js';
import {bearer, getJson, useHarness} from './harness.js';

/**
 * What serve does with stored records of the wrong shape: records it cannot read at all, and
 * readable records whose fields have the wrong type (compatibility §2). It never admits a request
 * on such a record, and never answers a listing with a 5xx because of one.
 */
let root: string;
const h = useHarness(async harness => {
	root = (await harness.store.issue({description: 'root', scopes: ['*']})).rawToken;
	await harness.redis.client().hset('iad:example', 'account', 'example');
	await harness.redis.client().hset('iad:12345', 'account', '12345');
});

const BAD = {statusCode: 401, error: 'Unauthorized', message: 'Bad token'};
const ACCOUNT = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized account'};
const logged = (message: string) => h.logs.map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line['msg'] === message);

/** Stored bytes under a fresh token's id, with the access record and index entry EmailEngine writes. */
async function plantBytes(bytes: Buffer, account?: string): Promise<{token: string; id: string}> {
	const token = generateRawToken();
	const id = tokenIdOf(token);
	await plantRecord(h.redis.client(), id, bytes, account);
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

		expect(logged('Refused a token because of its stored record')[0]).toMatchObject({
			level: 40,
			token: id,
			reason: 'its record cannot be read (nested deeper than 32 levels)',
		});
	});

	test('the listings answer 200 without it, and log it; GET answers 404; DELETE removes it', async () => {
		// Bound to example, so the account listings meet it too, and DELETE finds its index entry.
		const {id} = await plantBytes(
			rawRecord([['account', packed('example')], ...cliFields('deep', [['other', deepArray(200_000)]])]),
			'example',
		);
		const {id: other} = await plantBytes(packed(['not', 'a', 'map']));
		for (const path of [
			'/v1/tokens',
			'/v1/tokens?pageSize=1000',
			'/v1/tokens?query=root',
			'/v1/tokens?account=example',
			'/v1/tokens/account/example',
		]) {
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

describe('an integer account (compatibility §2)', () => {
	test('is bound to no account a request can name: 403 Unauthorized account on /v1/account/12345 and everywhere else', async () => {
		const {token} = await h.plant(
			{created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'from the EmailEngine CLI'},
			'12345',
		);
		// A string-bound token on the same account, to show the account itself answers.
		const {token: text} = await h.plant({created: 1_790_000_000_000, account: '12345', scopes: ['api'], description: 'text'}, '12345');
		expect((await getJson(`${h.base}/v1/account/12345`, bearer(text))).status).toBe(200);
		for (const path of [
			'/v1/account/12345',
			'/v1/account/example',
			'/v1/stats',
			'/v1/tokens',
			'/v1/tokens?account=12345',
			'/v1/tokens/account/12345',
		]) {
			const response = await getJson(h.base + path, bearer(token));
			expect(response.status, path).toBe(403);
			expect(response.body, path).toStrictEqual(ACCOUNT);
		}
	});

	test('the listings and GET /v1/tokens/{id} show it as a JSON number', async () => {
		const {id} = await h.plant(
			{created: 1_790_000_000_000, account: 12_345, scopes: ['api'], description: 'from the EmailEngine CLI'},
			'12345',
		);
		const listing = await getJson(`${h.base}/v1/tokens`, bearer(root));
		expect(listing.text).toContain(`"id":"${id}","account":12345,`);
		const one = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(one.text).toContain(`"id":"${id}","account":12345,`);
		const own = await getJson(`${h.base}/v1/tokens?account=12345`, bearer(root));
		expect((own.body.tokens as Array<{account: unknown}>).map(token => token.account)).toEqual([12_345]);
	});
});

const SCOPE = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized scope', requestedScope: 'api'};
const PERMISSION = {
	statusCode: 403,
	error: 'Forbidden',
	message: 'Unauthorized permission',
	requiredPermission: {action: 'read', group: 'account'},
};
const ADDRESS = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized address', remoteAddress: '127.0.0.1'};
const REFERRER = {statusCode: 403, error: 'Forbidden', message: 'Unauthorized referrer'};
const RATE = {statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded'};

describe('malformed stored values are refused, never admitted (compatibility §2)', () => {
	const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
		['account as a map', {account: {id: 'example'}}, ACCOUNT],
		['account true', {account: true}, ACCOUNT],
		['account as a list', {account: ['example']}, ACCOUNT],
		['account false', {account: false}, ACCOUNT],
		['account 0', {account: 0}, ACCOUNT],
		['scopes the string "api" (not a substring match)', {scopes: 'api'}, SCOPE],
		['scopes the string "*"', {scopes: '*'}, SCOPE],
		['scopes true', {scopes: true}, SCOPE],
		['scopes false (not "no scopes")', {scopes: false}, SCOPE],
		['scopes as a map', {scopes: {api: true}}, SCOPE],
		['scopes holding no strings', {scopes: [['*'], 1, null]}, SCOPE],
		['expires as a numeric string', {expires: String(Date.now() + 1e9)}, BAD],
		['expires true', {expires: true}, BAD],
		['expires as a map', {expires: {at: 1}}, BAD],
		['expires not a number', {expires: Number.NaN}, BAD],
		['restrictions as a string', {restrictions: '127.0.0.1'}, ADDRESS],
		['restrictions as a list', {restrictions: ['127.0.0.1']}, ADDRESS],
		['restrictions false', {restrictions: false}, ADDRESS],
		['restrictions.addresses as a string', {restrictions: {addresses: '127.0.0.1'}}, ADDRESS],
		['restrictions.addresses as a map', {restrictions: {addresses: {0: '127.0.0.1'}}}, ADDRESS],
		['restrictions.referrers as a string', {restrictions: {referrers: '*'}}, REFERRER],
		['restrictions.referrers true', {restrictions: {referrers: true}}, REFERRER],
		['restrictions.rateLimit as a string', {restrictions: {rateLimit: '100/60'}}, RATE],
		['restrictions.rateLimit false', {restrictions: {rateLimit: false}}, RATE],
		['restrictions.rateLimit with text for a number', {restrictions: {rateLimit: {maxRequests: 'many', timeWindow: 60}}}, RATE],
		// Number() would read these as a limit, or as none at all: only a safe positive integer is one.
		['restrictions.rateLimit.maxRequests "Infinity"', {restrictions: {rateLimit: {maxRequests: 'Infinity', timeWindow: 60}}}, RATE],
		['restrictions.rateLimit.maxRequests "1e9"', {restrictions: {rateLimit: {maxRequests: '1e9', timeWindow: 60}}}, RATE],
		['restrictions.rateLimit.maxRequests true', {restrictions: {rateLimit: {maxRequests: true, timeWindow: 60}}}, RATE],
		['restrictions.rateLimit.maxRequests [5]', {restrictions: {rateLimit: {maxRequests: [5], timeWindow: 60}}}, RATE],
		['restrictions.rateLimit.maxRequests 2.5', {restrictions: {rateLimit: {maxRequests: 2.5, timeWindow: 60}}}, RATE],
		['restrictions.rateLimit.timeWindow "60"', {restrictions: {rateLimit: {maxRequests: 100, timeWindow: '60'}}}, RATE],
		['restrictions.rateLimit.timeWindow 0', {restrictions: {rateLimit: {maxRequests: 100, timeWindow: 0}}}, RATE],
		['permissions false', {permissions: false}, PERMISSION],
		['permissions "all"', {permissions: 'all'}, PERMISSION],
	];

	test.each(cases)('%s', async (_name, fields, refusal) => {
		const {token} = await h.plant({created: Date.now(), scopes: ['*'], description: 'planted', ...fields});
		for (const path of ['/v1/account/example', '/v1/stats']) {
			const response = await getJson(h.base + path, bearer(token));
			const expected =
				path === '/v1/stats' && refusal === PERMISSION
					? {...PERMISSION, requiredPermission: {action: 'read', group: 'diagnostics'}}
					: refusal;
			expect(response.status, path).toBe(expected['statusCode']);
			expect(response.body, path).toMatchObject(expected);
		}
	});

	test('a well-formed twin of each is admitted, so the refusals above are about the type', async () => {
		const {token} = await h.plant(
			{
				created: Date.now(),
				account: 'example',
				scopes: ['api'],
				expires: Date.now() + 1e9,
				restrictions: {addresses: ['127.0.0.1'], referrers: ['*'], rateLimit: {maxRequests: 100, timeWindow: 60}},
				permissions: {actions: ['read'], groups: ['account']},
			},
			'example',
		);
		expect((await getJson(`${h.base}/v1/account/example`, bearer(token))).status).toBe(200);
	});

	test('an expiry that is no time is logged, and the record is kept (never reaped)', async () => {
		const {token, id} = await h.plant({created: Date.now(), scopes: ['*'], expires: 'tomorrow'});
		expect((await getJson(`${h.base}/v1/stats`, bearer(token))).status).toBe(401);
		expect(logged('Refused a token because of its stored record')).toMatchObject([{token: id, reason: 'its expires field is not a time'}]);
		expect(await h.redis.client().hexists('tokens', id)).toBe(1);
	});
});
