import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {type TestRedis, freePort, startRedis} from '../helpers/redis.js';
import {serveInProcess} from '../helpers/serve.js';
import {type Stalled, startStalled} from '../helpers/stalled.js';

/**
 * Commands run in the test's process (runInProcess) must leave nothing behind that the next run
 * could see: no listener on `process`, no open connection, nothing read from the test process's
 * own environment or streams.
 */
let redis: TestRedis;
let stalled: Stalled;
beforeAll(async () => {
	redis = await startRedis();
	stalled = await startStalled();
});
afterAll(async () => {
	await stalled.close();
	await redis.stop();
});

const EVENTS = ['SIGINT', 'SIGTERM', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning'] as const;
const listeners = () => EVENTS.map(event => `${event} ${process.listenerCount(event)}`);
const sockets = () => process.getActiveResourcesInfo().filter(resource => resource === 'TCPSocketWrap').length;

describe('an in-process run leaves nothing behind', () => {
	it('no listener on process and no open socket, after commands that succeed, fail, time out and serve', async () => {
		const before = {listeners: listeners(), sockets: sockets()};
		const db8 = `--dbs.redis=${redis.url(8)}`;
		const issued = await runInProcess(['issue', '-d', 'x', db8]);
		expect(issued.exitCode, issued.stderr).toBe(0);
		const outcomes = await Promise.all([
			runInProcess(['list', '--json', db8]),
			runInProcess(['show', '-t', tokenIdOf(issued.stdout), db8]),
			runInProcess(['list', `--dbs.redis=${redis.url(99)}`]),
			runInProcess(['list', `--dbs.redis=redis://127.0.0.1:${await freePort()}/8`]),
			runInProcess(['list', `--dbs.redis=${stalled.url()}`, '--dbs.timeout', '0.2']),
			runInProcess(['import', '-t', '-', db8], {input: 'garbage\n'}),
		]);
		expect(outcomes.map(outcome => outcome.exitCode)).toEqual([0, 0, 3, 3, 3, 5]);
		const served = await serveInProcess(redis.url(8));
		expect((await fetch(`${served.base}/health`)).status).toBe(200);
		expect((await served.stop()).exitCode).toBe(0);
		expect(listeners()).toEqual(before.listeners);
		// Closing sockets finish closing on the next turns of the event loop.
		await expect.poll(sockets, {timeout: 10_000}).toBe(before.sockets);
	});

	it("reads the environment it is given, not the test process's", async () => {
		process.env['EENGINE_REDIS'] = redis.url(6);
		try {
			const issued = await runInProcess(['issue', '-d', 'where'], {env: {EENGINE_REDIS: redis.url(5)}});
			expect(issued.exitCode, issued.stderr).toBe(0);
			expect(await redis.client(5).hexists('tokens', tokenIdOf(issued.stdout))).toBe(1);
			expect(await redis.client(6).dbsize()).toBe(0);
		} finally {
			delete process.env['EENGINE_REDIS'];
		}
	});

	it('runs at the clock it is given', async () => {
		const now = Date.parse('2030-01-02T03:04:05Z');
		const issued = await runInProcess(['issue', '--json', '--expires', '30d', `--dbs.redis=${redis.url(4)}`], {now: () => now});
		expect(JSON.parse(issued.stdout)).toMatchObject({
			created: '2030-01-02T03:04:05.000Z',
			expires: '2030-02-01T03:04:05.000Z',
			description: 'Generated at 2030-01-02T03:04:05.000Z',
		});
		const listed = await runInProcess(['list', `--dbs.redis=${redis.url(4)}`], {now: () => now + 3 * 86_400_000});
		expect(listed.stdout).toMatch(/2030-01-02 03:04 +never +in 27 days$/m);
	});
});
