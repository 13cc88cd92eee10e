/**
 * The revoke-by-selection case alone (`node --import tsx test/bench/revoke-run.ts` after a
 * build), for working on it without the whole bench; `npm run bench` runs it with the rest.
 */
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {startRedis} from '../helpers/redis.js';
import {revokeCase} from './revoke-case.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const redis = await startRedis();
await redis.client(0).config('SET', 'appendonly', 'no');
const work = path.join(here, '.work');
mkdirSync(work, {recursive: true});
try {
	for (const row of await revokeCase(redis, work, Number(process.env['BENCH_RUNS'] ?? 5))) {
		process.stdout.write(
			`| ${row.name} | ${row.ours} | ${row.baseline} | ${row.ratio} | ${row.target} | ${row.met ? 'yes' : '**no**'} |\n`,
		);
	}
} finally {
	await redis.stop();
}
