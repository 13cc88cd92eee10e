import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {decodeRecord, generateRawToken, indexAccountOf, recordProblem, shallowFields, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {fuzzCases, random} from '../helpers/fuzz.js';
import {plantRecord} from '../helpers/keyspace.js';
import {type HostileCase, RAW_CONTROL, hostileRecord, rawExportString, rawRecord} from '../helpers/hostile-records.js';
import {type Harness, bearer, getJson, startHarness} from '../server/harness.js';

/**
 * The fuzz family "valid token, hostile nested fields": tokens whose raw token is known, stored
 * with fields of the wrong type, nested too deep, megabytes long or full of escape sequences, one
 * to three of which must keep them out (test/helpers/hostile-records.ts). Through serve's
 * authentication (never admitted), its listings (never a 5xx), every CLI command (documented exit
 * codes, nothing raw on the terminal, no stack) and import (refused with exit 5, or stored clean).
 */
type Planted = HostileCase & {token: string; id: string};

let h: Harness;
let flag: string;
let root: string;
const planted: Planted[] = [];
/**
 * Each case is a stored record (some of 100 kB) and several requests. `npm test` runs 40 (from a
 * fixed seed): every gate field several times, in a few seconds on two cores. `npm run fuzz`
 * (FUZZ_CASES=100,000) runs 3,000, which covers every gate and noise value many times over.
 */
const CASES = Math.min(fuzzCases(40), 3000);
/** The per-token CLI commands (in-process) run on a sample: 20 by default, at most 200. */
const SAMPLE = Math.min(200, CASES, Math.max(20, Math.floor(CASES / 15)));
/** Time for a test that goes through every case (a few requests or a share of a listing each). */
const TIMEOUT = 60_000 + CASES * 200;

beforeAll(async () => {
	h = await startHarness();
	flag = `--dbs.redis=${h.redis.url()}`;
	const client = h.redis.client();
	await client.hset('iad:example', 'account', 'example');
	root = (await h.store.issue({description: 'root reader', scopes: ['*']})).rawToken;
	const rng = random(0x0b_ad_f1_e1);
	for (let index = 0; index < CASES; index++) {
		const hostile = hostileRecord(rng);
		const token = generateRawToken();
		const id = tokenIdOf(token);
		const bytes = rawRecord(hostile.fields);
		// Indexed where its writer would have put it (compatibility §1.5), as far as the record can be read.
		let account: string | undefined;
		try {
			account = indexAccountOf(decodeRecord(bytes));
		} catch {
			account = indexAccountOf(shallowFields(bytes));
		}

		await plantRecord(client, id, bytes, account);
		planted.push({...hostile, token, id});
	}
}, TIMEOUT);
afterAll(async () => h.close());

const refusal = (status: number) => status === 401 || status === 403 || status === 429;

describe(`${CASES} tokens with hostile nested fields`, () => {
	it(
		'serve never admits a request on one, and answers every one without a 5xx',
		async () => {
			for (const {kind, token, gates} of planted) {
				for (const path of ['/v1/stats', '/v1/account/example', '/metrics', '/v1/tokens', '/v1/tokens?account=example']) {
					const response = await fetch(h.base + path, bearer(token));
					await response.arrayBuffer();
					expect(refusal(response.status), `${kind} (gates ${gates.join(', ')}) on ${path}: ${response.status}`).toBe(true);
				}
			}

			expect(h.logs.filter(line => line.includes('"Request failed"'))).toEqual([]);
		},
		TIMEOUT,
	);

	it(
		'the listings answer 200 with valid JSON, whatever they skip; a single token 200 or 404',
		async () => {
			for (const path of [
				'/v1/tokens',
				'/v1/tokens?pageSize=7&page=1',
				'/v1/tokens?pageSize=1000',
				'/v1/tokens?query=token',
				'/v1/tokens?account=example',
				'/v1/tokens/account/12345',
			]) {
				const response = await getJson(h.base + path, bearer(root));
				expect(response.status, path).toBe(200);
				expect(response.body, path).toBeTypeOf('object');
			}

			for (const {id, kind} of planted) {
				const response = await getJson(`${h.base}/v1/tokens/${id}`, bearer(root));
				expect([200, 404], kind).toContain(response.status);
			}

			expect(h.logs.filter(line => line.includes('"Request failed"'))).toEqual([]);
		},
		TIMEOUT,
	);

	it(
		'every CLI command: documented exit codes, nothing raw on the terminal, one line per message',
		async () => {
			const check = (args: string[], result: {exitCode: number | undefined; stdout: string; stderr: string}, codes: number[]) => {
				const label = `${args.join(' ')}: ${result.stderr.slice(0, 300)}`;
				expect(codes, label).toContain(result.exitCode);
				expect(result.stderr, label).not.toMatch(/\n\s+at /);
				expect(result.stderr, label).not.toMatch(RAW_CONTROL);
				for (const line of result.stderr.split('\n').filter(Boolean)) {
					expect(line, label).toMatch(/^(ee-tokens: |Revoked token [\da-f]{64})/);
				}
			};

			for (const args of [['list'], ['list', '--all'], ['export', '--all']]) {
				const result = await runCli([...args, flag]);
				check(args, result, [0]);
				expect(result.stdout, args.join(' ')).not.toMatch(RAW_CONTROL);
			}

			for (const args of [
				['list', '--json'],
				['list', '--json', '--query', 'token'],
				['export', '--all', '--json'],
			]) {
				const result = await runCli([...args, flag]);
				check(args, result, [0]);
				// JSON escapes every control character: a terminal gets none raw from it either.
				expect(result.stdout, args.join(' ')).not.toMatch(RAW_CONTROL);
				expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
			}

			for (const {id, kind} of planted.slice(0, SAMPLE)) {
				for (const args of [
					['show', '-t', id],
					['show', '--json', '-t', id],
					['export', '-t', id],
				]) {
					const result = await runCli([...args, flag]);
					// 0, 6 (unreadable) or 4 (an expired one reaped by serve above).
					check([...args, kind], result, [0, 4, 6]);
					expect(result.stdout, kind).not.toMatch(RAW_CONTROL);
				}
			}

			for (const {id, kind} of planted.slice(0, Math.max(2, SAMPLE / 2))) {
				const result = await runCli(['revoke', '-t', id, '--yes', flag]);
				check(['revoke', kind], result, [0, 4]);
				expect(await h.redis.client().hexists('tokens', id), kind).toBe(0);
			}
		},
		120_000 + TIMEOUT,
	);

	it(
		'import refuses them with exit 5 and a reason per line, or stores them clean',
		async () => {
			const strings = planted.map(({id, fields}) => rawExportString(id, fields));
			const importFlag = `--dbs.redis=${h.redis.url(9)}`;
			const result = await runCli(['import', '-t', '-', '--json', importFlag], {input: `${strings.join('\n')}\n`});
			expect([0, 5]).toContain(result.exitCode);
			expect(result.stderr).toBe('');
			const summary = JSON.parse(result.stdout) as {imported: string[]; present: string[]; invalid: Array<{line: number; message: string}>};
			expect(summary.imported.length + summary.invalid.length).toBe(CASES);
			for (const {line, message} of summary.invalid) {
				expect(message, planted[line - 1]!.kind).toMatch(/^Invalid export string: [^\n]+$/);
				expect(message).not.toMatch(RAW_CONTROL);
			}

			// What was imported is readable, and broken in no field but the integer account
			// EmailEngine's CLI writes (which the server still refuses).
			const client = h.redis.client(9);
			for (const id of summary.imported) {
				const record = decodeRecord((await client.hgetBuffer('tokens', id))!);
				const problem = recordProblem(record);
				expect(problem === undefined || problem.startsWith('account is a number'), `${id}: ${problem}`).toBe(true);
			}

			for (const [index, text] of strings.slice(0, 2).entries()) {
				const one = await runCli(['import', '-t', text, importFlag]);
				expect([0, 5], planted[index]!.kind).toContain(one.exitCode);
				expect(one.stderr.split('\n')).toHaveLength(1);
			}
		},
		TIMEOUT,
	);
});
