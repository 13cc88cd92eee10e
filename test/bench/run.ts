/**
 * `npm run bench`: starts its own redis-server, seeds it, runs every case several times and prints
 * one markdown table of medians, each with its spread over the runs ("x (a to b)"), against
 * baselines measured in the same run. Also written to
 * test/bench/RESULTS.md with the machine, Node and Redis versions and the date.
 * `BENCH_ONLY=review` (comma-separated: cli, review, revoke, serve, metrics, app, sync) runs only those groups and
 * prints their rows without touching RESULTS.md.
 *
 * `npm run bench -- --scale` runs the scale cases instead (scale.ts: 1,000,000 tokens, a few
 * minutes) and rewrites only their section of RESULTS.md, as the default run rewrites only its
 * own part (results-file.ts). `BENCH_ONLY=cli` or `app` runs one of its two groups, unwritten.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {format} from 'prettier';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import path from 'node:path';
import {execa} from 'execa';
import {startRedis} from '../helpers/redis.js';
import {appCases} from './app-cases.js';
import {cliCases} from './cli-cases.js';
import {revokeCase} from './revoke-case.js';
import {type Row, fmtMs} from './measure.js';
import {seedTokens} from './seed.js';
import {serveCase} from './serve-case.js';
import {metricsCase} from './metrics-case.js';
import {reviewCase} from './review-case.js';
import {syncCase} from './sync-case.js';
import {scaleAppCases, scaleCliCases, seedScale} from './scale.js';
import {spliceResults} from './results-file.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const scale = process.argv.includes('--scale');
// The scale run's commands take 10-30 s each at 1,000,000 tokens (and as long again for each
// baseline): two runs of each, three of the app, keep it under 10 minutes on a loaded 2-core machine.
const runs = Number(process.env['BENCH_RUNS'] ?? (scale ? 2 : 5));
const only = process.env['BENCH_ONLY']?.split(',').map(group => group.trim());
const runsGroup = (group: string) => only === undefined || only.includes(group);

const redis = await startRedis();
// The test helper's Redis fsyncs every write; a benchmark of this tool should not measure the disk.
await redis.client(0).config('SET', 'appendonly', 'no');
const work = path.join(here, '.work');
mkdirSync(work, {recursive: true});
try {
	const rows: Row[] = [];
	const notes: string[] = [];
	if (scale) {
		process.stderr.write('bench --scale: seeding 1,000,000 tokens (and 100,000 beside them)\n');
		const started = performance.now();
		notes.push((await seedScale(redis)).note);
		if (runsGroup('cli')) {
			process.stderr.write('bench --scale: list, export and review\n');
			rows.push(...(await scaleCliCases(redis, runs)));
		}

		if (runsGroup('app')) {
			process.stderr.write('bench --scale: the app\n');
			rows.push(...(await scaleAppCases(redis, Math.max(runs, 3))));
		}

		notes.push(
			`the whole scale run (seeding included) took ${fmtMs(performance.now() - started)}; load average at its end ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
		);
	} else {
		await defaultCases(rows);
	}

	const redisVersion = (await execa('redis-server', ['--version'])).stdout.split(' ')[2];
	const header = [
		scale ? '## Ten times the scale (`npm run bench -- --scale`)' : '# Benchmark results',
		'',
		`${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · Redis ${redisVersion} · median of ${runs} runs${scale ? ` (the app: ${Math.max(runs, 3)})` : ''}`,
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
	notes.push(...rows.filter(row => row.note).map(row => `${row.name}: ${row.note}`));
	const text = [...header, ...table, '', ...notes.map(note => `- ${note}`), ''].join('\n');
	process.stdout.write(`${text}\n`);
	if (only === undefined) {
		// Each run rewrites its own part and keeps the other's (results-file.ts), as Prettier lays the
		// whole out: `npm run lint` checks test/, this file included.
		const file = path.join(here, 'RESULTS.md');
		const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
		writeFileSync(file, await format(spliceResults(existing, scale ? 'scale' : 'default', text), {parser: 'markdown'}));
	}
} finally {
	await redis.stop();
}

/** The default run's groups, over 100,000 tokens. */
async function defaultCases(rows: Row[]): Promise<void> {
	// The 100,000 tokens of db 8 are every group's but sync's (which seeds its own 10,000).
	if (['cli', 'review', 'revoke', 'serve', 'metrics', 'app'].some(group => runsGroup(group))) {
		process.stderr.write('bench: seeding 100,000 tokens\n');
		await seedTokens(redis.client(8), 100_000);
	}

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
}
