import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type CanAnswer, judge, parseRequest, peekedCount} from '../../source/commands/request-answer.js';
import {type OpenStore, openStore} from '../../source/store/index.js';
import {PERMISSION_PRESETS, encodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {runCli, runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type ServedInProcess, serveInProcess} from '../helpers/serve.js';
import {fetchHttp} from '../helpers/http.js';

/**
 * `ee-tokens can` and a real `serve` give the same answer, status and body, for every scope ×
 * permission × route of the table: the checks are one implementation (server/checks.ts), so a
 * difference here is a bug in how `can` reads the request or the token.
 */

let redis: TestRedis;
let served: ServedInProcess;
/** One store for the table's answers, as the app's request check holds one (see judged()). */
let opened: OpenStore;
const DB = 8;
const db = () => `--dbs.redis=${redis.url(DB)}`;

beforeAll(async () => {
	redis = await startRedis();
	served = await serveInProcess(redis.url(DB));
	opened = await openStore({flag: redis.url(DB), env: {}, persistent: true});
});
afterAll(async () => {
	await opened.close();
	await served.stop();
	await redis.stop();
});

/** Stores a record as given (whatever its shape) under a fresh raw token; returns the raw token. */
async function store(record: Record<string, unknown>): Promise<string> {
	const raw = randomBytes(32).toString('hex');
	await redis.client(DB).hset('tokens', tokenIdOf(raw), encodeRecord({created: Date.now(), ...record}));
	return raw;
}

type Answer = {allowed: boolean; status: number; body?: Record<string, unknown>; check?: string};

async function ask(raw: string, method: string, path: string, extra: string[] = []): Promise<Answer> {
	const result = await runInProcess(['can', '-t', '-', method, path, '--json', ...extra, db()], {input: `${raw}\n`});
	expect([0, 10], result.stderr).toContain(result.exitCode);
	const answer = JSON.parse(result.stdout) as Answer;
	expect(result.exitCode).toBe(answer.allowed ? 0 : 10);
	return answer;
}

/**
 * The same answer as `ask`, from what `can` runs once it has read its arguments (can.ts): the
 * request parsed, the token resolved, judged, on one open store instead of a store opened and
 * closed by each run. For the table's 945 questions; `ask` goes through the whole command.
 */
async function judged(raw: string, method: string, path: string): Promise<Answer> {
	const {store} = opened;
	const entry = await store.resolve(tokenIdOf(raw), {allowUnreadable: true});
	const answer: CanAnswer = await judge(
		entry,
		parseRequest(method, path, undefined),
		{clientIp: undefined, referer: undefined, now: Date.now()},
		peekedCount(store, entry.id),
	);
	// As `can --json` prints it: what JSON keeps of the answer.
	return JSON.parse(JSON.stringify(answer)) as Answer;
}

async function call(raw: string, method: string, path: string, headers: Record<string, string> = {}) {
	const response = await fetchHttp(`${served.base}${path}`, {method, headers: {authorization: `Bearer ${raw}`, ...headers}});
	const text = await response.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = text;
	}

	return {status: response.status, body};
}

/** Refusals by authentication: what `can` must predict to the byte. */
const AUTH_STATUSES = new Set([401, 403, 429]);

/** The same answer: a refusal with serve's status and body, or an admission that serve did not refuse. */
async function compare(
	raw: string,
	method: string,
	path: string,
	label: string,
	canExtra: string[] = [],
	headers: Record<string, string> = {},
	asker: typeof ask = ask,
) {
	const answer = await asker(raw, method, path, canExtra);
	const real = await call(raw, method, path, headers);
	if (answer.allowed) {
		expect(AUTH_STATUSES.has(real.status), `${label}: can allowed, serve answered ${real.status} ${JSON.stringify(real.body)}`).toBe(false);
	} else if (path === '/metrics' && real.status === 403) {
		// /metrics renders a 403 as EmailEngine's HTML page (compatibility §6.7): same status, and the message in it.
		expect(real.status, label).toBe(answer.status);
		expect(String(real.body), label).toContain(String(answer.body?.['message']));
	} else {
		const ttl = (body: unknown) => (body as {ttl?: number}).ttl;
		expect({status: real.status, body: {...(real.body as object), ttl: undefined}}, label).toEqual({
			status: answer.status,
			body: {...answer.body, ttl: undefined},
		});
		if (ttl(real.body) !== undefined) {
			expect(Math.abs(ttl(real.body)! - ttl(answer.body)!), label).toBeLessThanOrEqual(1);
		}
	}

	return answer;
}

const SCOPES: Record<string, unknown> = {
	'no scopes field': undefined,
	'*': ['*'],
	api: ['api'],
	metrics: ['metrics'],
	smtp: ['smtp'],
	'api,metrics': ['api', 'metrics'],
	'[]': [],
};

const PERMISSIONS: Record<string, unknown> = {
	'not narrowed': undefined,
	...Object.fromEntries(Object.entries(PERMISSION_PRESETS).map(([name, value]) => [name, value])),
	'read diagnostics': {actions: ['read'], groups: ['diagnostics']},
	'groups account': {groups: ['account']},
	'actions write': {actions: ['write']},
	'empty actions': {actions: []},
	'names admin': {groups: ['admin']},
	'malformed {}': {},
	'malformed word': {actions: ['fly']},
	'malformed list': ['read'],
};

const ROUTES: Array<[string, string]> = [
	['GET', '/health'],
	['GET', '/metrics'],
	['GET', '/v1/stats'],
	['GET', '/v1/stats/'],
	['GET', '/v1/account/example'],
	['GET', '/v1/tokens'],
	['GET', '/v1/tokens?account=example'],
	['GET', `/v1/tokens/${'a'.repeat(64)}`],
	['DELETE', `/v1/tokens/${'b'.repeat(64)}`],
];

describe('can and serve agree (scope × permissions × route)', () => {
	it('for every combination of the table', async () => {
		const checks = new Set<string>();
		for (const [scopeName, scopes] of Object.entries(SCOPES)) {
			const tokens = await Promise.all(
				Object.entries(PERMISSIONS).map(async ([permissionName, permissions]) => ({
					label: `${scopeName} / ${permissionName}`,
					raw: await store({scopes, description: 'table', permissions}),
				})),
			);
			// A token's requests one after another; the tokens of one scope side by side.
			await Promise.all(
				tokens.map(async ({label, raw}) => {
					for (const [method, path] of ROUTES) {
						const answer = await compare(raw, method, path, `${label} / ${method} ${path}`, [], {}, judged);
						checks.add(answer.check ?? 'allowed');
					}
				}),
			);
		}

		// The table reaches every kind of answer it is meant to.
		expect([...checks].sort()).toEqual(['allowed', 'permission', 'scope']);
		// Hundreds of can runs and serve requests: seconds alone, more on a busy two-core CI machine.
	}, 120_000);

	it('for account binding, addresses, referrers, the rate limit, an expired and an unreadable record', async () => {
		const bound = await store({scopes: ['api'], account: 'example', permissions: PERMISSION_PRESETS['read-only']});
		for (const [method, path] of [...ROUTES, ['GET', '/v1/account/other'] as [string, string]]) {
			await compare(bound, method, path, `bound / ${method} ${path}`);
		}

		const listing = await compare(bound, 'GET', '/v1/tokens?account=example', 'bound listing');
		expect(listing.check).toBe('permission');
		const unnarrowedBound = await store({scopes: ['api'], account: 'example'});
		expect((await compare(unnarrowedBound, 'GET', '/v1/tokens', 'bound listing, no account')).check).toBe('account');
		expect((await compare(unnarrowedBound, 'GET', '/v1/tokens?account=example', 'bound listing, own')).allowed).toBe(true);
		// --account names the listing's account as ?account= does.
		expect((await ask(unnarrowedBound, 'GET', '/v1/tokens', ['--account', 'example'])).allowed).toBe(true);
		expect((await ask(unnarrowedBound, 'GET', '/v1/tokens', ['--account', 'other'])).check).toBe('account');

		const walled = await store({scopes: ['api'], restrictions: {addresses: ['10.0.0.0/8']}});
		const address = await compare(walled, 'GET', '/v1/stats', 'address', ['--ip', '127.0.0.1']);
		expect(address.check).toBe('address');
		const open = await store({scopes: ['api'], restrictions: {addresses: ['127.0.0.1', '::1']}});
		expect((await compare(open, 'GET', '/v1/stats', 'address allowed', ['--ip', '127.0.0.1'])).allowed).toBe(true);

		const referred = await store({scopes: ['api'], restrictions: {referrers: ['https://app.example.com/*']}});
		expect((await compare(referred, 'GET', '/v1/stats', 'no referrer')).check).toBe('referrer');
		const good = ['--referrer', 'https://app.example.com/x'];
		expect((await compare(referred, 'GET', '/v1/stats', 'referrer', good, {referer: 'https://app.example.com/x'})).allowed).toBe(true);

		const limited = await store({scopes: ['api'], restrictions: {rateLimit: {maxRequests: 2, timeWindow: 3600}}});
		const first = await compare(limited, 'GET', '/v1/stats', 'rate 1');
		expect(first).toMatchObject({allowed: true, rateLimit: {limit: 2, used: 0, counted: false}});
		expect((await compare(limited, 'GET', '/v1/stats', 'rate 2')).allowed).toBe(true);
		const third = await compare(limited, 'GET', '/v1/stats', 'rate 3');
		expect(third).toMatchObject({allowed: false, check: 'rateLimit', status: 429});
		// Asking twice more counts nothing: serve's next answer is still the third request's.
		await ask(limited, 'GET', '/v1/stats');
		await ask(limited, 'GET', '/v1/stats');
		expect((await redis.client(DB).keys('rl:*')).length).toBe(1);
		expect(Number(await redis.client(DB).get((await redis.client(DB).keys('rl:*'))[0]!))).toBe(3);

		const unreadable = randomBytes(32).toString('hex');
		await redis.client(DB).hset('tokens', tokenIdOf(unreadable), Buffer.from([0xc1]));
		expect((await compare(unreadable, 'GET', '/v1/stats', 'unreadable')).check).toBe('token');

		// Last: serve reaps the expired record it refuses.
		const expired = await store({scopes: ['api'], expires: Date.now() - 1000});
		expect((await compare(expired, 'GET', '/v1/stats', 'expired')).check).toBe('expiry');
	});
});

describe('can never answers more than serve would', () => {
	it('a rate-limit counter that is not an integer: serve cannot count (500), so can gives no verdict (exit 6)', async () => {
		const limited = await store({scopes: ['api'], restrictions: {rateLimit: {maxRequests: 5, timeWindow: 3600}}});
		await ask(limited, 'GET', '/v1/stats');
		// serve counted nothing yet; the window's key is the one serve will INCRBY.
		await call(limited, 'GET', '/v1/stats');
		// This token's window only: earlier cases leave windows of their own tokens in the database.
		const [key] = await redis.client(DB).keys(`rl:*:api:${tokenIdOf(limited)}`);
		await redis.client(DB).set(key!, 'abc', 'KEEPTTL');
		expect((await call(limited, 'GET', '/v1/stats')).status).toBe(500);
		const result = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', db()], {input: `${limited}\n`});
		expect(result.exitCode).toBe(6);
		expect(result.stderr).toContain('is not an integer');
		expect(result.stdout).not.toContain('allowed');
		// "-0" is no integer to INCRBY either (a 500); a 19-digit count is one, far past the limit (a 429).
		await redis.client(DB).set(key!, '-0', 'KEEPTTL');
		expect((await call(limited, 'GET', '/v1/stats')).status).toBe(500);
		expect((await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', db()], {input: `${limited}\n`})).exitCode).toBe(6);
		await redis.client(DB).set(key!, '1000000000000000000', 'KEEPTTL');
		const over = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', '--json', db()], {input: `${limited}\n`});
		expect(over.exitCode).toBe(10);
		expect(JSON.parse(over.stdout)).toMatchObject({allowed: false, check: 'rateLimit', status: 429});
		expect((await call(limited, 'GET', '/v1/stats')).status).toBe(429);
	});

	it('a record stored under an upper-case id is reached by no token: refused, as serve refuses its token', async () => {
		const raw = await store({scopes: ['api']});
		const upper = tokenIdOf(raw).toUpperCase();
		await redis.client(DB).rename('tokens', 'tokens-moved');
		await redis.client(DB).hset('tokens', upper, (await redis.client(DB).hgetBuffer('tokens-moved', tokenIdOf(raw)))!);
		await redis.client(DB).del('tokens-moved');
		expect((await call(raw, 'GET', '/v1/stats')).status).toBe(401);
		const result = await runInProcess(['can', '-t', upper, 'GET', '/v1/stats', '--json', db()]);
		expect(result.exitCode).toBe(10);
		expect(JSON.parse(result.stdout)).toMatchObject({allowed: false, check: 'token'});
	});

	it("--account that names another account than PATH's ?account= is a usage error, not a silent replacement", async () => {
		const raw = await store({scopes: ['api'], account: 'example'});
		const result = await runInProcess(['can', '-t', '-', 'GET', '/v1/tokens?account=other', '--account', 'example', db()], {
			input: `${raw}\n`,
		});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('name different accounts');
	});
});

describe('can writes nothing', () => {
	it('no last use, no audit entry, no rate-limit counter', async () => {
		await redis.client(DB).hset('settings', 'tokenAuditLog', 'true');
		try {
			const raw = await store({scopes: ['api'], restrictions: {rateLimit: {maxRequests: 5, timeWindow: 60}}});
			const id = tokenIdOf(raw);
			const before = await redis.client(DB).hgetBuffer('tokens:access', id);
			const keys = (await redis.client(DB).keys('*')).sort();
			expect((await ask(raw, 'GET', '/v1/stats')).allowed).toBe(true);
			expect((await ask(raw, 'GET', '/v1/account/x')).allowed).toBe(true);
			expect(await redis.client(DB).hgetBuffer('tokens:access', id)).toEqual(before);
			expect((await redis.client(DB).keys('*')).sort()).toEqual(keys);
		} finally {
			await redis.client(DB).hdel('settings', 'tokenAuditLog');
		}
	});
});

describe('can through the binary', () => {
	// The binary once (its exit code and stdin as a process has them); the rest in this process.
	it('a raw token on stdin is never echoed; allowed is exit 0, refused exit 10 naming the check', async () => {
		const raw = await store({scopes: ['api'], permissions: PERMISSION_PRESETS['send-only']});
		const refused = await runCli(['can', '-t', '-', 'GET', '/v1/stats', db()], {input: `${raw}\n`});
		expect(refused.exitCode).toBe(10);
		expect(refused.stdout).toMatch(/^refused by the permission check: GET \/v1\/stats gets 403 Unauthorized permission$/m);
		expect(refused.stdout).toContain('may do       Can send outgoing mail');
		const allowed = await runInProcess(['can', '-t', tokenIdOf(raw).slice(0, 12), 'POST', '/v1/tokens', db()]);
		expect(allowed.exitCode).toBe(10);
		expect(`${refused.stdout}${refused.stderr}${allowed.stdout}${allowed.stderr}`).not.toContain(raw);
		const plain = await store({scopes: ['api']});
		const ok = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', db()], {input: plain});
		expect(ok.exitCode).toBe(0);
		expect(ok.stdout).toMatch(/^allowed: GET \/v1\/stats$/m);
		expect(ok.stdout + ok.stderr).not.toContain(plain);
	});

	it('an unknown route is a usage error that says where the routes are; an unknown token is not found', async () => {
		const raw = await store({scopes: ['api']});
		const unknown = await runInProcess(['can', '-t', '-', 'GET', '/v1/nothing', db()], {input: raw});
		expect(unknown.exitCode).toBe(2);
		expect(unknown.stderr).toBe('ee-tokens: serve has no route "GET /v1/nothing"; ee-tokens can --help lists the routes it knows');
		const help = await runInProcess(['can', '--help']);
		expect(help.stdout).toMatch(/GET +\/v1\/stats +api, read on diagnostics/);
		const missing = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', db()], {input: randomBytes(32).toString('hex')});
		expect(missing.exitCode).toBe(4);
		const noAccount = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', '--account', 'x', db()], {input: raw});
		expect([noAccount.exitCode, noAccount.stderr]).toEqual([2, 'ee-tokens: GET /v1/stats names no account, so --account does not apply']);
		const badIp = await runInProcess(['can', '-t', '-', 'GET', '/v1/stats', '--ip', 'nope', db()], {input: raw});
		expect([badIp.exitCode, badIp.stderr]).toEqual([2, 'ee-tokens: --ip "nope" is not an IP address']);
	});
});
