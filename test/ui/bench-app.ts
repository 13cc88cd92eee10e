/**
 * Measures the full-screen app against N seeded tokens (not a test: timings are reported, never
 * asserted). node --import tsx test/ui/bench-app.ts [N=100000]
 *
 * - first screen: spawn → the header shows the count and the first row is drawn
 * - keystroke → redraw: key written to the pty → the screen shows the expected change (median,
 *   p95 over repeated presses), for j, PgDn, G/g, typing a filter character and a sort
 * - the same over 30 s of presses, which include a periodic reload
 * - memory: VmRSS of the app process from /proc after the load and after the keystrokes
 */
import {readFileSync} from 'node:fs';
import {startRedis} from '../helpers/redis.js';
import {KEYS, spawnApp} from './helpers/pty.js';
import {seedTokens} from './helpers/seed.js';

const count = Number(process.argv[2] ?? 100_000);
const redis = await startRedis();
const seedStart = performance.now();
await seedTokens(redis.url(), count);
process.stdout.write(`seeded ${count} tokens in ${Math.round(performance.now() - seedStart)} ms\n`);

const rss = (pid: number) => {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

const started = performance.now();
const app = spawnApp([`--dbs.redis=${redis.url()}`], {columns: 120, rows: 35});
const total = count.toLocaleString('en-US');
await app.waitFor(screen => screen.includes(`${total} tokens`) && screen.split('\n').some(line => line.startsWith('›')), {timeout: 120_000, interval: 5});
const firstScreen = performance.now() - started;
const {pid} = app;
process.stdout.write(`first screen with ${total} tokens: ${Math.round(firstScreen)} ms\n`);

const stats = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (n=${values.length})`;
};

async function measure(key: string, changed: (before: string) => (screen: string) => boolean): Promise<number> {
	const before = app.screen();
	const t0 = performance.now();
	app.write(key);
	await app.waitFor(changed(before), {timeout: 30_000, interval: 1});
	return performance.now() - t0;
}

// The frame is complete when the status line (two above the empty last row) changed and the footer is whole.
const status = (screen: string) => screen.split('\n').at(-3) ?? '';
const movedFrom = (before: string) => (screen: string) => status(screen) !== status(before) && /(refresh|keep filter|clear)\s*$/.test(screen.split('\n').at(-2) ?? '');

const results: Record<string, number[]> = {j: [], PgDn: [], 'G/g': [], 'filter char': [], 'sort s': []};
for (let index = 0; index < 40; index++) {
	// eslint-disable-next-line no-await-in-loop
	results['j']!.push(await measure('j', movedFrom));
}

for (let index = 0; index < 20; index++) {
	// eslint-disable-next-line no-await-in-loop
	results['PgDn']!.push(await measure(KEYS.pageDown, movedFrom));
}

for (let index = 0; index < 10; index++) {
	// eslint-disable-next-line no-await-in-loop
	results['G/g']!.push(await measure(index % 2 ? 'g' : 'G', movedFrom));
}

await measure('/', movedFrom);
for (const character of 'billing #12') {
	// eslint-disable-next-line no-await-in-loop
	results['filter char']!.push(await measure(character, movedFrom));
}

await measure(KEYS.escape, movedFrom);
for (let index = 0; index < 6; index++) {
	// eslint-disable-next-line no-await-in-loop
	results['sort s']!.push(await measure('s', movedFrom));
}

// Keep pressing for 30 s: at least one periodic reload (every max(10 s, 20× the load time))
// happens in this window, so the worst press shows what a reload costs the user.
const during: number[] = [];
const until = performance.now() + 30_000;
while (performance.now() < until) {
	// eslint-disable-next-line no-await-in-loop
	during.push(await measure(during.length % 50 === 49 ? 'g' : 'j', movedFrom));
	// eslint-disable-next-line no-await-in-loop
	await new Promise(resolve => setTimeout(resolve, 100));
}

results['j/g over 30 s incl. a reload'] = during;
process.stdout.write(`first j presses: ${results['j']!.slice(0, 5).map(v => v.toFixed(0)).join(', ')} ms\n`);
for (const [name, values] of Object.entries(results)) {
	process.stdout.write(`keystroke → redraw, ${name}: ${stats(values)}\n`);
}

process.stdout.write(`resident memory (VmRSS) after load and keystrokes: ${rss(pid).toFixed(0)} MiB\n`);

app.write('q');
await app.exited;
await redis.stop();
process.exit(0);
