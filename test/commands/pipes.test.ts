import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeExportString} from '../../source/tokens/index.js';
import {CLI, runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	const lines = Array.from({length: 3000}, (_, index) =>
		encodeExportString(index.toString(16).padStart(64, '0'), {created: 1, scopes: ['api'], description: `piped ${index}`}),
	);
	const imported = await runInProcess(['import', '-t', '-', `--dbs.redis=${redis.url()}`], {input: lines.join('\n')});
	expect(imported.exitCode, imported.stderr).toBe(0);
});
afterAll(async () => redis.stop());

describe('output into pipes', () => {
	it('a reader that stops early (| head) ends the command quietly, exit 0', async () => {
		const child = execa('node', [CLI, 'list', '--json', `--dbs.redis=${redis.url()}`], {reject: false, buffer: {stdout: false}});
		await new Promise<void>(resolve => {
			child.stdout!.once('data', () => {
				child.stdout!.destroy();
				resolve();
			});
		});
		const result = await child;
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
	});

	it('every line reaches a slow reader before the process exits', async () => {
		const garbage = Array.from({length: 2000}, (_, index) => `not-a-token-${index}`).join('\n');
		const child = execa('node', [CLI, 'import', '-t', '-', `--dbs.redis=${redis.url()}`], {
			input: garbage,
			reject: false,
			buffer: {stderr: false},
		});
		let stderr = '';
		// Read slowly at first: the pipe fills and the writer has to queue what it writes next.
		let pauses = 0;
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			if (pauses++ < 5) {
				child.stderr!.pause();
				setTimeout(() => child.stderr!.resume(), 200);
			}
		});
		const result = await child;
		expect(result.exitCode).toBe(5);
		const lines = stderr.trim().split('\n');
		expect(lines).toHaveLength(2001);
		expect(lines.at(-1)).toBe('Imported 0, already present 0, invalid 2,000');
	});
});
