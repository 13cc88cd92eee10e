import {readFileSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import pty from '@lydell/node-pty';
import type {TestRedis} from '../helpers/redis.js';
import {KEYS, spawnApp} from '../ui/helpers/pty.js';
import {type Row, fmtMs, median} from './measure.js';

const here = path.dirname(new URL(import.meta.url).pathname);
export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
export const percentile = (values: readonly number[], q: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

/** Spawn → first frame of an empty Ink app under a pty: the least a full-screen Ink app costs. */
export async function emptyInkFirstFrame(): Promise<number> {
	const started = performance.now();
	const child = pty.spawn(process.execPath, [path.join(here, 'baselines', 'empty-ink.mjs')], {
		cols: 120,
		rows: 35,
		cwd: path.resolve(here, '../..'),
		env: {PATH: process.env['PATH'] ?? '', CI: 'false', TERM: 'xterm-256color'},
	});
	return new Promise(resolve => {
		let seen = false;
		child.onData(data => {
			if (!seen && data.includes('ready')) {
				seen = true;
				resolve(performance.now() - started);
			}
		});
	});
}

/** A frame is complete when the status line (third from the bottom, the app's and the baseline's) changed. */
export const status = (screen: string) => screen.split('\n').at(-3) ?? '';

/** The status line of a list with no filter open: "cursor/rows" first (the app's and the baseline's). */
const unfiltered = (line: string) => /^\s*[\d,]+\/[\d,]+(\s|$)/.test(line);

/**
 * Milliseconds from a key written to the frame it changed. Esc (which closes the filter) counts
 * only once the filter is gone: a lone Esc is held by Ink until it knows no sequence follows, and
 * a next key written before then arrives with it as Alt+key, typed into the filter (a 1M-row run
 * once lost its Esc that way and never recovered).
 */
export async function pressed(app: ReturnType<typeof spawnApp>, key: string): Promise<number> {
	const before = status(app.screen());
	const started = performance.now();
	app.write(key);
	const done = key === KEYS.escape ? (line: string) => line !== before && unfiltered(line) : (line: string) => line !== before;
	// The key named in a timeout: a replay that stalls says which key the list did not redraw for.
	await app.waitFor(screen => done(status(screen)), {
		timeout: 30_000,
		interval: 1,
		message: `a redraw after the key ${JSON.stringify(key)} (status before: ${JSON.stringify(before)})`,
	});
	return performance.now() - started;
}

/** The bench's keys, as an operator moves and filters: j, PgDn every third, then a filter typed. */
export async function keystrokes(app: ReturnType<typeof spawnApp>): Promise<number[]> {
	const times: number[] = [];
	for (let index = 0; index < 30; index++) {
		times.push(await pressed(app, index % 3 === 2 ? KEYS.pageDown : 'j'));
	}

	await pressed(app, '/');
	for (const character of 'service #12') {
		times.push(await pressed(app, character));
	}

	await pressed(app, KEYS.escape);
	return times;
}

/** The empty Ink app's resident set, alive as the app is (a screen drawn, waiting for keys), in `runs` processes one after the other. */
export async function emptyInkRss(runs: number): Promise<number[]> {
	const sizes: number[] = [];
	for (let run = 0; run < runs; run++) {
		const empty = spawnApp(['0'], {columns: 120, rows: 35, script: path.join(here, 'baselines', 'ink-list.mjs')});
		await empty.waitFor('ready', {timeout: 60_000, interval: 2});
		await new Promise(resolve => setTimeout(resolve, 500));
		sizes.push(rssMb(empty.pid));
		empty.write('q');
		await empty.exited;
	}

	return sizes;
}

/**
 * The app's highest resident set while a reload (r, or the periodic one) reads the whole table
 * again beside the one on screen, runs and settles.
 */
async function reloadPeak(app: ReturnType<typeof spawnApp>): Promise<number> {
	let peak = rssMb(app.pid);
	app.write('r');
	for (let sample = 0; sample < 40; sample++) {
		await new Promise(resolve => setTimeout(resolve, 100));
		peak = Math.max(peak, rssMb(app.pid));
	}

	return peak;
}

/** The app over the seeded tokens: first screen, keystroke to redraw, resident memory. */
export async function appCases(redis: TestRedis, count: number, runs: number): Promise<Row[]> {
	const total = count.toLocaleString('en-US');
	// The first screen: the table's first rows under the count. The app shows the listing's first
	// rows while the whole table loads; "loading the rest" leaves the status line once it is in.
	const ready = (screen: string) => screen.includes(`${total} tokens`) && screen.split('\n').some(line => line.startsWith('›'));
	const loaded = (screen: string) => ready(screen) && !(screen.split('\n').at(-3) ?? '').includes('loading');
	const firstScreens: number[] = [];
	const wholeTables: number[] = [];
	const memory: number[] = [];
	const reloadPeaks: number[] = [];
	let app: ReturnType<typeof spawnApp> | undefined;
	for (let run = 0; run < runs; run++) {
		const started = performance.now();
		app = spawnApp([`--dbs.redis=${redis.url(8)}`], {columns: 120, rows: 35});
		await app.waitFor(ready, {timeout: 120_000, interval: 2});
		firstScreens.push(performance.now() - started);
		await app.waitFor(loaded, {timeout: 120_000, interval: 2});
		wholeTables.push(performance.now() - started);
		// Memory once the whole table is in and the thread that read it has gone.
		await new Promise(resolve => setTimeout(resolve, 500));
		memory.push(rssMb(app.pid));
		reloadPeaks.push(await reloadPeak(app));
		if (run < runs - 1) {
			app.write('q');
			await app.exited;
		}
	}

	const baselines: number[] = [];
	for (let run = 0; run < runs; run++) {
		baselines.push(await emptyInkFirstFrame());
	}

	const keys = await keystrokes(app!);
	// The same keys on a bare Ink list of as many rows, as tall: what Ink itself costs a keystroke.
	const bare = spawnApp([String(count)], {columns: 120, rows: 35, script: path.join(here, 'baselines', 'ink-list.mjs')});
	await bare.waitFor(screen => screen.includes(`1/${count}`), {timeout: 60_000, interval: 2});
	const bareKeys = await keystrokes(bare);
	bare.write('q');
	await bare.exited;
	// The empty Ink app's resident set, measured as often as the app's: what the table costs is the difference.
	const emptyRss = await emptyInkRss(runs);
	app!.write('q');
	await app!.exited;

	const first = median(firstScreens);
	const base = median(baselines);
	const ratio = first / base;
	const p95 = percentile(keys, 0.95);
	const bareP95 = percentile(bareKeys, 0.95);
	const rss = median(memory);
	const empty = median(emptyRss);
	const peak = median(reloadPeaks);
	const mb = (values: readonly number[]) => values.map(value => value.toFixed(0)).join(', ');
	const spread = (values: readonly number[]) => `${fmtMs(Math.min(...values))} to ${fmtMs(Math.max(...values))}`;
	return [
		{
			name: `app first screen, ${total} tokens`,
			ours: `${fmtMs(first)} (${spread(firstScreens)})`,
			baseline: `${fmtMs(base)} (empty Ink app; ${spread(baselines)})`,
			ratio: `${ratio.toFixed(2)}×`,
			target: '≤ 2×',
			met: ratio <= 2,
		},
		{
			name: `app whole table loaded (sort and filter over every token), ${total} tokens`,
			ours: `${fmtMs(median(wholeTables))} (${spread(wholeTables)})`,
			baseline: `${fmtMs(base)} (empty Ink app)`,
			ratio: `${(median(wholeTables) / base).toFixed(2)}×`,
			target: '— (not in the issue)',
			met: undefined,
		},
		{
			name: `app keystroke to redraw (j, PgDn, filter), ${total} tokens`,
			ours: `p95 ${p95.toFixed(0)} ms, median ${median(keys).toFixed(0)} ms`,
			baseline: `p95 ${bareP95.toFixed(0)} ms, median ${median(bareKeys).toFixed(0)} ms (the same keys on a bare Ink list of ${total} rows)`,
			ratio: `${(p95 / bareP95).toFixed(2)}×`,
			target: '≤ 1.5× (p95)',
			met: p95 / bareP95 <= 1.5,
		},
		{
			name: `app memory, ${total} tokens`,
			ours: `${rss.toFixed(0)} MB resident with the whole table loaded (${mb(memory)} MB)`,
			baseline: `${empty.toFixed(0)} MB (the empty Ink app; ${mb(emptyRss)} MB)`,
			ratio: `+${(rss - empty).toFixed(0)} MB`,
			target: '≤ +60 MB, reload peak ≤ +100 MB',
			met: rss - empty <= 60 && peak - empty <= 100,
			note: `a reload (r, or the periodic one) raised it to ${peak.toFixed(0)} MB at most while it ran (${mb(reloadPeaks)} MB by run): +${(peak - empty).toFixed(0)} MB above the empty Ink app`,
		},
	];
}
