import {createHash} from 'node:crypto';
import {Readable} from 'node:stream';
import type {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {EMPTY_ACCESS, type TokenRecord, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {ESCAPES, RAW_CONTROL, deepRecord} from '../helpers/hostile-records.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;
const id = (n: number) => createHash('sha256').update(`diff-sync-${n}`).digest('hex');

/** One end of a diff or sync: the flags that name it, a raw client on its db, and its key prefix. */
type TestEnd = {args: (flag: 'from' | 'to') => string[]; client: Redis; prefix: string; url: string};

let one: TestRedis;
let two: TestRedis;
beforeAll(async () => {
	[one, two] = await Promise.all([startRedis(), startRedis()]);
});
afterAll(async () => Promise.all([one?.stop(), two?.stop()]));
beforeEach(async () => Promise.all([one.flush(), two.flush()]));

function end(redis: TestRedis, db: number, prefix = ''): TestEnd {
	const url = redis.url(db);
	const client = redis.client(db);
	return {
		url,
		client,
		prefix: prefix ? `${prefix}:` : '',
		args: flag => [`--${flag}`, url, ...(prefix ? [`--${flag}-prefix`, prefix] : [])],
	};
}

/** The three ways two instances can sit (issue #14 item 6). */
const TOPOLOGIES: Array<[string, () => [TestEnd, TestEnd]]> = [
	['two Redis servers', () => [end(one, 8), end(two, 8)]],
	['two databases of one Redis', () => [end(one, 8), end(one, 9)]],
	['two key prefixes of one database', () => [end(one, 8, 'ee-a'), end(one, 8, 'ee-b')]],
];

/** A token's trio as a writer leaves it: record bytes, empty last use, index entry. */
async function plant(at: TestEnd, tokenId: string, record: TokenRecord | Buffer): Promise<void> {
	const account = Buffer.isBuffer(record) ? undefined : (record['account'] as string | undefined);
	await at.client
		.multi()
		.hset(`${at.prefix}tokens`, tokenId, Buffer.isBuffer(record) ? record : encodeRecord(record))
		.hset(`${at.prefix}tokens:access`, tokenId, EMPTY_ACCESS)
		.sadd(`${at.prefix}iat${account === undefined ? '' : `:${account}`}`, tokenId)
		.exec();
}

const record = (n: number, extra: TokenRecord = {}): TokenRecord => ({
	created: NOW - n * DAY,
	scopes: ['api'],
	description: `token ${n}`,
	...extra,
});

const run = async (args: string[], options: {input?: string; stdin?: Readable} = {}) => runInProcess(args, {now: () => NOW, ...options});
const diff = async (from: TestEnd, to: TestEnd, extra: string[] = []) => run(['diff', ...from.args('from'), ...to.args('to'), ...extra]);
const sync = async (from: TestEnd, to: TestEnd, extra: string[] = [], options: {stdin?: Readable} = {}) =>
	run(['sync', ...from.args('from'), ...to.args('to'), ...extra], options);

/** Every key under the end's prefix with its content, as bytes (hash fields sorted, set members sorted). */
async function keyspace(at: TestEnd): Promise<Record<string, string>> {
	const found: Record<string, string> = {};
	const keys = (await at.client.keys(`${at.prefix}*`)).filter(key => at.prefix !== '' || !key.startsWith('ee-'));
	for (const key of keys.sort()) {
		const type = await at.client.type(key);
		const name = key.slice(at.prefix.length);
		if (type === 'hash') {
			const entries = Object.entries(await at.client.hgetallBuffer(key)).map(([field, value]) => `${field}=${value.toString('hex')}`);
			found[name] = entries.sort().join(',');
		} else {
			found[name] = (await at.client.smembers(key)).sort().join(',');
		}
	}

	return found;
}

describe.each(TOPOLOGIES)('diff and sync between %s', (_name, ends) => {
	it('diff is 0 for equal ends, 1 naming what differs; sync copies what --to lacks, byte for byte as export | import, once', async () => {
		const [from, to] = ends();
		await plant(from, id(1), record(1));
		await plant(to, id(1), record(1, {created: NOW}));
		expect((await diff(from, to)).exitCode).toBe(0);

		await plant(from, id(2), record(2, {account: 'acme'}));
		await plant(from, id(3), record(3));
		const before = await diff(from, to, ['--json']);
		expect(before.exitCode).toBe(1);
		expect(JSON.parse(before.stdout)).toMatchObject({
			same: 1,
			onlyInFrom: [{id: id(3)}, {id: id(2)}].sort((a, b) => (a.id < b.id ? 1 : -1)),
		});

		const copied = await sync(from, to, ['--yes']);
		expect(copied.stderr).toContain('Copied 2 tokens');
		expect(copied.exitCode).toBe(0);

		// The baseline: export --all from --from imported into a third keyspace, at the same clock.
		const baseline = end(two, 11, to.prefix.slice(0, -1));
		const prefixEnv = (at: TestEnd) => (at.prefix ? {EENGINE_REDIS_PREFIX: at.prefix.slice(0, -1)} : {});
		const exported = await runInProcess(['export', '--all', `--dbs.redis=${from.url}`], {env: prefixEnv(from), now: () => NOW});
		await plant(baseline, id(1), record(1, {created: NOW}));
		const imported = await runInProcess(['import', '-t', '-', `--dbs.redis=${baseline.url}`], {
			env: prefixEnv(baseline),
			input: exported.stdout,
			now: () => NOW,
		});
		expect(imported.exitCode).toBe(0);
		expect(await keyspace(to)).toEqual(await keyspace(baseline));
		expect(await to.client.smembers(`${to.prefix}iat:acme`)).toEqual([id(2)]);

		expect((await diff(from, to)).exitCode).toBe(0);
		const again = await sync(from, to, ['--yes', '--json']);
		expect(again.exitCode).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({copy: [], copied: [], same: 3});
		expect(again.stderr).toContain('Nothing to copy.');
	});
});

describe('diff', () => {
	const ends = TOPOLOGIES[1]![1];

	it('names each compared field that differs, with both values, and ignores created, nil against absent and key order', async () => {
		const [from, to] = ends();
		const changes: Array<[TokenRecord, TokenRecord]> = [
			[{description: 'old'}, {description: 'new'}],
			[{scopes: ['api']}, {scopes: ['api', 'smtp']}],
			[{account: 'acme'}, {account: 'other'}],
			[{restrictions: {addresses: ['10.0.0.0/8']}}, {restrictions: {addresses: ['10.0.0.0/16']}}],
			[{permissions: {actions: ['read']}}, {permissions: {actions: ['read', 'write']}}],
			[{}, {expires: NOW + DAY}],
		];
		for (const [index, [left, right]] of changes.entries()) {
			await plant(from, id(index), record(index, left));
			await plant(to, id(index), record(index, right));
		}

		// Alike: created differs, REST's nil restriction keys against none, map keys in another order, expiry 0 against none.
		await plant(from, id(10), record(10, {restrictions: {addresses: ['10.0.0.1'], referrers: null, rateLimit: null}, expires: 0}));
		await plant(to, id(10), {created: NOW, restrictions: {addresses: ['10.0.0.1']}, description: 'token 10', scopes: ['api']});
		const result = await diff(from, to, ['--json']);
		expect(result.exitCode).toBe(1);
		const json = JSON.parse(result.stdout) as {
			same: number;
			different: Array<{id: string; fields: Array<{field: string; from: unknown; to: unknown}>}>;
		};
		expect(json.same).toBe(1);
		const fields = Object.fromEntries(json.different.map(token => [token.id, token.fields]));
		expect(fields[id(0)]).toEqual([{field: 'description', from: 'old', to: 'new'}]);
		expect(fields[id(1)]).toEqual([{field: 'scopes', from: ['api'], to: ['api', 'smtp']}]);
		expect(fields[id(2)]).toEqual([{field: 'account', from: 'acme', to: 'other'}]);
		expect(fields[id(3)]).toEqual([{field: 'restrictions', from: {addresses: ['10.0.0.0/8']}, to: {addresses: ['10.0.0.0/16']}}]);
		expect(fields[id(4)]).toEqual([{field: 'permissions', from: {actions: ['read']}, to: {actions: ['read', 'write']}}]);
		expect(fields[id(5)]).toEqual([{field: 'expires', from: null, to: new Date(NOW + DAY).toISOString()}]);

		const text = await diff(from, to);
		expect(text.stdout).toContain('Different: 6');
		expect(text.stdout).toContain('    scopes: api → api, smtp');
		expect(text.stdout).toContain('    description: old → new');
		expect(text.stdout).toMatch(/ {4}expires: no expiry → 2027-01-1\dT/);
	});

	it('lists tokens only in --to, and counts an expired token as absent unless --all', async () => {
		const [from, to] = ends();
		await plant(to, id(1), record(1));
		await plant(from, id(2), record(2, {expires: NOW - DAY}));
		const result = await diff(from, to, ['--json']);
		expect(JSON.parse(result.stdout)).toMatchObject({onlyInFrom: [], onlyInTo: [{id: id(1), description: 'token 1'}]});
		const all = await diff(from, to, ['--json', '--all']);
		expect(JSON.parse(all.stdout)).toMatchObject({onlyInFrom: [{id: id(2)}]});
	});

	it('reports records that cannot be read on either end as a difference, even when both hold the same bytes', async () => {
		const [from, to] = ends();
		const garbage = Buffer.from('not msgpack at all');
		await plant(from, id(1), garbage);
		await plant(to, id(1), garbage);
		await plant(to, id(2), deepRecord(100));
		await plant(from, id(3), record(3));
		await plant(to, id(3), record(3));
		const result = await diff(from, to, ['--json']);
		expect(result.exitCode).toBe(1);
		const json = JSON.parse(result.stdout) as {same: number; unreadable: Array<{id: string; at: string}>};
		expect(json.same).toBe(1);
		expect(json.unreadable.map(({id, at}) => [id, at]).sort()).toEqual(
			[
				[id(1), 'both'],
				[id(2), 'to'],
			].sort(),
		);
		expect((await diff(from, to)).stdout).toContain('Unreadable (a record that cannot be read is a difference): 2');
	});

	it('prints hostile descriptions and values through the sanitiser', async () => {
		const [from, to] = ends();
		for (const [index, escape] of ESCAPES.entries()) {
			await plant(from, id(index), record(index, {description: `a${escape}b`}));
			await plant(to, id(100 + index), record(index, {description: `c${escape}d`}));
			await plant(from, id(200 + index), record(index, {description: 'same id'}));
			await plant(to, id(200 + index), record(index, {description: `e${escape}f`, account: `x${escape}`}));
		}

		const result = await diff(from, to);
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toContain(`Different: ${ESCAPES.length}`);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		const json = await diff(from, to, ['--json']);
		expect(json.stdout).not.toMatch(RAW_CONTROL);
	});
});

describe('sync', () => {
	const ends = TOPOLOGIES[0]![1];

	it('prints the plan; --dry-run writes nothing; without a terminal it needs --yes', async () => {
		const [from, to] = ends();
		await plant(from, id(1), record(1));
		await plant(from, id(2), record(2));
		const before = await keyspace(to);
		const dry = await sync(from, to, ['--dry-run', '--json']);
		expect(dry.exitCode).toBe(0);
		expect(dry.stderr).toContain('copy 2 tokens');
		expect(dry.stderr).toContain('Dry run: nothing was copied.');
		expect(JSON.parse(dry.stdout)).toMatchObject({dryRun: true, copy: [{id: id(2)}, {id: id(1)}], copied: []});
		expect(await keyspace(to)).toEqual(before);

		const refused = await sync(from, to);
		expect(refused.exitCode).toBe(2);
		expect(refused.stderr).toContain('copy 2 tokens');
		expect(refused.stderr).toContain('without --yes');
		expect(await keyspace(to)).toEqual(before);
	});

	it('on a terminal, copies only when the count is typed back', async () => {
		const [from, to] = ends();
		await plant(from, id(1), record(1));
		await plant(from, id(2), record(2));
		const terminal = (text: string) => Object.assign(Readable.from([text]), {isTTY: true});
		const cancelled = await sync(from, to, [], {stdin: terminal('y\n')});
		expect(cancelled.exitCode).toBe(2);
		expect(cancelled.stderr).toContain('Type 2 to confirm');
		expect(await to.client.hlen('tokens')).toBe(0);
		const confirmed = await sync(from, to, [], {stdin: terminal('2\n')});
		expect(confirmed.exitCode).toBe(0);
		expect(await to.client.hlen('tokens')).toBe(2);
	});

	it('reports a different token under the same id and keeps it; copies the rest; exit 8', async () => {
		const [from, to] = ends();
		await plant(from, id(1), record(1, {scopes: ['*']}));
		await plant(to, id(1), record(1, {scopes: ['metrics']}));
		await plant(to, id(3), Buffer.from('garbage'));
		await plant(from, id(3), record(3));
		await plant(from, id(2), record(2));
		const kept = await to.client.hgetBuffer('tokens', id(1));
		const result = await sync(from, to, ['--yes', '--json']);
		expect(result.exitCode).toBe(8);
		expect(result.stderr).toContain('kept, --to holds a different token under the id: 2 tokens');
		const json = JSON.parse(result.stdout) as {copied: string[]; conflicts: Array<{id: string; fields: string[]; unreadable?: string}>};
		expect(json.copied).toEqual([id(2)]);
		expect(json.conflicts).toContainEqual({id: id(1), description: 'token 1', fields: ['scopes']});
		expect(json.conflicts).toContainEqual(expect.objectContaining({id: id(3), unreadable: expect.any(String)}));
		expect(await to.client.hgetBuffer('tokens', id(1))).toEqual(kept);
		expect((await to.client.hgetBuffer('tokens', id(3)))?.toString()).toBe('garbage');
	});

	it('--query narrows what is copied; expired tokens of --from are not copied, an expired one at --to is replaced', async () => {
		const [from, to] = ends();
		await plant(from, id(1), record(1, {scopes: ['metrics']}));
		await plant(from, id(2), record(2, {scopes: ['api']}));
		await plant(from, id(3), record(3, {scopes: ['metrics'], expires: NOW - 1}));
		await plant(from, id(4), record(4, {scopes: ['metrics'], description: 'fresh'}));
		await plant(to, id(4), record(4, {scopes: ['metrics'], description: 'stale', expires: NOW - DAY}));
		const result = await sync(from, to, ['--yes', '--json', '--query', 'scope:metrics']);
		expect(result.exitCode).toBe(0);
		const json = JSON.parse(result.stdout) as {
			copied: string[];
			expired: Array<{id: string}>;
			copy: Array<{id: string; replacesExpired: boolean}>;
		};
		expect(json.copied.sort()).toEqual([id(1), id(4)].sort());
		expect(json.expired.map(token => token.id)).toEqual([id(3)]);
		expect(json.copy.find(token => token.id === id(4))?.replacesExpired).toBe(true);
		expect(await to.client.hexists('tokens', id(2))).toBe(0);
		expect(await to.client.hexists('tokens', id(3))).toBe(0);
		expect(result.stderr).toContain('not copied, expired at --from: 1 token');
	});

	it('says which records of --from cannot be read and copies the rest (exit 6)', async () => {
		const [from, to] = ends();
		await plant(from, id(1), Buffer.from('garbage'));
		await plant(from, id(2), record(2));
		const result = await sync(from, to, ['--yes']);
		expect(result.exitCode).toBe(6);
		expect(result.stderr).toContain('not copied, cannot be read at --from: 1 token');
		expect(await to.client.hexists('tokens', id(2))).toBe(1);
		expect(await to.client.hexists('tokens', id(1))).toBe(0);
	});
});

describe('a sync that Redis stops', () => {
	it('says how many were copied and why it stopped (exit 3); --to keeps whole tokens only, and the next run finishes', async () => {
		const [from, to] = TOPOLOGIES[0]![1]();
		for (let n = 0; n < 5; n++) {
			await plant(from, id(n), record(n, {account: 'acme'}));
		}

		// Every write refused at --to (NOREPLICAS), reads still answered: the plan is read, the copy stops.
		await to.client.config('SET', 'min-replicas-to-write', '1');
		try {
			const stopped = await sync(from, to, ['--yes']);
			expect(stopped.exitCode).toBe(3);
			expect(stopped.stderr).toContain('Stopped early. Copied 0 tokens before the failure; run the sync again to finish.');
			expect(stopped.stderr).toContain('NOREPLICAS');
			expect(await keyspace(to)).toEqual({});
		} finally {
			await to.client.config('SET', 'min-replicas-to-write', '0');
		}

		const finished = await sync(from, to, ['--yes']);
		expect(finished.exitCode).toBe(0);
		expect(await to.client.hlen('tokens')).toBe(5);
		expect(await to.client.scard('iat:acme')).toBe(5);
	});
});

describe('naming the two ends', () => {
	it('refuses one keyspace named twice, however spelled, a name with no config file, and --dbs.redis', async () => {
		const same = await run(['sync', '--from', one.url(8), '--to', `redis://localhost:${one.port}/8`, '--yes']);
		expect(same.exitCode).toBe(2);
		expect(same.stderr).toContain('--from and --to name the same Redis database and key prefix');
		const samePrefix = await run(['diff', '--from', one.url(8), '--from-prefix', 'ee', '--to', one.url(8), '--to-prefix', 'ee']);
		expect(samePrefix.exitCode).toBe(2);
		// A name is an instance of the config file: there is none here.
		const name = await run(['diff', '--from', 'prod', '--to', one.url(8)]);
		expect(name.exitCode).toBe(2);
		expect(name.stderr).toMatch(
			/^ee-tokens: --from "prod": there is no config file at .*config\.toml; create it with an \[instances\.prod\] table/,
		);
		const global = await run(['diff', '--from', one.url(8), '--to', one.url(9), `--dbs.redis=${one.url(8)}`]);
		expect(global.exitCode).toBe(2);
		const missing = await run(['diff', '--from', one.url(8)]);
		expect(missing.exitCode).toBe(2);
	});

	it('names the end a Redis failure happened at (exit 3)', async () => {
		const result = await run(['diff', '--from', one.url(8), '--to', 'redis://127.0.0.1:1/8', '--dbs.timeout', '2']);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toContain('127.0.0.1:1');
	});
});
