/**
 * Authenticated requests per second on GET /v1/stats against `ee-tokens serve`, beside a bare
 * node:http hello world measured in the same run, both under the same autocannon load, taking
 * turns for `rounds` rounds so that the median has a spread, as every other row's. A third server
 * takes its turn too, reported in the row's note: the hello world that waits for one Redis read
 * before it answers (baselines/hello-redis.mjs), the floor of any server that reads Redis per
 * request, which says how much of the gap to the baseline is serve's own work.
 */
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
// @ts-expect-error autocannon ships no types (and @types/autocannon is not a dependency)
import autocannonUntyped from 'autocannon';
import {CLI, runCli} from '../helpers/cli.js';
import {type TestRedis, freePort} from '../helpers/redis.js';
import {type Row, median, spread} from './measure.js';

type LoadResult = {requests: {average: number}; latency: {p99: number}; non2xx: number; errors: number};
const autocannon = autocannonUntyped as (options: {
	url: string;
	connections: number;
	duration: number;
	headers?: Record<string, string>;
}) => Promise<LoadResult>;
const here = path.dirname(new URL(import.meta.url).pathname);

async function waitFor(url: string, headers: Record<string, string> = {}): Promise<void> {
	for (let attempt = 0; attempt < 200; attempt++) {
		try {
			if ((await fetch(url, {headers})).status === 200) {
				return;
			}
		} catch {}

		await new Promise(resolve => setTimeout(resolve, 50));
	}

	throw new Error(`${url} did not answer 200`);
}

export async function serveCase(redis: TestRedis, rounds: number, seconds = 5, connections = 50): Promise<Row> {
	const url = redis.url(11);
	const token = (await runCli(['issue', '-d', 'bench', '-s', 'api', `--dbs.redis=${url}`])).stdout.trim();
	const servePort = await freePort();
	const helloPort = await freePort();
	const floorPort = await freePort();
	const children: ResultPromise[] = [
		execa('node', [CLI, 'serve', '--port', String(servePort), `--dbs.redis=${url}`], {
			stdout: 'ignore',
			stderr: 'inherit',
			reject: false,
			env: {EENGINE_LOG_LEVEL: 'info'},
		}),
		execa('node', [path.join(here, 'baselines', 'hello.mjs'), String(helloPort)], {stdout: 'ignore', stderr: 'inherit', reject: false}),
		execa('node', [path.join(here, 'baselines', 'hello-redis.mjs'), String(floorPort), url], {
			stdout: 'ignore',
			stderr: 'inherit',
			reject: false,
		}),
	];
	try {
		const auth = {authorization: `Bearer ${token}`};
		const serveUrl = `http://127.0.0.1:${servePort}/v1/stats`;
		const helloUrl = `http://127.0.0.1:${helloPort}/`;
		const floorUrl = `http://127.0.0.1:${floorPort}/`;
		await waitFor(serveUrl, auth);
		await waitFor(helloUrl);
		await waitFor(floorUrl);
		// A short warm-up each, then the measured runs.
		await autocannon({url: helloUrl, connections, duration: 2});
		await autocannon({url: floorUrl, connections, duration: 2});
		await autocannon({url: serveUrl, connections, duration: 2, headers: auth});
		const hello: LoadResult[] = [];
		const floor: LoadResult[] = [];
		const serve: LoadResult[] = [];
		for (let round = 0; round < rounds; round++) {
			hello.push(await autocannon({url: helloUrl, connections, duration: seconds}));
			floor.push(await autocannon({url: floorUrl, connections, duration: seconds}));
			const served = await autocannon({url: serveUrl, connections, duration: seconds, headers: auth});
			if (served.non2xx > 0 || served.errors > 0) {
				throw new Error(`serve answered ${served.non2xx} non-2xx and ${served.errors} errors under load`);
			}

			serve.push(served);
		}

		const rates = (results: LoadResult[]) => results.map(result => result.requests.average);
		const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} req/s`;
		const p99 = (results: LoadResult[]) => `p99 ${median(results.map(result => result.latency.p99))} ms`;
		const ratio = median(rates(serve)) / median(rates(hello));
		const pairs = serve.map((result, index) => result.requests.average / hello[index]!.requests.average);
		return {
			name: `authenticated GET /v1/stats on serve (${connections} connections, ${rounds} × ${seconds} s)`,
			ours: `${rate(median(rates(serve)))} (${spread(rates(serve), rate)}), ${p99(serve)}`,
			baseline: `${rate(median(rates(hello)))} (${spread(rates(hello), rate)}), ${p99(hello)} (node:http hello world)`,
			ratio: `${ratio.toFixed(2)}× (${spread(pairs, value => `${value.toFixed(2)}×`)} by round)`,
			target: '≥ 0.75×',
			met: ratio >= 0.75,
			note: `the hello world waiting for one Redis read per request (baselines/hello-redis.mjs) served ${rate(median(rates(floor)))} (${spread(
				rates(floor),
				rate,
			)}), ${(median(rates(floor)) / median(rates(hello))).toFixed(2)}× the hello world; serve ${(median(rates(serve)) / median(rates(floor))).toFixed(2)}× that`,
		};
	} finally {
		for (const child of children) {
			child.kill('SIGTERM');
			await child;
		}
	}
}
