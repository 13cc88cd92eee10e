import path from 'node:path';
import {readFileSync} from 'node:fs';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {CLI} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tracer = path.join(root, 'test/helpers/trace-ui-imports.mjs');
const traced = async (args: string[]) => execa('node', ['--import', tracer, ...args], {reject: false, stdin: 'ignore', env: {CI: 'true'}});

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => redis.stop());

// Each case is a process start and nothing else: they run side by side.
describe.concurrent('subcommands never load React or Ink', () => {
	// React, not Ink: the same branch of the tracer (a UI package loaded from node_modules) for one
	// module instead of Ink's hundred, each passed through the resolve hook (about 5 s of CPU).
	it('the tracer does see a UI package loaded from node_modules', async ({expect}) => {
		const result = await traced(['--input-type=module', '-e', "await import('react')"]);
		expect(result.stderr).toMatch(/LOADED .*node_modules\/react\//);
	});

	it("the tracer does see the bundle's own Ink when something loads it", async ({expect}) => {
		const meta = JSON.parse(readFileSync(path.join(root, 'dist/meta.json'), 'utf8')) as {
			outputs: Record<string, {inputs: Record<string, unknown>}>;
		};
		const [withInk] = Object.entries(meta.outputs).find(([, output]) => 'node_modules/ink/build/index.js' in output.inputs) ?? [];
		expect(withInk).toBeDefined();
		const url = pathToFileURL(path.join(root, withInk!)).href;
		const result = await traced(['--input-type=module', '-e', `await import(${JSON.stringify(url)})`]);
		expect(result.stderr).toContain(`LOADED ${url}`);
	});

	it.for([['list', '--json'], ['issue', '-d', 'x'], ['export', '--all'], ['review'], ['--help']])('%s', async (args, {expect}) => {
		const result = await traced([CLI, ...args, `--dbs.redis=${redis.url(8)}`]);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stderr).not.toMatch(/LOADED/);
	});
});
