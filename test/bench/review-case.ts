import path from 'node:path';
import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {type Row, alternate, fmtMb, repeat, timeCommand, timeRow, withSpread} from './measure.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};

/**
 * `review --json` over the seeded instance (every token has findings there: none expires, a quarter
 * are bound to accounts that do not exist) against reading every record once (baselines/review.mjs).
 */
export async function reviewCase(redis: TestRedis, runs: number): Promise<Row> {
	const url = redis.url(8);
	const node = process.execPath;
	const {ours, baseline} = await alternate(
		runs,
		async () => timeCommand(node, [CLI, 'review', '--json', `--dbs.redis=${url}`], {env}),
		async () => timeCommand(node, [path.join(here, 'baselines', 'review.mjs'), url], {env}),
	);
	// Also against list's baseline, which reads every record once and prints it as JSON, as review prints its findings.
	const printing = await repeat(runs, async () => timeCommand(node, [path.join(here, 'baselines', 'list.mjs'), url], {env}));
	const row = timeRow('review 100,000 tokens (`review --json`)', ours, baseline, 1.5, `, ${fmtMb(ours.maxRssKb)} peak`);
	row.note = `against reading and printing every record once (baselines/list.mjs, ${withSpread(printing)}): ${(ours.ms / printing.ms).toFixed(2)}×`;
	return row;
}
