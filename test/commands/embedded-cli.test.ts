import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {afterAll, describe, expect, it} from 'vitest';
import {runCli as runBinary, runInProcess as runCli} from '../helpers/cli.js';

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

describe('ee-tokens embedded status|stop', () => {
	it('status says where it is and who uses it; stop refuses while serve uses it, naming it; --force stops it; data survives', async () => {
		const env = {XDG_STATE_HOME: freshState(), EENGINE_LOG_LEVEL: 'info'};
		const dir = path.join(env.XDG_STATE_HOME, 'ee-tokens');
		const before = await runCli(['embedded', 'status', '--json'], {env});
		expect(before.exitCode, before.stderr).toBe(0);
		// Status starts nothing.
		expect(JSON.parse(before.stdout)).toEqual({
			dir,
			socket: socketOf(env.XDG_STATE_HOME),
			log: path.join(dir, 'redis.log'),
			running: false,
		});

		const issued = await runCli(['issue', '-d', 'kept', '-s', 'api'], {env});
		expect(issued.exitCode, issued.stderr).toBe(0);
		// The built binary here, not the sources: what a bundle changes (how a package loads) shows only there.
		const idle = JSON.parse((await runBinary(['embedded', 'status', '--json'], {env})).stdout) as {
			running: boolean;
			clients: string[];
			pid: number;
		};
		expect(idle).toMatchObject({running: true, clients: []});
		expect(idle.pid).toBeGreaterThan(0);

		// serve on the embedded Redis, in this process: its connection is named after it.
		const stop = new AbortController();
		let announce: () => void = () => {};
		const listening = new Promise<void>(resolve => {
			announce = resolve;
		});
		const served = runCli(['serve', '--port', '0'], {
			env,
			stop: stop.signal,
			onStdout(text) {
				if (text.includes('API server listening')) {
					announce();
				}
			},
		});
		await listening;
		const user = `ee-tokens-serve-pid-${process.pid}`;
		const status = await runCli(['embedded', 'status'], {env});
		expect(status.stdout.split('\n')).toContain(`clients   ${user}`);
		expect(status.stdout.split('\n')).toContain(`state     ${dir}`);

		const refused = await runCli(['embedded', 'stop'], {env});
		expect(refused).toMatchObject({
			exitCode: 2,
			stderr: `ee-tokens: The embedded Redis is in use by a client: ${user}; stop it first, or give --force`,
		});
		expect(JSON.parse((await runCli(['embedded', 'status', '--json'], {env})).stdout)).toMatchObject({running: true});

		const forced = await runCli(['embedded', 'stop', '--force'], {env});
		expect(forced).toMatchObject({exitCode: 0, stderr: `Stopped the embedded Redis (it was used by ${user}); its data stays in ${dir}`});
		stop.abort();
		expect((await served).exitCode).toBe(0);
		expect(JSON.parse((await runCli(['embedded', 'status', '--json'], {env})).stdout)).toMatchObject({running: false});

		const again = await runCli(['embedded', 'stop'], {env});
		expect(again).toMatchObject({
			exitCode: 0,
			stderr: `The embedded Redis is not running; nothing to stop (its data, if any, is in ${dir})`,
		});

		// The next command starts it again, with the token issued before the stop.
		const listed = await runCli(['list', '--json'], {env});
		expect(listed.exitCode, listed.stderr).toBe(0);
		expect(listed.stderr).toMatch(/started the embedded one/);
		expect(JSON.parse(listed.stdout)).toMatchObject([{description: 'kept'}]);
	});

	it('a subcommand is required, and a wrong one is a usage error', async () => {
		const env = {XDG_STATE_HOME: freshState()};
		expect(await runCli(['embedded'], {env})).toMatchObject({
			exitCode: 2,
			stderr: 'ee-tokens: ee-tokens embedded needs one of status|stop',
		});
		// A flag it would ignore is refused, not ignored: status of another server is not what it shows.
		for (const [args, message] of [
			[
				['embedded', 'status', '--dbs.redis', 'redis://10.9.9.9:6379/8'],
				'embedded acts only on the embedded Redis; --dbs.redis does not apply',
			],
			[['embedded', 'status', '--force'], '--force goes with embedded stop, not status'],
			[['embedded', 'stop', '--json'], '--json goes with embedded status, not stop'],
		] as const) {
			expect(await runCli(args, {env})).toMatchObject({exitCode: 2, stdout: '', stderr: `ee-tokens: ${message}`});
		}

		expect(await runCli(['embedded', 'staus'], {env})).toMatchObject({
			exitCode: 2,
			stderr: 'ee-tokens: Unknown embedded subcommand "staus"; did you mean status? Use ee-tokens embedded status|stop',
		});
		expect(await runCli(['embedded', 'status', 'extra'], {env})).toMatchObject({exitCode: 2});
	});
});
