import {rmSync} from 'node:fs';
import {Readable} from 'node:stream';
import {setTimeout} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {encodeExportString} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type Stalled, startStalled} from '../helpers/stalled.js';

/**
 * Redis refusing, failing or not answering, as the CLI reports it: one line with Redis's own reason,
 * exit 3 (2 for a malformed URL), nothing printed as done and nothing written anywhere else. The
 * commands run in-process (the process boundary is not the subject here), with time limits of a
 * fraction of a second (--dbs.timeout takes fractions) instead of the default 10 s.
 */

let redis: TestRedis;
let stalled: Stalled;
let db0Token: {id: string; exportString: string};

beforeAll(async () => {
	redis = await startRedis();
	stalled = await startStalled();
	// A token in db 0: a command that silently fell back to db 0 would find, list or revoke it.
	const {id} = await new TokenStore(redis.client(0)).issue({description: 'lives in db 0', scopes: ['*']});
	db0Token = {id, exportString: encodeExportString('e'.repeat(64), {created: 1, scopes: ['api'], description: 'would be imported'})};
});

afterAll(async () => {
	await stalled.close();
	await redis.stop();
});

/** Every command that reaches Redis, with the arguments it needs. */
const commands = () => [
	['issue', '-d', 'wrong db'],
	['list'],
	['list', '--json'],
	['show', '-t', db0Token.id],
	['export', '-t', db0Token.id],
	['export', '--all'],
	['import', '-t', db0Token.exportString],
	['revoke', '-t', db0Token.id, '--yes'],
];

describe('a bad database index is never db 0', () => {
	it.each([
		['/99 (every command)', (port: number) => `redis://127.0.0.1:${port}/99`, 99, commands],
		['/16 on a Redis with 16 databases', (port: number) => `redis://127.0.0.1:${port}/16`, 16, () => commands().slice(0, 2)],
		['?db=99', (port: number) => `redis://127.0.0.1:${port}?db=99`, 99, () => commands().slice(0, 2)],
	])('%s: exit 3 naming the database, before anything is read or written', async (_what, url, db, which) => {
		const before = await dumpKeyspace(redis.client(0));
		expect(before).toContain(db0Token.id);
		for (const args of which()) {
			const result = await runCli([...args, `--dbs.redis=${url(redis.port)}`], {input: db0Token.exportString});
			expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(3);
			expect(result.stdout).toBe('');
			expect(result.stderr.trim()).toBe(
				`ee-tokens: Cannot use database ${db} of Redis at ${url(redis.port)}: ERR DB index is out of range`,
			);
		}

		expect(await dumpKeyspace(redis.client(0))).toEqual(before);
	});

	it.each(['/-1', '/abc', '/1.5', '/8?db=abc', '/8?db=-1'])('%s: exit 2, a malformed URL, nothing read or written', async suffix => {
		const before = await dumpKeyspace(redis.client(0));
		for (const args of commands().slice(0, 2)) {
			const result = await runCli([...args, `--dbs.redis=redis://127.0.0.1:${redis.port}${suffix}`], {input: db0Token.exportString});
			expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr.trim()).toMatch(/^ee-tokens: Invalid Redis URL \S+: the database must be a whole number from 0 up/);
		}

		expect(await dumpKeyspace(redis.client(0))).toEqual(before);
	});
});

describe('a Redis that does not answer', () => {
	it('accepting and never answering: a command exits 3 within the limit, saying so', async () => {
		for (const args of [commands()[0]!, commands()[2]!, ['import', '-t', '-']]) {
			const result = await runCli([...args, `--dbs.redis=${stalled.url()}`, '--dbs.timeout', '0.2'], {input: db0Token.exportString});
			expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(3);
			expect(result.stdout).toBe('');
			expect(result.stderr.trim()).toBe(`ee-tokens: Redis at ${stalled.url()} did not answer within 0.2 s`);
		}
	});

	it('EE_TOKENS_REDIS_TIMEOUT sets the limit; a bad value is a usage error', async () => {
		const result = await runCli(['list', `--dbs.redis=${stalled.url()}`], {env: {EE_TOKENS_REDIS_TIMEOUT: '0.25'}});
		expect(result.exitCode).toBe(3);
		expect(result.stderr.trim()).toBe(`ee-tokens: Redis at ${stalled.url()} did not answer within 0.25 s`);
		const bad = await runCli(['list', `--dbs.redis=${stalled.url()}`, '--dbs.timeout=soon']);
		expect(bad.exitCode).toBe(2);
		expect(bad.stderr.trim()).toBe('ee-tokens: Invalid --dbs.timeout "soon": give seconds, more than 0 and at most 3600');
	});

	it('a real Redis under CLIENT PAUSE: connecting, and a write once connected, each time out', async () => {
		const admin = redis.client();
		// Under PAUSE ALL even UNPAUSE waits, so the pause is short (five times the limit) and simply runs out.
		await admin.client('PAUSE', 1000, 'ALL');
		const listed = await runCli(['list', `--dbs.redis=${redis.url()}`, '--dbs.timeout', '0.2']);
		expect(listed.exitCode).toBe(3);
		expect(listed.stderr.trim()).toBe(`ee-tokens: Redis at ${redis.url()} did not answer within 0.2 s`);
		await admin.ping();

		// Writes paused only: the connection is made (INFO is no write), the MULTI then waits.
		await admin.client('PAUSE', 20_000, 'WRITE');
		try {
			// 1 s: connecting must succeed within it, even on a loaded CI machine.
			const issued = await runCli(['issue', '-d', 'paused', `--dbs.redis=${redis.url()}`, '--dbs.timeout', '1']);
			expect(issued.exitCode).toBe(3);
			expect(issued.stdout).toBe('');
			expect(issued.stderr.trim()).toBe(`ee-tokens: Redis at ${redis.url()} did not answer within 1 s`);
		} finally {
			await admin.client('UNPAUSE');
		}
	});

	it('is a limit per command: an import whose input comes slower than the limit, and listing it, succeed', async () => {
		// Each command must finish within it even on a loaded CI machine, so a whole second.
		const LIMIT_MS = 1000;
		// Three batches of 1,000 (one Redis round trip each), the next arriving only after more than
		// the limit: the import as a whole lasts over twice the limit by construction, each command not.
		const batches = Array.from({length: 3}, (_, batch) =>
			Array.from({length: 1000}, (_, index) =>
				encodeExportString((batch * 1000 + index).toString(16).padStart(64, '0'), {
					created: 1,
					scopes: ['api'],
					description: `bulk ${index}`,
				}),
			).join('\n'),
		);
		async function* slowly() {
			for (const [index, batch] of batches.entries()) {
				if (index > 0) {
					await setTimeout(LIMIT_MS + 100);
				}

				yield `${batch}\n`;
			}
		}

		const url = redis.url(5);
		const timeout = ['--dbs.timeout', String(LIMIT_MS / 1000)];
		const imported = await runCli(['import', '-t', '-', `--dbs.redis=${url}`, ...timeout], {stdin: Readable.from(slowly())});
		expect(imported.exitCode, imported.stderr).toBe(0);
		expect(imported.stderr).toContain('Imported 3,000, already present 0, invalid 0');
		const listed = await runCli(['list', '--json', `--dbs.redis=${url}`, ...timeout]);
		expect(listed.exitCode, listed.stderr).toBe(0);
		expect(JSON.parse(listed.stdout)).toHaveLength(3000);
		await redis.client(5).flushdb();
	});
});

describe('credentials', () => {
	let locked: TestRedis;
	beforeAll(async () => {
		locked = await startRedis();
		await locked.client().config('SET', 'requirepass', 'right/pass#1');
	});
	afterAll(async () => locked.stop());

	it('a wrong password says "wrong password"; none at all says one is needed; neither shows the password', async () => {
		const wrong = await runCli(['list', `--dbs.redis=redis://:${encodeURIComponent('wr/ong#pass')}@127.0.0.1:${locked.port}/8`]);
		expect(wrong.exitCode).toBe(3);
		expect(wrong.stderr.trim()).toBe(
			`ee-tokens: Cannot connect to Redis at redis://:***@127.0.0.1:${locked.port}/8: wrong password (WRONGPASS invalid username-password pair or user is disabled.)`,
		);
		const none = await runCli(['list', `--dbs.redis=redis://127.0.0.1:${locked.port}/8`]);
		expect(none.exitCode).toBe(3);
		expect(none.stderr.trim()).toBe(
			`ee-tokens: Cannot connect to Redis at redis://127.0.0.1:${locked.port}/8: no password given, and this Redis needs one (NOAUTH Authentication required.)`,
		);
		const right = await runCli(['list', '--json', `--dbs.redis=redis://:${encodeURIComponent('right/pass#1')}@127.0.0.1:${locked.port}/8`]);
		expect(right.exitCode, right.stderr).toBe(0);
	});

	it.each(['/', '@', ':', '%', '#'])(
		'a password with %s is never printed, in the invalid-URL error or the EENGINE_REDIS notice',
		async character => {
			const password = `Zk${character}9q${character}s3cr`;
			const raw = `redis://:${password}@127.0.0.1:${locked.port}/8`;
			const results = [
				// Refused as a URL, or refused by Redis as the wrong password: either way said, masked.
				await runCli(['list', `--dbs.redis=${raw}`]),
				await runCli(['list', `--dbs.redis=redis://127.0.0.1:${locked.port}/8?password=${password}`]),
				// The notice that the flag wins over EENGINE_REDIS names both URLs.
				await runCli(['list', `--dbs.redis=${redis.url()}`], {env: {EENGINE_REDIS: raw}}),
			];
			expect(results[2]!.stderr).toMatch(/^ee-tokens: using --dbs\.redis \S+, not EENGINE_REDIS redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/8$/m);
			for (const result of results) {
				expect(result.stderr).toMatch(/^ee-tokens: /m);
				expect(`${result.stdout}${result.stderr}`).not.toMatch(/9q|s3cr/);
			}
		},
	);
});

describe('writes Redis refuses say why, and how many were written', () => {
	const bulk = (count: number, from = 0) =>
		`${Array.from({length: count}, (_, index) =>
			encodeExportString((from + index).toString(16).padStart(64, '0'), {
				created: 1,
				scopes: ['api'],
				description: `refused ${'x'.repeat(200)} ${index}`,
			}),
		).join('\n')}\n`;

	it('a read-only replica: READONLY, not EXECABORT; nothing printed', async () => {
		const replica = await startRedis(['--replicaof', '127.0.0.1', String(redis.port)]);
		try {
			const issued = await runCli(['issue', '-d', 'on a replica', `--dbs.redis=${replica.url()}`]);
			expect(issued.exitCode).toBe(3);
			expect(issued.stdout).toBe('');
			expect(issued.stderr.trim()).toBe(
				`ee-tokens: Redis at ${replica.url()} refused: read-only replica (READONLY You can't write against a read only replica.)`,
			);
			const imported = await runCli(['import', '-t', '-', `--dbs.redis=${replica.url()}`], {input: bulk(3)});
			expect(imported.exitCode).toBe(3);
			const lines = imported.stderr.trim().split('\n');
			expect(lines[0]).toBe('Stopped early. Imported 0, already present 0, invalid 0 before the failure; run the import again to finish.');
			expect(lines[1]).toMatch(
				/^ee-tokens: Redis at \S+ refused: read-only replica \(READONLY You can't write against a read only replica\./,
			);
		} finally {
			await replica.stop();
		}
	});

	it('out of memory part-way through an import: OOM, and the count said is the count written', async () => {
		const full = await startRedis(['--maxmemory-policy', 'noeviction']);
		try {
			const client = full.client();
			const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
			await client.config('SET', 'maxmemory', String(used + 600_000));
			const issued = await runCli(['issue', '-d', 'x'.repeat(1000), `--dbs.redis=${full.url()}`]);
			expect(issued.exitCode, issued.stderr).toBe(0);
			const imported = await runCli(['import', '-t', '-', `--dbs.redis=${full.url()}`], {input: bulk(5000)});
			expect(imported.exitCode).toBe(3);
			const lines = imported.stderr.trim().split('\n');
			const written = (await client.hlen('tokens')) - 1;
			expect(written).toBeGreaterThan(0);
			expect(written).toBeLessThan(5000);
			expect(lines[0]).toBe(
				`Stopped early. Imported ${written.toLocaleString('en-US')}, already present 0, invalid 0 before the failure; run the import again to finish.`,
			);
			expect(lines[1]).toMatch(
				/^ee-tokens: Redis at \S+ refused: out of memory \(maxmemory reached\) \(OOM command not allowed when used memory > 'maxmemory'/,
			);
			// A part of an import is refused whole while its arguments are in Redis's memory, so
			// there may be room for one small token once the import has stopped: leave none.
			const usedNow = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
			await client.config('SET', 'maxmemory', String(Math.min(usedNow - 64_000, used + 600_000)));
			const again = await runCli(['issue', '-d', 'more', `--dbs.redis=${full.url()}`]);
			expect(again.exitCode).toBe(3);
			expect(again.stdout).toBe('');
			expect(again.stderr.trim()).toMatch(/^ee-tokens: Redis at \S+ refused: out of memory \(maxmemory reached\) \(OOM /);
		} finally {
			await full.stop();
		}
	});

	it('an index key of the wrong type: issue and import exit 3 naming it, and nothing of the token is written', async () => {
		const url = `--dbs.redis=${redis.url(6)}`;
		const client = redis.client(6);
		await client.set('iat:wrongtype', 'x');
		const issued = await runCli(['issue', '-d', 'bound', '-a', 'wrongtype', url]);
		expect(issued).toMatchObject({exitCode: 3, stdout: ''});
		expect(issued.stderr.trim()).toBe(
			`ee-tokens: Redis at ${redis.url(6)} failed: WRONGTYPE iat:wrongtype holds a string, not a set; nothing was written`,
		);
		const exportString = encodeExportString('f'.repeat(64), {created: 1, scopes: ['api'], description: 'bound', account: 'wrongtype'});
		const imported = await runCli(['import', '-t', exportString, url]);
		expect(imported.exitCode).toBe(3);
		expect(imported.stderr.trim()).toMatch(
			/^ee-tokens: Redis at \S+ failed: WRONGTYPE iat:wrongtype holds a string, not a set; nothing was written$/,
		);
		const piped = await runCli(['import', '-t', '-', url], {input: `${exportString}\n`});
		expect(piped.exitCode).toBe(3);
		expect(piped.stderr.split('\n')[0]).toBe(
			'Stopped early. Imported 0, already present 0, invalid 0 before the failure; run the import again to finish.',
		);
		// Nothing listed, nothing half-written: no live record whose raw token nobody got.
		expect(await runCli(['list', '--json', url])).toMatchObject({exitCode: 0, stdout: '[]'});
		expect((await client.keys('*')).sort()).toEqual(['iat:wrongtype']);
		await client.flushdb();
	});

	it('an ACL user without HSET: NOPERM', async () => {
		const admin = redis.client();
		await admin.acl('SETUSER', 'limited', 'on', '>limited-pw', '~*', '&*', '+@all', '-hset');
		try {
			const url = `redis://limited:limited-pw@127.0.0.1:${redis.port}/7`;
			const issued = await runCli(['issue', '-d', 'limited', `--dbs.redis=${url}`]);
			expect(issued.exitCode).toBe(3);
			expect(issued.stdout).toBe('');
			expect(issued.stderr.trim()).toMatch(
				new RegExp(
					`^ee-tokens: Redis at redis://limited:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/7 refused: this user lacks the permission \\(NOPERM .*hset`,
				),
			);
		} finally {
			await admin.acl('DELUSER', 'limited');
		}
	});

	it('a disk that failed: MISCONF, nothing printed', async () => {
		const failing = await startRedis(['--save', '3600 1']);
		try {
			const client = failing.client();
			// Its data directory gone, the next snapshot fails, and Redis refuses writes until one works.
			rmSync(failing.dir, {recursive: true});
			await client.bgsave();
			await expect.poll(async () => /rdb_last_bgsave_status:err/.test(await client.info('persistence'))).toBe(true);
			const issued = await runCli(['issue', '-d', 'no disk', `--dbs.redis=${failing.url()}`]);
			expect(issued.exitCode).toBe(3);
			expect(issued.stdout).toBe('');
			expect(issued.stderr.trim()).toMatch(/^ee-tokens: Redis at \S+ refused: disk full or not writable \(MISCONF /);
			// Reading still works.
			expect((await runCli(['list', '--json', `--dbs.redis=${failing.url()}`])).exitCode).toBe(0);
			// Without snapshots again, so it can stop.
			await client.config('SET', 'save', '');
		} finally {
			await failing.stop();
		}
	});
});
