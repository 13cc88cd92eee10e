import {writeFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {MAX_EXPORT_STRING_LENGTH, TokenError, decodeExportString} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {fuzzCases, hostileExportString, random} from '../helpers/fuzz.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
	redis = await startRedis();
	dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-fuzz-'));
});
afterAll(async () => {
	await redis.stop();
	rmSync(dir, {recursive: true, force: true});
});

/** Cases the decoder refuses, generated from a fixed seed. */
function invalidCases(count: number, seed: number) {
	const rng = random(seed);
	const cases: Array<{kind: string; input: string}> = [];
	while (cases.length < count) {
		const item = hostileExportString(rng);
		try {
			decodeExportString(item.input);
		} catch {
			cases.push(item);
		}
	}

	return cases;
}

/**
 * `npm test` decodes 2,000 strings from a fixed seed (each of the nine families a couple of hundred
 * times, about a second) and imports up to 2,000 refused ones; `npm run fuzz` (FUZZ_CASES) decodes
 * 100,000.
 */
const CASES = fuzzCases(2000);

describe('export string fuzz', () => {
	it(`decodes or refuses ${CASES} hostile strings, always with a typed one-line error`, () => {
		const rng = random(20_261_122);
		let refused = 0;
		for (let index = 0; index < CASES; index++) {
			const {kind, input} = hostileExportString(rng);
			try {
				const {id, fields} = decodeExportString(input);
				// Bit flips can land on a valid string; then it must be a real token shape.
				expect(id, kind).toMatch(/^[\da-f]{64}$/);
				expect(typeof fields, kind).toBe('object');
			} catch (error) {
				refused++;
				expect(error, `${kind}: ${String(error)}`).toBeInstanceOf(TokenError);
				expect((error as TokenError).code).toBe('invalid-export');
				expect((error as TokenError).message, kind).not.toMatch(/\n/);
				expect((error as TokenError).message.length, kind).toBeLessThan(200);
			}
		}

		expect(refused).toBeGreaterThan(CASES * 0.8);
	});

	it('the CLI refuses a file of hostile strings, line by line, and writes nothing', async () => {
		const store = new TokenStore(redis.client(), '');
		await store.issue({description: 'existing', scopes: ['*']});
		const before = await dumpKeyspace(redis.client());
		const cases = invalidCases(Math.min(CASES, 2000), 7);
		const file = path.join(dir, 'hostile.txt');
		// Lines must stay lines: the families with newlines inside are fed one by one below.
		const lines = cases
			.map(item => item.input)
			.filter(input => !/[\n\r]/.test(input) && input.trim() !== '' && !input.trim().startsWith('#'));
		writeFileSync(file, `${lines.join('\n')}\n`);
		const result = await runCli(['import', '-t', '-', `--dbs.redis=${redis.url()}`], {inputFile: file});
		expect(result.exitCode).toBe(5);
		const messages = result.stderr.trim().split('\n');
		expect(messages.at(-1)).toBe(`Imported 0, already present 0, invalid ${lines.length.toLocaleString('en-US')}`);
		expect(messages).toHaveLength(lines.length + 1);
		expect(await dumpKeyspace(redis.client())).toBe(before);
	});

	it('single hostile -t values: exit 5, one line, nothing written', async () => {
		const before = await dumpKeyspace(redis.client());
		for (const {kind, input} of invalidCases(12, 99).filter(item => !item.input.includes('\u0000'))) {
			const result = await runCli(['import', '-t', input, `--dbs.redis=${redis.url()}`]);
			expect(result.exitCode, kind).toBe(5);
			expect(result.stderr.trim().split('\n'), kind).toHaveLength(1);
		}

		expect(await dumpKeyspace(redis.client())).toBe(before);
	});

	it('an oversized line on stdin is refused without being buffered whole', async () => {
		const file = path.join(dir, 'huge.txt');
		writeFileSync(file, `${'A'.repeat(MAX_EXPORT_STRING_LENGTH + 1024 * 1024)}\n`);
		const result = await runCli(['import', '-t', '-', `--dbs.redis=${redis.url()}`], {inputFile: file});
		expect(result.exitCode).toBe(5);
		expect(result.stderr).toMatch(/line 1: Invalid export string: longer than/);
	});
});
