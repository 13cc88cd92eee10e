import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {type Row, alternate, timeCommand, timeRow} from './measure.js';
import {seedTokens} from './seed.js';

const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};
/** Two databases of the bench's Redis (issue #14 item 6: databases, prefixes or servers; the work is the same). */
const FROM_DB = 12;
const TO_DB = 13;
const TOKENS = 10_000;

/**
 * `sync` of 10,000 tokens into an empty instance against what an operator runs without it:
 * `export --all` piped into `import -t -` (two processes side by side), --to emptied before each run.
 */
export async function syncCase(redis: TestRedis, runs: number): Promise<Row> {
	const from = redis.client(FROM_DB);
	const to = redis.client(TO_DB);
	await from.flushdb();
	await seedTokens(from, TOKENS);
	const [fromUrl, toUrl] = [redis.url(FROM_DB), redis.url(TO_DB)];
	const empty = async () => {
		await to.flushdb();
	};

	const node = process.execPath;
	const pipe = `"${node}" "${CLI}" export --all --dbs.redis=${fromUrl} | "${node}" "${CLI}" import -t - --dbs.redis=${toUrl}`;
	const {ours, baseline} = await alternate(
		runs,
		async () => {
			const run = await timeCommand(node, [CLI, 'sync', '--from', fromUrl, '--to', toUrl, '--yes'], {env});
			const copied = await to.hlen('tokens');
			if (copied !== TOKENS) {
				throw new Error(`sync copied ${copied} of ${TOKENS} tokens`);
			}

			return run;
		},
		async () => timeCommand('/bin/sh', ['-c', pipe], {env}),
		empty,
	);
	const row = timeRow('sync 10,000 tokens into an empty db (`sync --from A --to B --yes`)', ours, baseline, 1.2);
	await Promise.all([from.flushdb(), to.flushdb()]);
	return {...row, baseline: `${row.baseline} (\`export --all \\| import -t -\`)`};
}
