import {execa} from 'execa';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {tokenIdOf} from '../../source/tokens/index.js';
import {CLI, runCli} from '../helpers/cli.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';
import {startServe} from '../helpers/serve.js';

/**
 * The built binary, spawned: one smoke run per command, and what only a process shows (its exit
 * code, the environment it inherits, no terminal on stdin, a pipe between two runs). Everything
 * else about the commands runs in-process (runInProcess) in the other files of test/commands;
 * EPIPE and flushing are in pipes.test.ts, the terminal cases under a pty in token-stdin.test.ts
 * and list-tty.test.ts, what gets loaded in no-ui-imports.test.ts, signals in
 * test/server/serve-cli.test.ts and the embedded Redis in test/store/embedded.test.ts.
 */
let redis: TestRedis;
let db8: string;
beforeAll(async () => {
	redis = await startRedis();
	db8 = `--dbs.redis=${redis.url(8)}`;
});
afterAll(async () => redis.stop());

// Each case is a few process starts and waits on them: the cases run side by side.
describe.concurrent('every command, once, as a process', () => {
	it('issue, list, show, export, import (through a shell pipe), revoke', async ({expect}) => {
		const issued = await runCli(['issue', '-d', 'smoke', '-s', 'api', db8]);
		expect(issued.exitCode, issued.stderr).toBe(0);
		const id = tokenIdOf(issued.stdout.trim());

		const listed = await runCli(['list', '--json', db8]);
		expect(listed.exitCode, listed.stderr).toBe(0);
		expect((JSON.parse(listed.stdout) as Array<{id: string}>).map(entry => entry.id)).toEqual([id]);

		const shown = await runCli(['show', '-t', id, db8]);
		expect(shown.exitCode, shown.stderr).toBe(0);
		expect(shown.stdout).toMatch(/description\s+smoke/);

		// export | import between two databases, as the README shows it.
		const piped = await execa('sh', ['-c', `node "${CLI}" export --all "${db8}" | node "${CLI}" import -t - --dbs.redis=${redis.url(9)}`], {
			reject: false,
			extendEnv: false,
			env: {PATH: process.env['PATH'], HOME: process.env['HOME']},
		});
		expect(piped.exitCode, String(piped.stderr)).toBe(0);
		expect(String(piped.stderr)).toBe('Imported 1, already present 0, invalid 0');
		expect(await redis.client(9).hexists('tokens', id)).toBe(1);

		const revoked = await runCli(['revoke', '-t', id, '--yes', db8]);
		expect(revoked.exitCode, revoked.stderr).toBe(0);
		expect(revoked.stderr).toBe(`Revoked token ${id}`);
		expect(await redis.client(8).hexists('tokens', id)).toBe(0);
	});

	it('serve listens, answers, and stops on SIGTERM with exit 0', async ({expect}) => {
		const served = await startServe(redis.url(8));
		const response = await fetch(`${served.base}/health`);
		expect(response.status).toBe(200);
		const stopped = await served.stop();
		expect(stopped.exitCode).toBe(0);
		expect(stopped.lines.at(-1)?.msg).toBe('API server stopped');
	});
});

describe.concurrent('what only a process shows', () => {
	it('the environment it inherits: EENGINE_REDIS and EENGINE_REDIS_PREFIX', async ({expect}) => {
		const issued = await runCli(['issue', '-d', 'env'], {env: {EENGINE_REDIS: redis.url(7), EENGINE_REDIS_PREFIX: 'e2e'}});
		expect(issued.exitCode, issued.stderr).toBe(0);
		expect(await redis.client(7).hexists('e2e:tokens', tokenIdOf(issued.stdout.trim()))).toBe(1);
	});

	it('the exit code of a failure is the documented one, with one line and no stack', async ({expect}) => {
		const dead = `--dbs.redis=redis://127.0.0.1:${await freePort()}/8`;
		const [result, unknown] = await Promise.all([runCli(['list', dead]), runCli(['frobnicate'])]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(/^ee-tokens: Cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+\/8 \(ECONNREFUSED\)$/);
		expect(unknown.exitCode).toBe(2);
	});

	it('--help and --version answer 0; without a command and no terminal, the app refuses with exit 2', async ({expect}) => {
		// For the app, stdin is /dev/null and stdout a pipe: neither is a terminal.
		const [help, version, app] = await Promise.all([runCli(['--help']), runCli(['--version']), runCli([])]);
		expect(help.exitCode).toBe(0);
		expect(help.stdout).toMatch(/Commands/);
		expect(version.exitCode).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
		expect(app.exitCode).toBe(2);
		expect(app.stderr).toMatch(/needs a terminal/);
	});
});
