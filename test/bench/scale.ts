/**
 * `npm run bench -- --scale`: ten times the default run's instance. Seeds 1,000,000 tokens (and
 * 100,000 beside them, for how memory grows) into a redis-server of its own, then measures the
 * command-line paths that read every token against the default run's raw baselines, and the app:
 * its first screen, keystrokes while the rest of the table loads, and its memory with all of it.
 */
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {KEYS, spawnApp} from '../ui/helpers/pty.js';
import {emptyInkFirstFrame, emptyInkRss, percentile, pressed, rssMb, status} from './app-cases.js';
import {
	type Row,
	type Run,
	type Timed,
	alternate,
	fmtMb,
	fmtMs,
	median,
	repeat,
	spread,
	timeCommand,
	timeRow,
	withSpread,
} from './measure.js';
import {seedTokens} from './seed.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const baseline = (name: string) => path.join(here, 'baselines', `${name}.mjs`);
const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};
const node = process.execPath;
const SCALE = 1_000_000;
const SMALL = 100_000;
/** The databases of the two instances, in the bench's own Redis. */
const DB = {scale: 8, small: 7};
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Seeds both instances; returns how long the million took, for the results. */
export async function seedScale(redis: TestRedis): Promise<{ms: number; note: string}> {
	const started = performance.now();
	await seedTokens(redis.client(DB.scale), SCALE);
	const ms = performance.now() - started;
	await seedTokens(redis.client(DB.small), SMALL);
	const info = await redis.client(0).info('memory');
	const used = /used_memory_human:(\S+)/.exec(info)?.[1] ?? '?';
	return {
		ms,
		note: `seeded 1,000,000 tokens in ${fmtMs(ms)} (variadic HSET and SADD of 5,000 tokens a batch, 4 batches in flight: seed.ts); Redis then held ${used} with both instances`,
	};
}

/**
 * One command that reads every token, against its raw baseline at 1,000,000 tokens (the two taking
 * turns), and ours once more at 100,000 for its peak resident set: the growth, beside the output's.
 */
async function cliCase(
	redis: TestRedis,
	runs: number,
	name: string,
	args: string[],
	baselineName: string,
): Promise<{row: Row; ours: Timed; baseline: Timed}> {
	const ours = async (db: number): Promise<Run> => timeCommand(node, [CLI, ...args, `--dbs.redis=${redis.url(db)}`], {env});
	const measured = await alternate(
		runs,
		async () => ours(DB.scale),
		async () => timeCommand(node, [baseline(baselineName), redis.url(DB.scale)], {env}),
	);
	// Its peak resident set is all that is wanted of it: one run.
	const small = await repeat(1, async () => ours(DB.small));
	const row = timeRow(
		`${name} 1,000,000 tokens (\`${args.join(' ')}\`)`,
		measured.ours,
		measured.baseline,
		1.5,
		`, ${fmtMb(measured.ours.maxRssKb)} peak (${fmtMb(small.maxRssKb)} at 100,000), ${mb(measured.ours.stdoutBytes)} out (${mb(small.stdoutBytes)})`,
	);
	row.baseline += `, ${fmtMb(measured.baseline.maxRssKb)} peak`;
	return {row, ...measured};
}

export async function scaleCliCases(redis: TestRedis, runs: number): Promise<Row[]> {
	const list = await cliCase(redis, runs, 'list', ['list', '--json'], 'list');
	const exported = await cliCase(redis, runs, 'bulk export', ['export', '--all'], 'export');
	const review = await cliCase(redis, runs, 'review', ['review', '--json'], 'review');
	// Its baseline reads every record and prints a count; review prints every token's findings too.
	review.row.note = `against reading and printing every record once (baselines/list.mjs, the list row's baseline, ${withSpread(list.baseline)}): ${(review.ours.ms / list.baseline.ms).toFixed(2)}×`;
	return [list.row, exported.row, review.row];
}

/**
 * The keys of an operator browsing while the rest loads, over and over: down and a page down, up and
 * a page up (a first screen holds only the head's rows, so the cursor goes back where it was and
 * every key moves it), then a filter typed over those rows and Esc.
 */
function* keySequence(): Generator<{key: string; counted: boolean}> {
	for (;;) {
		for (let index = 0; index < 8; index++) {
			for (const key of ['j', KEYS.pageDown, 'k', KEYS.pageUp]) {
				yield {key, counted: true};
			}
		}

		yield {key: '/', counted: false};
		for (const character of 'service #12') {
			yield {key: character, counted: true};
		}

		yield {key: KEYS.escape, counted: false};
	}
}

/**
 * Presses the sequence on `app` while `going` holds of its screen (at most `limit` keys) and
 * returns the counted keys' times and every key pressed; a filter left open is closed.
 */
async function pressWhile(
	app: ReturnType<typeof spawnApp>,
	going: (screen: string) => boolean,
	limit: number,
): Promise<{times: number[]; keys: Array<{key: string; counted: boolean}>}> {
	const times: number[] = [];
	const keys: Array<{key: string; counted: boolean}> = [];
	let filtering = false;
	for (const step of keySequence()) {
		if (!filtering && (keys.length >= limit || !going(app.screen()))) {
			break;
		}

		const ms = await pressed(app, step.key);
		keys.push(step);
		filtering = step.key === '/' || (filtering && step.key !== KEYS.escape);
		if (step.counted) {
			times.push(ms);
		}
	}

	return {times, keys};
}

/** The app over 1,000,000 tokens: first screen, keystrokes while the rest loads, memory with the whole table. */
export async function scaleAppCases(redis: TestRedis, runs: number): Promise<Row[]> {
	const total = SCALE.toLocaleString('en-US');
	const ready = (screen: string) => screen.includes(`${total} tokens`) && screen.split('\n').some(line => line.startsWith('›'));
	const loading = (screen: string) => status(screen).includes('loading');
	const firstScreens: number[] = [];
	const wholeTables: number[] = [];
	const memory: number[] = [];
	const keyTimes: number[] = [];
	const keysPressed: Array<Array<{key: string; counted: boolean}>> = [];
	const baselines: number[] = [];
	for (let run = 0; run < runs; run++) {
		// The baseline first, each run: a machine busy with something else slows both alike.
		baselines.push(await emptyInkFirstFrame());
		const started = performance.now();
		const app = spawnApp([`--dbs.redis=${redis.url(DB.scale)}`], {columns: 120, rows: 35});
		await app.waitFor(ready, {timeout: 120_000, interval: 2});
		firstScreens.push(performance.now() - started);
		// An operator starts moving as soon as rows show; the rest of the table loads meanwhile.
		const pressedWhileLoading = await pressWhile(app, loading, 2000);
		keyTimes.push(...pressedWhileLoading.times);
		keysPressed.push(pressedWhileLoading.keys);
		await app.waitFor(screen => ready(screen) && !loading(screen), {timeout: 300_000, interval: 5});
		wholeTables.push(performance.now() - started);
		// Memory once the whole table is in and the process that read it has gone.
		await new Promise(resolve => setTimeout(resolve, 500));
		memory.push(rssMb(app.pid));
		app.write('q');
		await app.exited;
	}

	// The same keys, as many, on a bare Ink list of as many rows, as tall.
	const bare = spawnApp([String(SCALE)], {columns: 120, rows: 35, script: baseline('ink-list')});
	await bare.waitFor(screen => screen.includes(`1/${SCALE}`), {timeout: 120_000, interval: 2});
	const bareTimes: number[] = [];
	// pressWhile() never stops inside a filter, so each run's keys leave the list as they found it.
	for (const keys of keysPressed) {
		for (const {key, counted} of keys) {
			const ms = await pressed(bare, key);
			if (counted) {
				bareTimes.push(ms);
			}
		}

		// A run's last Esc seen to close the filter before the next run's keys (one was once taken as part of them).
		if (status(bare.screen()).includes('filter')) {
			bare.write(KEYS.escape);
			await bare.waitFor(screen => !status(screen).includes('filter'), {timeout: 10_000, interval: 2});
		}
	}

	bare.write('q');
	await bare.exited;
	const emptyRss = median(await emptyInkRss(runs));

	const first = median(firstScreens);
	const base = median(baselines);
	const p95 = keyTimes.length > 0 ? percentile(keyTimes, 0.95) : Number.NaN;
	const bareP95 = bareTimes.length > 0 ? percentile(bareTimes, 0.95) : Number.NaN;
	const rss = median(memory);
	return [
		{
			name: `app first screen, ${total} tokens`,
			ours: `${fmtMs(first)} (${spread(firstScreens)})`,
			baseline: `${fmtMs(base)} (empty Ink app; ${spread(baselines)})`,
			ratio: `${(first / base).toFixed(2)}×`,
			target: '≤ 3×',
			met: first / base <= 3,
		},
		{
			name: `app keystroke to redraw while the rest loads (j, PgDn, k, PgUp, filter), ${total} tokens`,
			ours: `p95 ${p95.toFixed(0)} ms, median ${median(keyTimes).toFixed(0)} ms (${keyTimes.length} keys over ${runs} runs)`,
			baseline: `p95 ${bareP95.toFixed(0)} ms, median ${median(bareTimes).toFixed(0)} ms (the same keys on a bare Ink list of ${total} rows)`,
			ratio: `${(p95 / bareP95).toFixed(2)}×`,
			target: '≤ 2× (p95)',
			met: p95 / bareP95 <= 2,
		},
		{
			name: `app whole table loaded, ${total} tokens`,
			ours: `${fmtMs(median(wholeTables))} (${spread(wholeTables)})`,
			baseline: `${fmtMs(base)} (empty Ink app)`,
			ratio: `${(median(wholeTables) / base).toFixed(2)}×`,
			target: '—',
			met: undefined,
		},
		{
			name: `app memory, ${total} tokens`,
			ours: `${rss.toFixed(0)} MB resident with the whole table loaded (${memory.map(value => value.toFixed(0)).join(', ')} MB)`,
			baseline: `${emptyRss.toFixed(0)} MB (the empty Ink app)`,
			ratio: `+${(rss - emptyRss).toFixed(0)} MB`,
			target: '— (reported)',
			met: undefined,
		},
	];
}
