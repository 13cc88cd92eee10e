import {describe, expect, test} from 'vitest';
import {decodeFirstMsgpack, decodeRecord, encodeMsgpack, tokenIdOf} from '../../source/tokens/index.js';
import {bearer, getJson, useHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

/** The token routes answer as EmailEngine 2.79.2 does (compatibility §7), whole bodies compared. */

let root: string;
const h = useHarness(async harness => {
	await harness.redis.client().hset('iad:example', 'account', 'example');
	root = (await harness.store.issue({description: 'root', scopes: ['*']})).rawToken;
});

const post = (body: unknown, token = root, contentType = 'application/json') => ({
	method: 'POST',
	headers: {authorization: `Bearer ${token}`, 'content-type': contentType},
	body: typeof body === 'string' ? body : JSON.stringify(body),
});

const invalid = (fields: Array<{message: string; key: string | number}>) => ({
	statusCode: 400,
	error: 'Bad Request',
	message: 'Invalid input',
	fields,
});

const stored = async (id: string) => decodeRecord((await h.redis.client().hgetBuffer('tokens', id))!);

const FUTURE = '2999-01-01T00:00:00.000Z';
const base = {description: 'F2', scopes: ['api'], account: 'example'};

describe('POST /v1/tokens is validated as EmailEngine validates it (joi)', () => {
	test.each([
		['no scopes', {description: 'F2 no scopes', account: 'example'}, [{message: '"Scopes" is required', key: 'scopes'}]],
		[
			'unbound without permissions',
			{description: 'F2 unbound', scopes: ['api']},
			[{message: '"TokenPermissions" is required', key: 'permissions'}],
		],
		['metadata that is not JSON', {...base, metadata: '{not json'}, [{message: 'Metadata must be a valid JSON string', key: 'metadata'}]],
		['scope *', {...base, scopes: ['*']}, [{message: '"TokenScope" must be one of [api, smtp, imap-proxy, mcp]', key: 0}]],
		[
			// joi names a single value by the list's own key: it was not sent as an item.
			'scope metrics as one value',
			{...base, scopes: 'metrics'},
			[{message: '"TokenScope" must be one of [api, smtp, imap-proxy, mcp]', key: 'scopes'}],
		],
		['an empty description', {...base, description: ''}, [{message: '"description" is required', key: 'description'}]],
		['a whitespace-only description', {...base, description: ' \t '}, [{message: '"description" is required', key: 'description'}]],
		[
			'a 1,025-character description',
			{...base, description: 'd'.repeat(1025)},
			[{message: '"description" length must be less than or equal to 1024 characters long', key: 'description'}],
		],
		[
			'a 257-character account',
			{...base, account: 'a'.repeat(257)},
			[{message: '"account" length must be less than or equal to 256 characters long', key: 'account'}],
		],
		['an unknown key', {...base, foo: 1}, [{message: '"foo" is not allowed', key: 'foo'}]],
		['a numeric expires', {...base, expires: 1_796_203_168_854}, [{message: '"CreateTokenExpires" must be a valid date', key: 'expires'}]],
		[
			'a past expires',
			{...base, expires: '2000-01-01T00:00:00Z'},
			[{message: '"CreateTokenExpires" must be greater than "now"', key: 'expires'}],
		],
		[
			'a non-ISO expires',
			{...base, expires: 'tomorrow'},
			[{message: '"CreateTokenExpires" must be in ISO 8601 date format', key: 'expires'}],
		],
		[
			'an ip with a CIDR suffix',
			{...base, ip: '10.0.0.0/8'},
			[{message: '"TokenIP" must be a valid ip address of one of the following versions [ipv4, ipv6] with a forbidden CIDR', key: 'ip'}],
		],
		[
			'out-of-range rate limits',
			{...base, restrictions: {rateLimit: {maxRequests: 0, timeWindow: 1.5}}},
			[
				{message: '"restrictions.rateLimit.maxRequests" must be greater than or equal to 1', key: 'maxRequests'},
				{message: '"restrictions.rateLimit.timeWindow" must be an integer', key: 'timeWindow'},
			],
		],
		// A rate limit without both numbers is a token that answers 429 for ever (compatibility §6.6),
		// and no scopes is a token that reaches nothing: refused instead of minted (README).
		[
			'an empty rate limit',
			{...base, restrictions: {rateLimit: {}}},
			[
				{message: '"restrictions.rateLimit.maxRequests" is required', key: 'maxRequests'},
				{message: '"restrictions.rateLimit.timeWindow" is required', key: 'timeWindow'},
			],
		],
		[
			'a rate limit without maxRequests',
			{...base, restrictions: {rateLimit: {timeWindow: 60}}},
			[{message: '"restrictions.rateLimit.maxRequests" is required', key: 'maxRequests'}],
		],
		['no scopes in the list', {...base, scopes: []}, [{message: '"Scopes" must contain at least 1 items', key: 'scopes'}]],
		[
			'an address that is not one',
			{...base, restrictions: {addresses: ['10.0.0.1', 'localhost']}},
			[
				{
					message:
						'"restrictions.addresses[1]" must be a valid ip address of one of the following versions [ipv4, ipv6] with a optional CIDR',
					key: 1,
				},
			],
		],
		[
			'permissions {}',
			{description: 'x', scopes: ['api'], permissions: {}},
			[{message: '"TokenPermissions" must have at least 1 key', key: 'permissions'}],
		],
		[
			'permissions null',
			{description: 'x', scopes: ['api'], permissions: null},
			[{message: '"TokenPermissions" must be of type object', key: 'permissions'}],
		],
		[
			'an empty axis',
			{description: 'x', scopes: ['api'], permissions: {groups: []}},
			[{message: '"TokenGroups" must contain at least 1 items', key: 'groups'}],
		],
		[
			'an unknown group and the admin group',
			{description: 'x', scopes: ['api'], permissions: {groups: ['fly', 'admin']}},
			[
				{
					message:
						'"permissions.groups[0]" must be one of [account, mailbox, message, submit, outbox, export, template, blocklist, webhook, gateway, events, diagnostics, logs]',
					key: 0,
				},
				{
					message:
						'"permissions.groups[1]" must be one of [account, mailbox, message, submit, outbox, export, template, blocklist, webhook, gateway, events, diagnostics, logs]',
					key: 1,
				},
			],
		],
		[
			'several errors at once, in the schema order',
			{foo: 1, ip: 'x', expires: 5, metadata: '{', scopes: ['api', 'smtp', 'root'], description: '', account: 'a'.repeat(300)},
			[
				{message: '"account" length must be less than or equal to 256 characters long', key: 'account'},
				{message: '"description" is required', key: 'description'},
				{message: '"TokenScope" must be one of [api, smtp, imap-proxy, mcp]', key: 2},
				{message: 'Metadata must be a valid JSON string', key: 'metadata'},
				{message: '"CreateTokenExpires" must be a valid date', key: 'expires'},
				{message: '"TokenIP" must be a valid ip address of one of the following versions [ipv4, ipv6] with a forbidden CIDR', key: 'ip'},
				{message: '"foo" is not allowed', key: 'foo'},
			],
		],
		['a body that is not an object', 'just text', [{message: '"CreateToken" must be of type object', key: 'value'}]],
	])('%s', async (_name, payload, fields) => {
		const response = await getJson(`${h.base}/v1/tokens`, post(typeof payload === 'string' ? JSON.stringify(payload) : payload));
		expect(response.status).toBe(400);
		expect(response.body).toStrictEqual(invalid(fields));
		expect(await h.redis.client().hlen('tokens')).toBe(1);
	});

	test('an address ipaddr.js reads differently (octal 010) is refused: a documented difference', async () => {
		const response = await getJson(`${h.base}/v1/tokens`, post({...base, restrictions: {addresses: ['010.0.0.1']}}));
		expect(response.body).toStrictEqual(
			invalid([
				{
					message:
						'"restrictions.addresses[0]" is read differently by EmailEngine\'s matcher: write IPv4 numbers without leading zeros (010 would be read as octal 8)',
					key: 0,
				},
			]),
		);
	});

	test('an ip that is a range is one problem, not also an octal one', async () => {
		const response = await getJson(`${h.base}/v1/tokens`, post({...base, ip: '010.0.0.1/8'}));
		expect(response.body).toStrictEqual(
			invalid([
				{message: '"TokenIP" must be a valid ip address of one of the following versions [ipv4, ipv6] with a forbidden CIDR', key: 'ip'},
			]),
		);
		expect((await getJson(`${h.base}/v1/tokens`, post({...base, ip: '010.0.0.1'}))).body.fields).toStrictEqual([
			{
				message:
					'"TokenIP" is read differently by EmailEngine\'s matcher: write IPv4 numbers without leading zeros (010 would be read as octal 8)',
				key: 'ip',
			},
		]);
	});

	test('restrictions:false mints a token without restrictions', async () => {
		const response = await getJson(`${h.base}/v1/tokens`, post({...base, restrictions: false}));
		expect(response.status).toBe(200);
		expect(Object.keys(response.body)).toStrictEqual(['token', 'id']);
		expect(response.body.id).toBe(tokenIdOf(response.body.token));
		const record = await stored(response.body.id);
		expect(Object.keys(record)).toStrictEqual(['created', 'account', 'remoteAddress', 'scopes', 'description']);
	});

	test('single referrer and address become lists; a missing rateLimit is stored as nil', async () => {
		const response = await getJson(
			`${h.base}/v1/tokens`,
			post({...base, restrictions: {referrers: 'https://x.example.com/*', addresses: '127.0.0.1'}}),
		);
		expect(response.status).toBe(200);
		expect((await stored(response.body.id))['restrictions']).toStrictEqual({
			referrers: ['https://x.example.com/*'],
			addresses: ['127.0.0.1'],
			rateLimit: null,
		});
	});

	test('a null referrer list, address list or rate limit means none, stored as nil', async () => {
		const response = await getJson(
			`${h.base}/v1/tokens`,
			post({...base, restrictions: {referrers: null, addresses: null, rateLimit: null}}),
		);
		expect(response.status).toBe(200);
		expect((await stored(response.body.id))['restrictions']).toStrictEqual({referrers: null, addresses: null, rateLimit: null});
	});

	test('a full payload is stored with the keys and values EmailEngine stores, in its order, and works', async () => {
		h.clock.now = Date.parse('2026-12-01T09:00:00.000Z');
		const response = await getJson(
			`${h.base}/v1/tokens`,
			post({
				ip: '192.0.2.7',
				permissions: {groups: ['account'], actions: ['read']},
				expires: FUTURE,
				metadata: '{"ticket":42}',
				restrictions: {rateLimit: {maxRequests: 5, timeWindow: 60}, addresses: ['127.0.0.0/8']},
				scopes: 'api',
				description: '  full  ',
				account: ' example ',
			}),
		);
		expect(response.status).toBe(200);
		const record = await stored(response.body.id);
		expect(record).toStrictEqual({
			created: Date.parse('2026-12-01T09:00:00.000Z'),
			expires: Date.parse(FUTURE),
			account: 'example',
			ip: '192.0.2.7',
			remoteAddress: '127.0.0.1',
			scopes: ['api'],
			description: 'full',
			restrictions: {rateLimit: {maxRequests: 5, timeWindow: 60}, addresses: ['127.0.0.0/8'], referrers: null},
			permissions: {groups: ['account'], actions: ['read']},
			metadata: '{"ticket":42}',
		});
		expect(Object.keys(record)).toStrictEqual([
			'created',
			'expires',
			'account',
			'ip',
			'remoteAddress',
			'scopes',
			'description',
			'restrictions',
			'permissions',
			'metadata',
		]);
		expect(await h.redis.client().sismember('iat:example', response.body.id)).toBe(1);
		const used = await fetchHttp(`${h.base}/v1/account/example`, bearer(response.body.token));
		expect(used.status).toBe(200);
		expect(used.headers.get('x-ratelimit-limit')).toBe('5');
	});

	test('an account that does not exist is a 404 after validation', async () => {
		const response = await getJson(`${h.base}/v1/tokens`, post({...base, account: 'nobody'}));
		expect(response.status).toBe(404);
		expect(response.body).toStrictEqual({statusCode: 404, error: 'Not Found', message: 'Account record was not found for requested ID'});
	});

	test('form fields validate the same way', async () => {
		const form = await getJson(
			`${h.base}/v1/tokens`,
			post('description=from+a+form&account=example&scopes=smtp&scopes=imap-proxy', root, 'application/x-www-form-urlencoded'),
		);
		expect(form.status).toBe(200);
		expect(await stored(form.body.id)).toMatchObject({account: 'example', description: 'from a form', scopes: ['smtp', 'imap-proxy']});
		const bad = await getJson(`${h.base}/v1/tokens`, post('description=x&__proto__=1', root, 'application/x-www-form-urlencoded'));
		expect(bad.body).toStrictEqual(
			invalid([
				{message: '"Scopes" is required', key: 'scopes'},
				{message: '"TokenPermissions" is required', key: 'permissions'},
				{message: '"__proto__" is not allowed', key: '__proto__'},
			]),
		);
	});
});

describe('GET /v1/tokens/{id} answers only the fields the record has (compatibility §7)', () => {
	test('a CLI-issued token', async () => {
		const {id} = await h.plant({created: Date.parse('2026-12-01T09:12:41.118Z'), scopes: ['api'], description: 'B cli-api'});
		const response = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(response.status).toBe(200);
		expect(response.text).toBe(
			`{"id":"${id}","account":null,"description":"B cli-api","scopes":["api"],"created":"2026-12-01T09:12:41.118Z","access":{"time":null,"ip":null}}`,
		);
	});

	test('every field, in EmailEngine order, whatever order the record has; an integer account as a number', async () => {
		const {id} = await h.plant(
			{
				metadata: '{}',
				permissions: {groups: ['account']},
				expires: Date.parse(FUTURE),
				restrictions: {referrers: null, addresses: ['10.0.0.1'], rateLimit: null},
				scopes: ['api'],
				remoteAddress: '127.0.0.1',
				ip: '10.0.0.1',
				description: 'all',
				account: 12_345,
				created: 1000,
				foreign: 'not shown',
			},
			'12345',
		);
		await h.redis
			.client()
			.hset('tokens:access', id, Buffer.from('82a474696d65cf00000193f34e4a5fa26970a9' + Buffer.from('127.0.0.1').toString('hex'), 'hex'));
		const response = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(Object.keys(response.body)).toStrictEqual([
			'id',
			'account',
			'description',
			'metadata',
			'ip',
			'remoteAddress',
			'scopes',
			'restrictions',
			'permissions',
			'created',
			'expires',
			'access',
		]);
		expect(response.body).toStrictEqual({
			id,
			account: 12_345,
			description: 'all',
			metadata: '{}',
			ip: '10.0.0.1',
			remoteAddress: '127.0.0.1',
			scopes: ['api'],
			restrictions: {referrers: null, addresses: ['10.0.0.1'], rateLimit: null},
			permissions: {groups: ['account']},
			created: '1970-01-01T00:00:01.000Z',
			expires: FUTURE,
			access: {time: '2024-12-23T11:36:54.623Z', ip: '127.0.0.1'},
		});
	});

	test('a bad id is refused with the labels of its schema; an unknown one is 404', async () => {
		expect((await getJson(`${h.base}/v1/tokens/xyz`, bearer(root))).body).toStrictEqual(
			invalid([
				{message: '"TokenIdParam" length must be 64 characters long', key: 'token'},
				{message: '"TokenIdParam" must only contain hexadecimal characters', key: 'token'},
			]),
		);
		expect((await getJson(`${h.base}/v1/tokens/${'0'.repeat(64)}`, bearer(root))).body).toStrictEqual({
			statusCode: 404,
			error: 'Not Found',
			message: 'Requested access token was not found',
			code: 'NotFound',
		});
		expect((await getJson(`${h.base}/v1/tokens/zz`, {...bearer(root), method: 'DELETE'})).body).toStrictEqual(
			invalid([
				{message: '"TokenReference" length must be 64 characters long', key: 'token'},
				{message: '"TokenReference" must only contain hexadecimal characters', key: 'token'},
			]),
		);
	});
});

describe('GET /v1/tokens', () => {
	test('query arguments are validated with their labels, every problem at once', async () => {
		const response = await getJson(`${h.base}/v1/tokens?page=-1&pageSize=1001&query=${'q'.repeat(1025)}&colour=red`, bearer(root));
		expect(response.body).toStrictEqual(
			invalid([
				{message: '"PageNumber" must be greater than or equal to 0', key: 'page'},
				{message: '"PageSize" must be less than or equal to 1000', key: 'pageSize'},
				{message: '"TokenSearchQuery" length must be less than or equal to 1024 characters long', key: 'query'},
				{message: '"colour" is not allowed', key: 'colour'},
			]),
		);
	});

	test('reaps the expired records it reads, as EmailEngine does', async () => {
		const expired = await h.plant({created: 1, expires: 2, account: 'example', scopes: ['api'], description: 'gone'}, 'example');
		const response = await getJson(`${h.base}/v1/tokens`, bearer(root));
		expect(response.body).toMatchObject({account: null, total: 1, page: 0, pages: 1});
		expect(response.body.tokens.map((token: {id: string}) => token.id)).toStrictEqual([tokenIdOf(root)]);
		await expect.poll(async () => h.redis.client().hexists('tokens', expired.id)).toBe(0);
		expect(await h.redis.client().hexists('tokens:access', expired.id)).toBe(0);
		expect(await h.redis.client().sismember('iat:example', expired.id)).toBe(0);
	});

	test('one clock: a token past its expiry by the server clock is refused, left out of the listing and minted tokens are dated by it', async () => {
		const soon = await h.store.issue({description: 'soon', scopes: ['api'], expires: Date.now() + 3_600_000});
		h.clock.now = Date.now() + 7_200_000;
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(soon.rawToken))).status).toBe(401);
		const listing = await getJson(`${h.base}/v1/tokens`, bearer(root));
		expect(listing.body.tokens.map((token: {id: string}) => token.id)).toStrictEqual([tokenIdOf(root)]);
		const minted = await getJson(`${h.base}/v1/tokens`, post(base));
		expect((await stored(minted.body.id))['created']).toBe(h.clock.now);
	});

	test("keeps EmailEngine's search, not the filter language: a piece of the id finds it, scope:api is text", async () => {
		const scraper = await h.store.issue({description: 'Prometheus scraper', scopes: ['metrics']});
		const search = async (query: string) =>
			(await getJson(`${h.base}/v1/tokens?query=${encodeURIComponent(query)}`, bearer(root))).body.tokens.map(
				(token: {id: string}) => token.id,
			);
		expect(await search(scraper.id.slice(10, 30))).toStrictEqual([scraper.id]);
		expect(await search('PROMETHEUS')).toStrictEqual([scraper.id]);
		// `list --query` and the app would read these as terms or as the Scopes column; EmailEngine does not.
		expect(await search('metrics')).toStrictEqual([]);
		expect(await search('scope:metrics')).toStrictEqual([]);
		expect((await getJson(`${h.base}/v1/tokens?query=unused:>abc`, bearer(root))).status).toBe(200);
	});

	test('a header token beside an access_token argument is refused with 400', async () => {
		const response = await getJson(`${h.base}/v1/tokens?access_token=${root}`, bearer(root));
		expect(response.status).toBe(400);
		expect(response.body).toStrictEqual(invalid([{message: '"access_token" is not allowed', key: 'access_token'}]));
		expect(response.text).not.toContain(root);
		// Alone, the argument is the credential.
		expect((await fetchHttp(`${h.base}/v1/tokens?access_token=${root}`)).status).toBe(200);
	});
});

describe('the audit log (compatibility §1.7)', () => {
	test('entries carry the token’s own account when the request names none; GET …/log pages them', async () => {
		await h.redis.client().hset('settings', 'tokenAuditLog', 'true');
		const bound = await h.store.issue({description: 'bound', scopes: ['api'], account: 'example'});
		h.clock.now = Date.parse('2026-12-01T09:20:14.531Z');
		expect((await fetchHttp(`${h.base}/v1/stats`, bearer(bound.rawToken))).status).toBe(403);
		h.clock.now = Date.parse('2026-12-01T09:20:15.000Z');
		expect((await fetchHttp(`${h.base}/v1/account/example`, bearer(bound.rawToken))).status).toBe(200);
		await expect.poll(async () => h.redis.client().llen(`tokens:log:${bound.id}`)).toBe(2);
		// As stored: the request named no account, so the entry carries the token's own.
		const oldest = decodeFirstMsgpack((await h.redis.client().lrangeBuffer(`tokens:log:${bound.id}`, 1, 1))[0]!);
		expect(oldest).toMatchObject({path: '/v1/stats', account: 'example', status: 'denied', reason: 'account'});

		h.clock.now = undefined;
		const log = await getJson(`${h.base}/v1/tokens/${bound.id}/log?pageSize=1&page=1`, bearer(root));
		expect(log.status).toBe(200);
		expect(log.body).toStrictEqual({
			token: bound.id,
			total: 2,
			page: 1,
			pages: 2,
			entries: [
				{
					time: '2026-12-01T09:20:14.531Z',
					ip: '127.0.0.1',
					method: 'get',
					path: '/v1/stats',
					action: 'read',
					group: 'diagnostics',
					account: 'example',
					status: 'denied',
					reason: 'account',
				},
			],
		});
		const first = await getJson(`${h.base}/v1/tokens/${bound.id}/log`, bearer(root));
		expect(first.body.entries[0]).toMatchObject({path: '/v1/account/{account}', account: 'example', status: 'allowed', reason: null});
	});

	test('hostile entries by another writer: readable ones answered with only text, numbers and nil, the rest skipped', async () => {
		const id = tokenIdOf(root);
		const key = `tokens:log:${id}`;
		const good = {time: 1_796_203_168_854, ip: '127.0.0.1', method: 'get', path: '/v1/stats', action: 'read', group: 'diagnostics'};
		// Nested far deeper than the record codec reads: JSON.stringify of it overflows the stack.
		const deep = Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0xc0])]);
		await h.redis.client().rpush(
			key,
			Buffer.from(encodeMsgpack({...good, account: 'example', status: 'allowed', reason: null})),
			// {time, ip: [[[…]]]}: an entry nested too deep is skipped whole.
			Buffer.concat([Buffer.from('82a474696d65', 'hex'), Buffer.from(encodeMsgpack(good.time)), Buffer.from('a26970', 'hex'), deep]),
			Buffer.from(encodeMsgpack({...good, account: {nested: ['x']}, status: new Uint8Array([1, 2]), reason: true, ip: [1, 2]})),
			deep,
			Buffer.from('not msgpack at all \xc1'),
			Buffer.from([0xc1]),
		);
		const log = await getJson(`${h.base}/v1/tokens/${id}/log`, bearer(root));
		expect(log.status).toBe(200);
		expect(log.body.total).toBe(6);
		expect(log.body.entries).toStrictEqual([
			{
				time: '2026-12-02T09:19:28.854Z',
				ip: '127.0.0.1',
				method: 'get',
				path: '/v1/stats',
				action: 'read',
				group: 'diagnostics',
				account: 'example',
				status: 'allowed',
				reason: null,
			},
			{
				time: '2026-12-02T09:19:28.854Z',
				ip: null,
				method: 'get',
				path: '/v1/stats',
				action: 'read',
				group: 'diagnostics',
				account: null,
				status: null,
				reason: null,
			},
		]);
	});

	test("a last use that cannot be read is EmailEngine's null access in serve's bodies (only the CLI's JSON adds unreadable)", async () => {
		const {id} = await h.store.issue({description: 'garbled use', scopes: ['api'], account: 'example'});
		await h.redis.client().hset('tokens:access', id, Buffer.from('not msgpack'));
		const one = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
		expect(one.body.access).toStrictEqual({time: null, ip: null});
		const listed = await getJson(`${h.base}/v1/tokens/account/example`, bearer(root));
		const row = (listed.body.tokens as Array<{id: string; access?: unknown}>).find(token => token.id === id);
		expect(row?.access).toStrictEqual({time: null, ip: null});
		await h.store.revoke(id);
	});

	test('a token whose record cannot be read still has its log', async () => {
		const id = 'b'.repeat(64);
		await h.redis.client().hset('tokens', id, Buffer.from([0xc1]));
		await h.redis
			.client()
			.rpush(`tokens:log:${id}`, Buffer.from(encodeMsgpack({time: 1_796_203_168_854, ip: '10.0.0.1', status: 'denied', reason: 'scope'})));
		const log = await getJson(`${h.base}/v1/tokens/${id}/log`, bearer(root));
		expect(log.status).toBe(200);
		expect(log.body).toMatchObject({token: id, total: 1, entries: [{ip: '10.0.0.1', status: 'denied', reason: 'scope'}]});
	});

	test('an unknown token is 404; page size is at most 200; an empty log is total 0', async () => {
		expect((await getJson(`${h.base}/v1/tokens/${'a'.repeat(64)}/log`, bearer(root))).status).toBe(404);
		const id = tokenIdOf(root);
		expect((await getJson(`${h.base}/v1/tokens/${id}/log?pageSize=201`, bearer(root))).body).toStrictEqual(
			invalid([{message: '"PageSize" must be less than or equal to 200', key: 'pageSize'}]),
		);
		expect((await getJson(`${h.base}/v1/tokens/${id}/log`, bearer(root))).body).toStrictEqual({
			token: id,
			total: 0,
			page: 0,
			pages: 0,
			entries: [],
		});
	});
});
