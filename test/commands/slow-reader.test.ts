import {Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {seedTokens} from '../bench/seed.js';
import {runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	// Three chunks of 1,000 tokens for each command to write.
	await seedTokens(redis.client(8), 3000);
});
afterAll(async () => redis.stop());

/**
 * A pipe whose reader is behind: each write is taken a few milliseconds later. Keeps what it is
 * given, and the most it ever held queued (what the writing process would hold in memory).
 */
function slowReader(): {stream: Writable; text: () => string; mostQueued: () => number} {
	const chunks: Buffer[] = [];
	let most = 0;
	const stream = new Writable({
		highWaterMark: 16 * 1024,
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(chunk);
			setTimeout(callback, 2);
		},
	});
	const write = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
	stream.write = ((chunk: string | Uint8Array) => {
		const more = write(chunk);
		most = Math.max(most, stream.writableLength);
		return more;
	}) as typeof stream.write;
	return {stream, text: () => Buffer.concat(chunks).toString(), mostQueued: () => most};
}

describe('a reader that is behind', () => {
	it.each([
		['list --json', ['list', '--json']],
		['export --all', ['export', '--all']],
		['export --all --json', ['export', '--all', '--json']],
	])('%s waits for it instead of queueing its whole output in memory', async (_name, args) => {
		const reader = slowReader();
		const result = await runInProcess([...args, `--dbs.redis=${redis.url(8)}`], {stdout: reader.stream});
		expect(result.exitCode, result.stderr).toBe(0);
		const output = reader.text();
		const tokens = args.includes('--json') ? (JSON.parse(output) as unknown[]).length : output.trimEnd().split('\n').length;
		expect(tokens).toBe(3000);
		// One chunk of 1,000 tokens at most waits in the queue; the whole output is three.
		expect(reader.mostQueued()).toBeLessThan(output.length / 2);
	});
});
