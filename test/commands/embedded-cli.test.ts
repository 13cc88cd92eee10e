import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {afterAll, describe, expect, it} from 'vitest';
import {runInProcess as runCli} from '../helpers/cli.js';

/**
 * The embedded Redis as a user meets it: nothing configured and nothing at the default URL, so the
 * commands start a private redis-server in XDG_STATE_HOME and reuse it.
 */
const states: string[] = [];
const freshState = () => {
	const state = mkdtempSync(path.join(tmpdir(), 'eet-cli-'));
	states.push(state);
	return state;
};

const socketOf = (state: string) => path.join(state, 'ee-tokens', 'redis.sock');

/** Stops a server this file started, whatever a test left it in. */
async function shutdown(socket: string): Promise<void> {
	const client = new Redis({path: socket, retryStrategy: () => null, lazyConnect: true});
	client.on('error', () => {});
	await client
		.connect()
		.then(async () => client.shutdown('NOSAVE'))
		.catch(() => {});
	client.disconnect();
}

afterAll(async () => {
	for (const state of states) {
		await shutdown(socketOf(state));
		rmSync(state, {recursive: true, force: true});
	}
});

describe('the embedded Redis is announced once', () => {
	it('starting it is said; reusing it is said only with --verbose', async () => {
		const env = {XDG_STATE_HOME: freshState()};
		const first = await runCli(['list', '--json'], {env});
		expect(first.exitCode, first.stderr).toBe(0);
		expect(first.stderr).toMatch(
			/^ee-tokens: no Redis at redis:\/\/127\.0\.0\.1:6379\/8, started the embedded one \(.+redis\.sock, db 8\)$/,
		);

		const again = await runCli(['list', '--json'], {env});
		expect(again).toMatchObject({exitCode: 0, stdout: '[]', stderr: ''});

		const verbose = await runCli(['list', '--json', '--verbose'], {env});
		expect(verbose.exitCode, verbose.stderr).toBe(0);
		expect(verbose.stderr).toMatch(
			/^ee-tokens: no Redis at redis:\/\/127\.0\.0\.1:6379\/8, using the embedded one \(.+redis\.sock, db 8\)$/,
		);
	});
});
