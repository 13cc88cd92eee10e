/**
 * `node --import tsx test/bench/load-threshold.ts`: how long the app's table load takes in this
 * process and in the child (store/summaries-in-child.ts) over listing sizes, and the longest the
 * event loop is held during each (a key pressed then waits at least that long). The numbers behind
 * IN_PROCESS_LIMIT in store/summaries-loader.ts. Runs the built store (dist/), as the app does.
 */
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';
import type {RedisTarget} from '../../source/store/index.js';
import {startRedis} from '../helpers/redis.js';
import {median} from './measure.js';
import {seedTokens} from './seed.js';

// The built store, as the app runs it: the child it forks is dist/summaries-child.js.
const {TokenStore, connectRedis, summariesInChild} = (await import(
	new URL('../../dist/store.js', import.meta.url).href
)) as typeof import('../../source/store/index.js');
const sizes = (process.env['SIZES'] ?? '10,100,1000,2000,5000,10000,50000').split(',').map(Number);
const runs = Number(process.env['RUNS'] ?? 7);

/** Duration and the longest event-loop stall of `work`, over `runs` runs (medians). */
async function measure(work: () => Promise<unknown>): Promise<{ms: number; stall: number}> {
	const durations: number[] = [];
	const stalls: number[] = [];
	for (let run = 0; run < runs; run++) {
		const histogram = monitorEventLoopDelay({resolution: 1});
		histogram.enable();
		const started = performance.now();
		await work();
		durations.push(performance.now() - started);
		histogram.disable();
		stalls.push(histogram.max / 1e6);
	}

	return {ms: median(durations), stall: median(stalls)};
}

const redis = await startRedis();
await redis.client(0).config('SET', 'appendonly', 'no');
const target: RedisTarget = {url: redis.url(8), source: '--dbs.redis', prefix: '', timeoutMs: 10_000};
const client = await connectRedis(target);
const store = new TokenStore(client, '');
const rows = ['| tokens | in-process load | its longest stall | child load | its longest stall |', '|---|---|---|---|---|'];
try {
	for (const size of sizes) {
		await redis.client(8).flushdb();
		await seedTokens(redis.client(8), size);
		const inProcess = await measure(async () => store.summaries({unreadableRows: true}));
		const child = await measure(async () => summariesInChild(target, {unreadableRows: true}));
		const count = await measure(async () => store.count());
		rows.push(
			`| ${size.toLocaleString('en-US')} | ${inProcess.ms.toFixed(1)} ms | ${inProcess.stall.toFixed(1)} ms | ${child.ms.toFixed(1)} ms | ${child.stall.toFixed(1)} ms |`,
		);
		process.stderr.write(`${rows.at(-1)}   (count: ${count.ms.toFixed(2)} ms)\n`);
	}
} finally {
	client.disconnect();
	await redis.stop();
}

process.stdout.write(`${rows.join('\n')}\n`);
