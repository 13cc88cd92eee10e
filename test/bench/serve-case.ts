/**
 * Authenticated requests per second on GET /v1/stats against `ee-tokens serve`, beside a bare
 * node:http hello world measured in the same run, both under the same autocannon load.
 */
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
// @ts-expect-error autocannon ships no types (and @types/autocannon is not a dependency)
import autocannonUntyped from 'autocannon';
import {CLI, runCli} from '../helpers/cli.js';
import {type TestRedis, freePort} from '../helpers/redis.js';
import type {Row} from './measure.js';

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

export async function serveCase(redis: TestRedis, seconds = 10, connections = 50): Promise<Row> {
	const url = redis.url(11);
	const token = (await runCli(['issue', '-d', 'bench', '-s', 'api', `--dbs.redis=${url}`])).stdout.trim();
	const servePort = await freePort();
	const helloPort = await freePort();
	const children: ResultPromise[] = [
		execa('node', [CLI, 'serve', '--port', String(servePort), `--dbs.redis=${url}`], {
			stdout: 'ignore',
			stderr: 'inherit',
			reject: false,
			env: {EENGINE_LOG_LEVEL: 'info'},
		}),
		execa('node', [path.join(here, 'baselines', 'hello.mjs'), String(helloPort)], {stdout: 'ignore', stderr: 'inherit', reject: false}),
	];
	try {
		const auth = {authorization: `Bearer ${token}`};
		const serveUrl = `http://127.0.0.1:${servePort}/v1/stats`;
		const helloUrl = `http://127.0.0.1:${helloPort}/`;
		await waitFor(serveUrl, auth);
		await waitFor(helloUrl);
		// A short warm-up each, then the measured runs.
		await autocannon({url: helloUrl, connections, duration: 2});
		await autocannon({url: serveUrl, connections, duration: 2, headers: auth});
		const hello = await autocannon({url: helloUrl, connections, duration: seconds});
		const serve = await autocannon({url: serveUrl, connections, duration: seconds, headers: auth});
		if (serve.non2xx > 0 || serve.errors > 0) {
			throw new Error(`serve answered ${serve.non2xx} non-2xx and ${serve.errors} errors under load`);
		}

		const ratio = serve.requests.average / hello.requests.average;
		const rate = (value: number) => Math.round(value).toLocaleString('en-US');
		return {
			name: `authenticated GET /v1/stats on serve (${connections} connections, ${seconds} s)`,
			ours: `${rate(serve.requests.average)} req/s, p99 ${serve.latency.p99} ms`,
			baseline: `${rate(hello.requests.average)} req/s, p99 ${hello.latency.p99} ms (node:http hello world)`,
			ratio: `${ratio.toFixed(2)}×`,
			target: '≥ 0.5×',
			met: ratio >= 0.5,
		};
	} finally {
		for (const child of children) {
			child.kill('SIGTERM');
			await child;
		}
	}
}
