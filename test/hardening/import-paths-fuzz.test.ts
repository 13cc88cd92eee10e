import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {decodeExportString} from '../../source/tokens/index.js';
import {keyEvent} from '../../source/ui/keymap.js';
import {type ImportState, importReducer, initialImportState, previewLines} from '../../source/ui/state/import-wizard.js';
import {runInProcess} from '../helpers/cli.js';
import {fuzzCases, hostileExportString, random} from '../helpers/fuzz.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';
import {startApp} from '../ui/helpers/in-process-app.js';
import {KEYS} from '../ui/helpers/pty.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	await redis.client().hset('tokens', 'f'.repeat(64), Buffer.from([0x80]));
});
afterAll(async () => redis.stop());

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const paste = (text: string) => importReducer(initialImportState, {type: 'key', key: keyEvent(text)});
const enter = (state: ImportState) => importReducer(state, {type: 'key', key: keyEvent('', {name: 'return'})});

/** Hostile strings that the decoder refuses, and that survive being an env value or a paste. */
function refused(count: number, seed: number): string[] {
	const rng = random(seed);
	const found: string[] = [];
	while (found.length < count) {
		const {input} = hostileExportString(rng);
		try {
			decodeExportString(input);
		} catch {
			if (!input.includes('\u0000') && input.trim() !== '') {
				found.push(input);
			}
		}
	}

	return found;
}

/**
 * `npm test` pastes 2,000 strings from a fixed seed into the wizard's reducer (each family a couple
 * of hundred times, about a second) and 4 into the real app (each a screen round trip; the reducer
 * is what decides); `npm run fuzz` (FUZZ_CASES) pastes 100,000.
 */
const PASTES = fuzzCases(2000);

describe('the app import wizard under hostile pastes', () => {
	it(`${PASTES} pastes: a refused string shows a one-line error and can never be confirmed`, () => {
		const rng = random(31_337);
		for (let index = 0; index < PASTES; index++) {
			const {kind, input} = hostileExportString(rng);
			const state = paste(input);
			if (state.decoded) {
				// A bit flip can make a valid token; its preview must still be inert text.
				for (const [, value] of previewLines(state.decoded)) {
					expect(value, kind).not.toMatch(CONTROL);
				}

				continue;
			}

			if (state.text === '') {
				continue;
			}

			expect(state.error, kind).toMatch(/^Invalid export string: /);
			expect(state.error, kind).not.toMatch(CONTROL);
			expect(enter(state).step, kind).toBe('input');
		}
	});

	it('in the real app, pasted garbage is refused on screen and nothing is written', async () => {
		const before = await dumpKeyspace(redis.client());
		const app = startApp([`--dbs.redis=${redis.url()}`]);
		try {
			await app.waitFor('1 token');
			for (const input of refused(4, 5)
				.map(text => text.replaceAll(/\s+/g, '').slice(0, 400))
				.filter(Boolean)) {
				await app.type('i');
				await app.waitFor('Import');
				app.paste(input);
				await app.waitFor('Invalid export string');
				await app.type(KEYS.enter);
				expect(app.screen()).toContain('Invalid export string');
				await app.type(KEYS.escape);
				await app.waitFor(screen => !screen.includes('Invalid export string'));
			}
		} finally {
			app.kill('SIGKILL');
		}

		expect(await dumpKeyspace(redis.client())).toBe(before);
	});
});

describe('the prepared token under hostile values', () => {
	it('each is refused before listening: exit 1, one level-60 line with the length, nothing written', async () => {
		const before = await dumpKeyspace(redis.client());
		const port = await freePort();
		for (const value of refused(12, 77)) {
			const result = await runInProcess(['serve', '--port', String(port), `--dbs.redis=${redis.url()}`], {
				env: {EENGINE_PREPARED_TOKEN: value},
			});
			expect(result.exitCode).toBe(1);
			const lines = result.stdout.trim().split('\n');
			expect(lines).toHaveLength(1);
			const line = JSON.parse(lines[0]!) as {level: number; msg: string; inputLength: number};
			expect(line).toMatchObject({level: 60, msg: 'Invalid API token provided', inputLength: value.length});
			expect(result.stdout).not.toContain(value.slice(0, 40));
		}

		expect(await dumpKeyspace(redis.client())).toBe(before);
	});
});
