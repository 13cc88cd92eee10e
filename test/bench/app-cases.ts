import {readFileSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import pty from '@lydell/node-pty';
import type {TestRedis} from '../helpers/redis.js';
import {KEYS, spawnApp} from '../ui/helpers/pty.js';
import {type Row, fmtMs, median} from './measure.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const percentile = (values: readonly number[], q: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

/** Spawn → first frame of an empty Ink app under a pty: the least a full-screen Ink app costs. */
async function emptyInkFirstFrame(): Promise<number> {
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
		if (run < runs - 1) {
			app.write('q');
			await app.exited;
		}
	}

	const baselines: number[] = [];
	for (let run = 0; run < runs; run++) {
		baselines.push(await emptyInkFirstFrame());
	}

	// Keystrokes on the last app: a frame is complete when the status line changed.
	const status = (screen: string) => screen.split('\n').at(-3) ?? '';
	const press = async (key: string) => {
		const before = status(app!.screen());
		const started = performance.now();
		app!.write(key);
		await app!.waitFor(screen => status(screen) !== before, {timeout: 30_000, interval: 1});
		return performance.now() - started;
	};

	const keys: number[] = [];
	for (let index = 0; index < 30; index++) {
		keys.push(await press(index % 3 === 2 ? KEYS.pageDown : 'j'));
	}

	await press('/');
	for (const character of 'service #12') {
		keys.push(await press(character));
	}

	// Esc and q in one write would read as Meta+q; let the Esc land first.
	await press(KEYS.escape);
	// A reload (r, or the periodic one) reads the whole table again beside the one on screen:
	// the highest resident set while it runs and settles.
	let reloadPeak = rssMb(app!.pid);
	app!.write('r');
	for (let sample = 0; sample < 40; sample++) {
		await new Promise(resolve => setTimeout(resolve, 100));
		reloadPeak = Math.max(reloadPeak, rssMb(app!.pid));
	}

	app!.write('q');
	await app!.exited;

	const first = median(firstScreens);
	const base = median(baselines);
	const ratio = first / base;
	const p95 = percentile(keys, 0.95);
	const rss = median(memory);
	return [
		{
			name: `app first screen, ${total} tokens`,
			ours: fmtMs(first),
			baseline: `${fmtMs(base)} (empty Ink app)`,
			ratio: `${ratio.toFixed(2)}×`,
			target: '≤ 3×, and < 1 s',
			met: ratio <= 3 && first < 1000,
		},
		{
			name: `app whole table loaded (sort and filter over every token), ${total} tokens`,
			ours: fmtMs(median(wholeTables)),
			baseline: `${fmtMs(base)} (empty Ink app)`,
			ratio: `${(median(wholeTables) / base).toFixed(2)}×`,
			target: '— (not in the issue)',
			met: undefined,
		},
		{
			name: `app keystroke to redraw (j, PgDn, filter), ${total} tokens`,
			ours: `p95 ${p95.toFixed(0)} ms, median ${median(keys).toFixed(0)} ms`,
			baseline: '—',
			ratio: '—',
			target: 'p95 < 50 ms',
			met: p95 < 50,
		},
		{
			name: `app memory, ${total} tokens`,
			ours: `${rss.toFixed(0)} MB resident with the whole table loaded`,
			baseline: '—',
			ratio: '—',
			target: '< 200 MB',
			met: rss < 200,
			note: `a reload (r, or the periodic one) raised it to ${reloadPeak.toFixed(0)} MB at most while it ran (last run)`,
		},
	];
}
