/**
 * Authenticated requests per second on GET /v1/stats against `ee-tokens serve`, beside a bare
 * node:http hello-world measured in the same run, both under the same autocannon load.
 *
 *   npx tsc -p . && node --import tsx test/bench/serve-rate.ts
 *
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) change the load. Each server runs
 * in its own process with its log going to /dev/null; Redis is a private redis-server without
 * persistence (the test helper's `appendfsync always` would measure the disk: every request
 * writes last use).
 */
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
// @ts-expect-error autocannon ships no types (and @types/autocannon is not a dependency)
import autocannonUntyped from 'autocannon';
import {freePort} from '../helpers/redis.js';
import {CLI, runCli} from '../helpers/cli.js';

type LoadResult = {requests: {average: number}; latency: {p99: number}; non2xx: number; errors: number};
const autocannon = autocannonUntyped as (options: {url: string; connections: number; duration: number; headers?: Record<string, string>}) => Promise<LoadResult>;

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

const HELLO = `
const http = require('node:http');
http.createServer((request, response) => {
	response.writeHead(200, {'content-type': 'application/json; charset=utf-8'});
	response.end('{"hello":"world"}');
}).listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

async function waitFor(url: string, headers: Record<string, string> = {}): Promise<void> {
	for (let attempt = 0; attempt < 200; attempt++) {
		try {
			// eslint-disable-next-line no-await-in-loop
			const response = await fetch(url, {headers});
			if (response.status === 200) {
				return;
			}
		} catch {}

		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	throw new Error(`${url} did not answer 200`);
}

async function load(url: string, headers: Record<string, string>) {
	const result = await autocannon({url, connections, duration: seconds, headers});
	return {
		rps: result.requests.average,
		p99: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors,
	};
}

const redisPort = await freePort();
const redis = execa('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
	stdout: 'ignore',
	reject: false,
});
const children: ResultPromise[] = [];
try {
	const url = `redis://127.0.0.1:${redisPort}/8`;
	for (let attempt = 0; attempt < 100 && (await runCli(['list', `--dbs.redis=${url}`])).exitCode !== 0; attempt++) {
		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	const issued = await runCli(['issue', '-d', 'bench', '-s', 'api', `--dbs.redis=${url}`]);
	const token = String(issued.stdout).trim();
	const servePort = await freePort();
	const helloPort = await freePort();
	children.push(
		execa('node', [CLI, 'serve', '--port', String(servePort), `--dbs.redis=${url}`], {stdout: 'ignore', stderr: 'inherit', reject: false}),
		execa('node', ['-e', HELLO, String(helloPort)], {stdout: 'ignore', stderr: 'inherit', reject: false}),
	);
	const auth = {authorization: `Bearer ${token}`};
	await waitFor(`http://127.0.0.1:${servePort}/v1/stats`, auth);
	await waitFor(`http://127.0.0.1:${helloPort}/`);

	// A short warm-up for each, then the measured runs.
	await autocannon({url: `http://127.0.0.1:${helloPort}/`, connections, duration: 2});
	await autocannon({url: `http://127.0.0.1:${servePort}/v1/stats`, connections, duration: 2, headers: auth});
	const hello = await load(`http://127.0.0.1:${helloPort}/`, {});
	const serve = await load(`http://127.0.0.1:${servePort}/v1/stats`, auth);
	const row = (name: string, r: typeof hello) =>
		`| ${name} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p99} ms | ${r.non2xx} | ${r.errors} |`;
	process.stdout.write(
		[
			`autocannon -c ${connections} -d ${seconds}, Node ${process.version}, ${path.basename(CLI)}`,
			'',
			'| server | req/s (mean) | p99 latency | non-2xx | errors |',
			'|---|---|---|---|---|',
			row('node:http hello world', hello),
			row('ee-tokens serve GET /v1/stats (authenticated)', serve),
			'',
			`ratio serve / hello-world: ${(serve.rps / hello.rps).toFixed(3)}`,
			'',
		].join('\n'),
	);
} finally {
	for (const child of children) {
		child.kill('SIGTERM');
		// eslint-disable-next-line no-await-in-loop
		await child;
	}

	redis.kill('SIGTERM');
	await redis;
}
