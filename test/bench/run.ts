/**
 * `npm run bench`: starts its own redis-server, seeds it, runs every case several times and prints
 * one markdown table of medians against baselines measured in the same run. Also written to
 * test/bench/RESULTS.md with the machine, Node and Redis versions and the date.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {startRedis} from '../helpers/redis.js';
import {appCases} from './app-cases.js';
import {cliCases} from './cli-cases.js';
import {revokeCase} from './revoke-case.js';
import type {Row} from './measure.js';
import {seedTokens} from './seed.js';
import {serveCase} from './serve-case.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const runs = Number(process.env['BENCH_RUNS'] ?? 5);

const redis = await startRedis();
// The test helper's Redis fsyncs every write; a benchmark of this tool should not measure the disk.
await redis.client(0).config('SET', 'appendonly', 'no');
const work = path.join(here, '.work');
mkdirSync(work, {recursive: true});
try {
	process.stderr.write('bench: seeding 100,000 tokens\n');
	await seedTokens(redis.client(8), 100_000);
	const rows: Row[] = [];
	process.stderr.write('bench: command-line cases\n');
	rows.push(...(await cliCases(redis, work, runs)));
	process.stderr.write('bench: revoke by selection\n');
	rows.push(...(await revokeCase(redis, work, runs)));
	process.stderr.write('bench: serve under load\n');
	rows.push(await serveCase(redis, Number(process.env['BENCH_SECONDS'] ?? 10)));
	process.stderr.write('bench: the app\n');
	rows.push(...(await appCases(redis, 100_000, Math.min(runs, 3))));

	const redisVersion = (await execa('redis-server', ['--version'])).stdout.split(' ')[2];
	const header = [
		`# Benchmark results`,
		'',
		`${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · Redis ${redisVersion} · median of ${runs} runs`,
		'',
	];
	const table = [
		'| case | ours | baseline | ratio | target | met |',
		'|---|---|---|---|---|---|',
		...rows.map(
			row =>
				`| ${row.name} | ${row.ours} | ${row.baseline} | ${row.ratio} | ${row.target} | ${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`,
		),
	];
	const notes = rows.filter(row => row.note).map(row => `- ${row.name}: ${row.note}`);
	const text = [...header, ...table, '', ...notes, ''].join('\n');
	process.stdout.write(`${text}\n`);
	writeFileSync(path.join(here, 'RESULTS.md'), text);
} finally {
	await redis.stop();
}
