import {describe, expect, it} from 'vitest';
import {decodeExportString, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';
import {serveInProcess} from '../helpers/serve.js';

/**
 * EmailEngine's import stores an id from an export string verbatim, upper-case included
 * (compatibility §1.4): listed like any other, and reachable by that id everywhere an id is taken.
 */
const r = useCliRedis();
const UPPER = 'AB'.repeat(32);
const record = encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description: 'imported by EmailEngine'});

describe('a token whose id is stored upper-case', () => {
	it('show, export and revoke reach it by that id', async () => {
		await plantRecord(r.raw, UPPER, record);
		const shown = await runCli(['show', '-t', UPPER, '--json', r.db8]);
		expect(shown.exitCode).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({id: UPPER, description: 'imported by EmailEngine'});

		const exported = await runCli(['export', '-t', UPPER, r.db8]);
		expect(exported.exitCode).toBe(0);
		expect(decodeExportString(exported.stdout).fields).toMatchObject({description: 'imported by EmailEngine'});

		const revoked = await runCli(['revoke', '-t', UPPER, '--yes', r.db8]);
		expect(revoked).toMatchObject({exitCode: 0, stderr: `Revoked token ${UPPER}`});
		expect(await r.raw.hexists('tokens', UPPER)).toBe(0);
		expect(await r.raw.hexists('tokens:access', UPPER)).toBe(0);
		expect(await r.raw.sismember('iat', UPPER)).toBe(0);
	});

	it('DELETE /v1/tokens/{id} deletes it', async () => {
		await plantRecord(r.raw, UPPER, record);
		const root = await runCli(['issue', '-d', 'root', '-s', '*', r.db8]);
		const served = await serveInProcess(r.redis.url(8));
		try {
			const response = await fetch(`${served.base}/v1/tokens/${UPPER}`, {
				method: 'DELETE',
				headers: {authorization: `Bearer ${root.stdout}`},
			});
			expect(await response.json()).toEqual({deleted: true});
			expect(await r.raw.hexists('tokens', UPPER)).toBe(0);
		} finally {
			await served.stop();
		}
	});
});
