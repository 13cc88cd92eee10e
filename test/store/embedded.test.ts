import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {Redis} from 'ioredis';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {ensureEmbeddedRedis} from '../../source/store/index.js';
import {tokenIdOf} from '../../source/tokens/index.js';
import {runCli, runInProcess} from '../helpers/cli.js';

/**
 * The embedded server as users meet it: the built CLI with no Redis configured, so it tries the
 * default 127.0.0.1:6379 first. That must be silent here, or these tests would write to whatever
 * listens there.
 */
beforeAll(async () => {
	const answered = await new Promise<boolean>(resolve => {
		const socket = connect(6379, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
	if (answered) {
		throw new Error('Something listens on 127.0.0.1:6379: the embedded-server tests need the default Redis address to be silent');
	}
});

const homes: string[] = [];
afterAll(() => {
	for (const home of homes) {
		rmSync(home, {recursive: true, force: true});
	}
});

/** A fresh XDG_STATE_HOME; the state directory is `<it>/ee-tokens`. */
function freshState(): string {
	const home = mkdtempSync(path.join(tmpdir(), 'eet-'));
	homes.push(home);
	return home;
}

/** Pids of the redis-servers listening on `socket` (redis-server names its socket in its title). */
function serversOn(socket: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}

		try {
			const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (command.startsWith('redis-server') && command.includes(socket)) {
				pids.push(Number(entry));
			}
		} catch {
			// Gone since the listing.
		}
	}

	return pids;
}

/** Ends the servers on `socket` without a chance to save, and waits until they are gone. */
async function killServers(socket: string): Promise<void> {
	for (const pid of serversOn(socket)) {
		process.kill(pid, 'SIGKILL');
	}

	await expect.poll(() => serversOn(socket)).toEqual([]);
}

const started: string[] = [];
afterEach(async () => {
	// Every server a test's CLI runs started is ended, by its pid.
	for (const socket of started.splice(0)) {
		await killServers(socket);
	}
});

const issue = async (state: string, description: string) =>
	runCli(['issue', '-d', description, '-s', 'api'], {env: {XDG_STATE_HOME: state}});

/**
 * Five processes at once per round. `npm test` runs 1 round (five process starts, about 2.5 s of
 * the suite's CPU; at the trust issue's 20 it was a fifth of the whole); `.ci/run` runs the 20 on
 * every change and `npm run fuzz` 100 (EMBEDDED_ROUNDS sets any number): a lost token is the worst
 * failure this tool can have, and a race shows itself only over many rounds, which `npm test` is
 * not the place for.
 */
const ROUNDS = ((value = '1') => {
	// A typo (or an empty value) must not make the CI step run no round and pass.
	if (!/^[1-9]\d*$/.test(value)) {
		throw new Error(`EMBEDDED_ROUNDS must be a positive whole number, not ${JSON.stringify(value)}`);
	}

	return Number(value);
})(process.env['EMBEDDED_ROUNDS']);

describe('concurrent first starts of the embedded Redis', () => {
	it(`five issues at once on a fresh state directory, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}: one server, and every printed token survives a kill -9 and restart`, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const state = freshState();
			const dir = path.join(state, 'ee-tokens');
			const socket = path.join(dir, 'redis.sock');
			started.push(socket);
			const results = await Promise.all(Array.from({length: 5}, async (_, index) => issue(state, `round ${round} #${index}`)));
			const printed = results.filter(result => result.exitCode === 0).map(result => result.stdout.trim());
			expect(
				results.map(result => result.exitCode),
				results.map(result => result.stderr).join('\n'),
			).toEqual([0, 0, 0, 0, 0]);
			expect(results.filter(result => /started the embedded one/.test(result.stderr))).toHaveLength(1);
			expect(serversOn(socket)).toHaveLength(1);

			// Durable before printed: killed without a chance to save, the server's files still hold each one.
			await killServers(socket);

			const again = await ensureEmbeddedRedis(dir);
			expect(again.started).toBe(true);
			const client = new Redis({path: again.socket, db: 8});
			const stored = await client.hkeys('tokens');
			client.disconnect();
			expect(stored.sort()).toEqual(printed.map(token => tokenIdOf(token)).sort());
			await killServers(socket);
		}
	}, 240_000);
});

describe('a running embedded Redis is never replaced', () => {
	it('one that answers MISCONF (its disk failed) stays the only server; the write is exit 3 with its reason, nothing printed', async () => {
		const state = freshState();
		const dir = path.join(state, 'ee-tokens');
		const data = path.join(state, 'data');
		mkdirSync(dir, {recursive: true, mode: 0o700});
		mkdirSync(data);
		const socket = path.join(dir, 'redis.sock');
		started.push(socket);
		// The embedded server's socket, with its data where the test can take the disk away: once
		// its directory is gone a snapshot cannot be written, and Redis refuses writes (and PING).
		await execa('redis-server', [
			'--port',
			'0',
			'--unixsocket',
			socket,
			'--unixsocketperm',
			'700',
			'--dir',
			data,
			'--save',
			'3600 1',
			'--daemonize',
			'yes',
			'--logfile',
			path.join(state, 'log'),
		]);
		const admin = new Redis({path: socket});
		await expect.poll(async () => admin.ping().catch(() => 'not yet')).toBe('PONG');
		rmSync(data, {recursive: true});
		await admin.bgsave();
		await expect.poll(async () => /rdb_last_bgsave_status:err/.test(await admin.info('persistence'))).toBe(true);
		await expect(admin.ping()).rejects.toThrow(/^MISCONF/);
		admin.disconnect();
		const [pid] = serversOn(socket);

		const result = await issue(state, 'on a failed disk');
		expect(result.exitCode).toBe(3);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n').at(-1)).toMatch(
			/^ee-tokens: Redis at unix:\/\/.*redis\.sock\?db=8 refused: disk full or not writable \(MISCONF /,
		);
		expect(serversOn(socket)).toEqual([pid]);
		// Reads still work on it.
		expect((await runCli(['list', '--json'], {env: {XDG_STATE_HOME: state}})).stdout.trim()).toBe('[]');
		expect(serversOn(socket)).toEqual([pid]);
	});
});

describe('a state directory that cannot be used', () => {
	it.each([
		['/proc', 'ENOENT'],
		['a file', 'ENOTDIR'],
		['a file named ee-tokens', 'it is a file, not a directory'],
	])('%s: one line naming the path and the problem, exit 3', async (what, problem) => {
		const home = freshState();
		let state = home;
		if (what === '/proc') {
			state = '/proc';
		} else if (what === 'a file') {
			state = path.join(home, 'file');
			writeFileSync(state, '');
		} else {
			writeFileSync(path.join(home, 'ee-tokens'), '');
		}

		// In this process: no server is started, so nothing here needs the binary's own.
		const result = await runInProcess(['list'], {env: {XDG_STATE_HOME: state}, timeout: 20_000});
		expect(result.exitCode).toBe(3);
		const lines = result.stderr.trim().split('\n');
		expect(lines.at(-1)).toContain(
			`ee-tokens: The state directory ${path.join(state, 'ee-tokens')} cannot be used for the embedded Redis: ${problem}`,
		);
		expect(lines.filter(line => line.startsWith('ee-tokens: The state'))).toHaveLength(1);
		expect(result.stderr).not.toMatch(/unexpected|\n\s+at /);
	});
});
