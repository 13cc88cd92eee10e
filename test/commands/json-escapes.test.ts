import {describe, expect, it} from 'vitest';
import {encodeRecord} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {RAW_CONTROL} from '../helpers/hostile-records.js';
import {plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';

/**
 * Every command's --json is as inert on a terminal as its table: C1 controls (U+009B is a CSI on
 * many terminals), DEL and bidi overrides are escaped, and the JSON still parses to the same values.
 */
const r = useCliRedis();
const C1_AND_BIDI = '\u009B31m\u202Egnp.exe\u007F';

describe('--json escapes what JSON.stringify leaves raw', () => {
	it('export --all --json: an id another writer stored with controls in it', async () => {
		const id = `id${C1_AND_BIDI}`;
		await plantRecord(r.raw, id, encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description: C1_AND_BIDI}));
		const result = await runCli(['export', '--all', '--json', r.db8]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		expect((JSON.parse(result.stdout) as Array<{id: string}>).map(item => item.id)).toEqual([id]);
	});

	it('review --json: an id, description, account and unknown scope stored with them, each escaped where review writes it', async () => {
		const id = `id${C1_AND_BIDI}`;
		const account = `acct${C1_AND_BIDI}`;
		await plantRecord(
			r.raw,
			id,
			encodeRecord({created: 1_790_000_000_000, account, scopes: ['api', `scope${C1_AND_BIDI}`], description: C1_AND_BIDI}),
			account,
		);
		const result = await runCli(['review', '--json', r.db8]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		const [token] = JSON.parse(result.stdout) as Array<{id: string; description: string; account: string; findings: unknown[]}>;
		expect(token).toMatchObject({id, description: C1_AND_BIDI, account});
		expect(token!.findings.length).toBeGreaterThan(0);
	});

	it('issue --json: a description and account typed with them', async () => {
		const result = await runCli(['issue', '-d', `desc${C1_AND_BIDI}`, '-a', `acct${C1_AND_BIDI}`, '-s', 'api', '--json', r.db8]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		expect(JSON.parse(result.stdout)).toMatchObject({description: `desc${C1_AND_BIDI}`, account: `acct${C1_AND_BIDI}`});
	});
});
