/**
 * What one /metrics scrape costs at 100,000 tokens: the first scrape of a serve just started (no
 * inventory cached, so the whole listing is read and counted in the loader child, which sends back
 * only the counts), beside one HSCAN pass over the tokens hash in this process (the least any
 * count of the stored tokens can read), measured in the same run. Also the scrape right after,
 * answered from the cache. The issue sets no number: the target is ours, for a read of two hashes
 * (records and last uses) in a forked Node process against one pass over one hash here. It was 6×
 * while the child sent the whole listing back (measured 4.1-6.4×); counting in the child measured
 * 3.7-4.3× on 2026-12-02, and the target is 5× since.
 */
import {performance} from 'node:perf_hooks';
import {execa} from 'execa';
import {Redis} from 'ioredis';
import {CLI, runCli} from '../helpers/cli.js';
import type {TestRedis} from '../helpers/redis.js';
import {samples} from '../helpers/prometheus.js';
import {type Row, fmtMs, median, spread} from './measure.js';

async function hscanPass(url: string): Promise<number> {
	const redis = new Redis(url);
	try {
		await redis.ping();
		const start = performance.now();
		let cursor = '0';
		let fields = 0;
		do {
			const [next, flat] = await redis.hscanBuffer('tokens', cursor, 'COUNT', 5000);
			cursor = next.toString();
			fields += flat.length / 2;
		} while (cursor !== '0');
		const ms = performance.now() - start;
		if (fields < 100_000) {
			throw new Error(`the HSCAN pass saw ${fields} tokens`);
		}

		return ms;
	} finally {
		redis.disconnect();
	}
}

/** A started serve's first and second scrape, in milliseconds. */
async function scrapes(url: string, token: string, expected: number): Promise<{first: number; cached: number}> {
	const child = execa('node', [CLI, 'serve', '--port', '0', `--dbs.redis=${url}`], {
		stdout: 'pipe',
		stderr: 'inherit',
		reject: false,
		buffer: false,
		env: {EENGINE_LOG_LEVEL: 'info'},
	});
	try {
		const port = await new Promise<number>((resolve, reject) => {
			let pending = '';
			child.stdout!.setEncoding('utf8');
			child.stdout!.on('data', (text: string) => {
				pending += text;
				const found = /"port":(\d+)/.exec(pending);
				if (found) {
					resolve(Number(found[1]));
				}
			});
			void child.then(() => reject(new Error('serve exited before listening')));
		});
		const scrape = async () => {
			const start = performance.now();
			const response = await fetch(`http://127.0.0.1:${port}/metrics`, {headers: {authorization: `Bearer ${token}`}});
			const text = await response.text();
			const ms = performance.now() - start;
			const tokens = samples(text).get('api_tokens');
			if (response.status !== 200 || tokens !== expected) {
				throw new Error(`/metrics answered ${response.status} with api_tokens ${tokens}, not ${expected}`);
			}

			return ms;
		};

		return {first: await scrape(), cached: await scrape()};
	} finally {
		child.kill('SIGTERM');
		await child;
	}
}

export async function metricsCase(redis: TestRedis, runs: number): Promise<Row> {
	const url = redis.url(8);
	const before = await redis.client(8).hlen('tokens');
	const issued = await runCli(['issue', '-d', 'bench scraper', '-s', 'metrics', '--json', `--dbs.redis=${url}`]);
	const {token, id} = JSON.parse(issued.stdout as string) as {token: string; id: string};
	try {
		const baseline: number[] = [];
		const first: number[] = [];
		const cached: number[] = [];
		for (let run = 0; run < runs; run++) {
			baseline.push(await hscanPass(url));
			const scraped = await scrapes(url, token, before + 1);
			first.push(scraped.first);
			cached.push(scraped.cached);
		}

		const ratio = median(first) / median(baseline);
		return {
			name: `/metrics scrape, 100,000 tokens (first after start: the inventory counted in the loader child)`,
			ours: `${fmtMs(median(first))} (${spread(first)})`,
			baseline: `${fmtMs(median(baseline))} (${spread(baseline)}; one HSCAN pass of the tokens hash)`,
			ratio: `${ratio.toFixed(2)}× (${spread(
				first.map((ms, index) => ms / baseline[index]!),
				value => `${value.toFixed(2)}×`,
			)} by run)`,
			target: '≤ 5×',
			met: ratio <= 5,
			note: `the next scrape within the cache time (10 s) took ${fmtMs(median(cached))} (${spread(cached)})`,
		};
	} finally {
		await runCli(['revoke', '-t', id, '--yes', `--dbs.redis=${url}`]);
	}
}
