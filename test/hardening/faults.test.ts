import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {Redis} from 'ioredis';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {encodeExportString} from '../../source/tokens/index.js';
import {CLI, runCli, runInProcess} from '../helpers/cli.js';
import {inconsistencies} from '../helpers/consistency.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
let file: string;
/** Enough strings that an import is still under way well after the first 2,000 are in. */
const COUNT = 20_000;
/** The name every connection of this file gives itself, so the CLI's connections can be told apart. */
const OURS = 'faults-test';
let client: Redis;

beforeAll(async () => {
	redis = await startRedis();
	// Reconnects (after the restart below) name themselves again.
	client = new Redis({port: redis.port, db: 8, connectionName: OURS, maxRetriesPerRequest: 1});
	client.on('error', () => {});
	dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-faults-'));
	file = path.join(dir, 'strings.txt');
	const lines = Array.from({length: COUNT}, (_, index) =>
		encodeExportString(index.toString(16).padStart(64, '0'), {
			created: 1,
			scopes: ['api'],
			description: `bulk ${index}`,
			...(index % 3 === 0 ? {account: `acct-${index % 7}`} : {}),
		}),
	);
	writeFileSync(file, `${lines.join('\n')}\n`);
});

afterAll(async () => {
	client.disconnect();
	await redis.stop();
	rmSync(dir, {recursive: true, force: true});
});

afterEach(async () => redis.flush());

/** Resolves once `tokens` holds at least `count` records: the import is under way. */
async function whenImporting(count: number): Promise<number> {
	for (;;) {
		const length = await client.hlen('tokens').catch(() => 0);
		if (length >= count) {
			return length;
		}

		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

describe('faults in the middle of a bulk import', () => {
	it('Redis killed and restarted: every token whole or absent, and a re-run completes it', async () => {
		const importing = runCli(['import', '-t', '-', `--dbs.redis=${redis.url()}`], {inputFile: file});
		await whenImporting(2000);
		await redis.kill();
		const result = await importing;
		await redis.restart();
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(/Stopped early\. Imported [\d,]+, already present 0, invalid 0 before the failure/);
		expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^ee-tokens: .*(failed|closed)/i);

		const survived = await client.hlen('tokens');
		expect(survived).toBeGreaterThan(0);
		expect(survived).toBeLessThan(COUNT);
		expect(await inconsistencies(client)).toEqual([]);

		const again = await runCli(['import', '-t', '-', `--dbs.redis=${redis.url()}`], {inputFile: file});
		expect(again.exitCode).toBe(0);
		expect(again.stderr).toContain(`already present ${survived.toLocaleString('en-US')}`);
		expect(await client.hlen('tokens')).toBe(COUNT);
		expect(await inconsistencies(client)).toEqual([]);
	});

	it('kill -9 of the CLI leaves no partial token', async () => {
		const child = execa('node', [CLI, 'import', '-t', '-', `--dbs.redis=${redis.url()}`], {inputFile: file, reject: false});
		await whenImporting(2000);
		child.kill('SIGKILL');
		await child;
		// The writes already sent are done once Redis has read the killed connection to its end and
		// closed it: only this file's connection is left.
		await expect
			.poll(async () =>
				((await client.client('LIST')) as string)
					.trim()
					.split('\n')
					.filter(line => !line.includes(` name=${OURS} `)),
			)
			.toEqual([]);
		expect(await client.hlen('tokens')).toBeLessThan(COUNT);
		expect(await inconsistencies(client)).toEqual([]);
	});
});

describe('concurrency', () => {
	// In-process: the race is between Redis connections, and each run opens its own; ten at once in
	// one event loop all reach Redis before any of them is answered, so a check-then-write import would
	// lose here at least as surely as ten processes, without ten process starts. What only a process
	// shows (a kill -9) is tested above.
	it('ten imports of one string at once, each on its own connection: exactly one "imported"', async () => {
		const text = encodeExportString('c'.repeat(64), {created: 1, scopes: ['*'], description: 'raced'});
		const results = await Promise.all(
			Array.from({length: 10}, async () => runInProcess(['import', '-t', text, `--dbs.redis=${redis.url()}`])),
		);
		expect(results.every(result => result.exitCode === 0)).toBe(true);
		expect(results.filter(result => result.stderr.includes('Token was imported'))).toHaveLength(1);
		expect(results.filter(result => result.stderr.includes('already present'))).toHaveLength(9);
		expect(await client.hlen('tokens')).toBe(1);
	});

	it('issue and revoke racing each other leave the indexes consistent with the hash', async () => {
		const issuer = new TokenStore(client, '');
		const revoker = new TokenStore(client.duplicate(), '');
		const issued: string[] = [];
		let done = false;
		const issuing = (async () => {
			for (let index = 0; index < 400; index++) {
				const {id} = await issuer.issue({description: `race ${index}`, scopes: ['api'], account: index % 2 ? `a${index % 5}` : undefined});
				issued.push(id);
			}

			done = true;
		})();
		let revoked = 0;
		while (!done || revoked < issued.length / 2) {
			const id = issued[revoked * 2];
			if (id === undefined) {
				await new Promise(resolve => setImmediate(resolve));
				continue;
			}

			await revoker.revoke(id);
			revoked++;
		}

		await issuing;
		revoker.redis.disconnect();
		expect(await client.hlen('tokens')).toBe(200);
		expect(await inconsistencies(client)).toEqual([]);
	});
});
