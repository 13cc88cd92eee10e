import {createHash} from 'node:crypto';
import {rmSync} from 'node:fs';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {EMPTY_ACCESS, buildRecord, encodeLastUse, encodeRecord} from '../../source/tokens/index.js';
import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {type Row, alternate, timeCommand, timeRow} from './measure.js';
import {seedTokens} from './seed.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};
const DB = 11;
const LEAKED = 10_000;

/** The account whose 10,000 tokens leak: written (again) before every run, as one pipeline. */
async function seedLeaked(redis: Redis): Promise<void> {
	const now = Date.now();
	const pipeline = redis.pipeline();
	for (let index = 0; index < LEAKED; index++) {
		const id = createHash('sha256').update(`leaked-${index}`).digest('hex');
		const record = buildRecord({created: now - index * 60_000, account: 'leaked', scopes: ['api'], description: `Leaked ${index}`});
		pipeline.hset('tokens', id, encodeRecord(record));
		pipeline.hset('tokens:access', id, index % 2 === 0 ? encodeLastUse(now - index, '203.0.113.9') : EMPTY_ACCESS);
		pipeline.sadd('iat:leaked', id);
	}

	await pipeline.exec();
}

/**
 * Revoke by selection of 10,000 tokens out of 100,000 (`revoke --account leaked --yes`: plan,
 * journal fsynced, guarded deletes) against the same keys deleted with plain pipelined HDEL/SREM.
 */
export async function revokeCase(redis: TestRedis, work: string, runs: number): Promise<Row[]> {
	const client = redis.client(DB);
	await client.flushdb();
	await seedTokens(client, 100_000 - LEAKED);
	const url = redis.url(DB);
	const node = process.execPath;
	const journal = path.join(work, 'revoke-journal.jsonl');
	const before = async () => {
		rmSync(journal, {force: true});
		await seedLeaked(client);
	};

	// Ours and the baseline take turns, so a machine busy with something else slows both alike.
	const {ours, baseline} = await alternate(
		runs,
		async () => timeCommand(node, [CLI, 'revoke', '--account', 'leaked', '--yes', '--journal', journal, `--dbs.redis=${url}`], {env}),
		async () => timeCommand(node, [path.join(here, 'baselines', 'revoke.mjs'), url, 'leaked'], {env}),
		before,
	);

	await client.flushdb();
	rmSync(journal, {force: true});
	return [timeRow('revoke 10,000 of 100,000 by selection (`revoke --account A --yes`, journal included)', ours, baseline, 2)];
}
