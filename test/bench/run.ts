/**
 * `npm run bench`: starts its own redis-server, seeds it, runs every case several times and prints
 * one markdown table of medians, each with its spread over the runs ("x (a to b)"), against
 * baselines measured in the same run. Also written to
 * test/bench/RESULTS.md with the machine, Node and Redis versions and the date.
 * `BENCH_ONLY=review` (comma-separated: cli, review, revoke, serve, metrics, app, sync) runs only those groups and
 * prints their rows without touching RESULTS.md.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {format} from 'prettier';
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
import {metricsCase} from './metrics-case.js';
import {reviewCase} from './review-case.js';
import {syncCase} from './sync-case.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const runs = Number(process.env['BENCH_RUNS'] ?? 5);
const only = process.env['BENCH_ONLY']?.split(',').map(group => group.trim());
const runsGroup = (group: string) => only === undefined || only.includes(group);

const redis = await startRedis();
// The test helper's Redis fsyncs every write; a benchmark of this tool should not measure the disk.
await redis.client(0).config('SET', 'appendonly', 'no');
const work = path.join(here, '.work');
mkdirSync(work, {recursive: true});
try {
	// The 100,000 tokens of db 8 are every group's but sync's (which seeds its own 10,000).
	if (['cli', 'review', 'revoke', 'serve', 'metrics', 'app'].some(group => runsGroup(group))) {
		process.stderr.write('bench: seeding 100,000 tokens\n');
		await seedTokens(redis.client(8), 100_000);
	}

	const rows: Row[] = [];
	if (runsGroup('cli')) {
		process.stderr.write('bench: command-line cases\n');
		rows.push(...(await cliCases(redis, work, runs)));
	}

	if (runsGroup('review')) {
		process.stderr.write('bench: review\n');
		rows.push(await reviewCase(redis, runs));
	}

	if (runsGroup('revoke')) {
		process.stderr.write('bench: revoke by selection\n');
		rows.push(...(await revokeCase(redis, work, runs)));
	}

	if (runsGroup('serve')) {
		process.stderr.write('bench: serve under load\n');
		rows.push(await serveCase(redis, runs, Number(process.env['BENCH_SECONDS'] ?? 5)));
	}

	if (runsGroup('metrics')) {
		process.stderr.write('bench: /metrics scrape\n');
		rows.push(await metricsCase(redis, runs));
	}

	if (runsGroup('sync')) {
		process.stderr.write('bench: sync between two databases\n');
		rows.push(await syncCase(redis, runs));
	}

	if (runsGroup('app')) {
		process.stderr.write('bench: the app\n');
		rows.push(...(await appCases(redis, 100_000, Math.min(runs, 3))));
	}

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
	if (only === undefined) {
		// Written as Prettier lays it out: `npm run lint` checks test/, this file included.
		writeFileSync(path.join(here, 'RESULTS.md'), await format(text, {parser: 'markdown'}));
	}
} finally {
	await redis.stop();
}
