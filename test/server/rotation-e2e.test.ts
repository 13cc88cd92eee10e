import {afterAll, beforeAll, expect, test} from 'vitest';
import {LINK_KEY, type TokenRecord, decodeRecord, encodeRecord, generateRawToken, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {plantRecord} from '../helpers/keyspace.js';
import {type ServedInProcess, serveInProcess} from '../helpers/serve.js';
import {fetchHttp} from '../helpers/http.js';

/**
 * Issue #12's end-to-end rotation: the old token authenticates on serve during the grace and gets
 * 401 after it; the new one carries every field of the old. One clock for the server and the CLI,
 * moved by the test: nobody sleeps through a grace period.
 */

let redis: TestRedis;
let served: ServedInProcess;
const clock = {now: Date.parse('2027-03-01T12:00:00.000Z')};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
	redis = await startRedis();
	served = await serveInProcess(redis.url(8), [], {}, () => clock.now);
});

afterAll(async () => {
	await served?.stop();
	await redis.stop();
});

const get = async (token: string, path = '/v1/account/acme') =>
	(await fetchHttp(`${served.base}${path}`, {headers: {authorization: `Bearer ${token}`}})).status;

test('rotate: the old token works through the grace and gets 401 after it; the new one has every field of the old', async () => {
	const raw = redis.client(8);
	await raw.hset('iad:acme', 'account', 'acme', 'name', 'Acme');
	// A token as EmailEngine's REST API stores one, every field set (compatibility §9.4).
	const original: TokenRecord = {
		created: clock.now - 10 * DAY,
		expires: clock.now + 80 * DAY,
		account: 'acme',
		ip: '127.0.0.1',
		remoteAddress: '127.0.0.1',
		scopes: ['api'],
		description: 'crm sync',
		restrictions: {referrers: null, addresses: ['127.0.0.0/8'], rateLimit: {maxRequests: 1000, timeWindow: 60}},
		permissions: {actions: ['read'], groups: ['account']},
		metadata: '{"owner":"crm"}',
	};
	const oldToken = generateRawToken();
	const oldId = tokenIdOf(oldToken);
	await plantRecord(raw, oldId, encodeRecord(original), 'acme');
	expect(await get(oldToken)).toBe(200);

	const rotated = await runInProcess(['rotate', '-t', '-', '--grace', '1h', '--json', `--dbs.redis=${redis.url(8)}`], {
		input: oldToken,
		now: () => clock.now,
	});
	expect(rotated.exitCode, rotated.stderr).toBe(0);
	const {token: newToken, id: newId} = JSON.parse(rotated.stdout) as {token: string; id: string};

	// The new record, decoded, field by field: the old one's, created now, the same 90-day lifetime.
	const successor = decodeRecord((await raw.hgetBuffer('tokens', newId))!);
	expect(Object.keys(successor)).toEqual(Object.keys(original));
	for (const key of Object.keys(original)) {
		if (key === 'created' || key === 'expires') {
			continue;
		}

		const [mine, theirs] =
			key === 'metadata'
				? [JSON.parse(successor[key] as string), {[LINK_KEY]: {rotatedFrom: oldId}, owner: 'crm'}]
				: [successor[key], original[key]];
		expect(mine, key).toEqual(theirs);
	}

	expect([successor['created'], successor['expires']]).toEqual([clock.now, clock.now + 90 * DAY]);

	// During the grace both work, the new one with every restriction of the old.
	clock.now += HOUR - 1;
	expect(await get(oldToken)).toBe(200);
	expect(await get(newToken)).toBe(200);
	expect(await get(newToken, '/v1/stats')).toBe(403);
	expect(await get(newToken, '/v1/account/other')).toBe(403);
	const shown = await runInProcess(['show', '-t', newId, `--dbs.redis=${redis.url(8)}`], {now: () => clock.now});
	expect(shown.stdout).toMatch(
		new RegExp(`rotated from +${oldId}: the old token was last used just now from 127\\.0\\.0\\.1 and stops working in under a minute`),
	);

	// From the end of the grace on, the old one is a bad token; the new one goes on.
	clock.now += 1;
	expect(await get(oldToken)).toBe(401);
	expect(await get(newToken)).toBe(200);
});
