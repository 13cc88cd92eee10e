import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {CLI} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {seedTokens} from './helpers/seed.js';

/**
 * Copying inside a real tmux (CI installs it, as it does redis-server: .ci/run), with tmux's
 * defaults (no config file: set-clipboard is "external", which ignores an application's OSC 52).
 * What counts is what lands in tmux's paste buffer, read back with `tmux show-buffer`.
 */
const run = promisify(execFile);
const SOCKET = `ee-tokens-test-${process.pid}`;
const tmux = async (...args: string[]) => (await run('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args])).stdout;
const sleep = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitForPane(predicate: (screen: string) => boolean, what: string): Promise<string> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const screen = await tmux('capture-pane', '-p', '-J', '-t', 'app');
		if (predicate(screen)) {
			return screen;
		}

		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for ${what}; pane:\n${screen}`);
		}

		await sleep(100);
	}
}

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	await seedTokens(redis.url());
});
afterAll(async () => {
	await tmux('kill-server').catch(() => undefined);
	await redis.stop();
});

describe('c inside tmux', () => {
	it("puts the export string in tmux's paste buffer, with tmux's defaults, and says so", async () => {
		const command = `env CI=false FORCE_COLOR=0 "${process.execPath}" "${CLI}" --dbs.redis=${redis.url()}`;
		await tmux('new-session', '-d', '-s', 'app', '-x', '80', '-y', '24', command);
		await waitForPane(screen => /\d+ tokens/.test(screen), 'the table');
		await tmux('send-keys', '-t', 'app', 'e');
		const screen = await waitForPane(text => text.includes('Import it elsewhere with'), 'the export dialog');
		const description = /Export “(.+)”/.exec(screen)![1]!;
		await tmux('send-keys', '-t', 'app', 'c');
		await waitForPane(text => text.includes("Copied into tmux's paste buffer"), 'the copy confirmed');
		const client = new Redis(redis.url(), {maxRetriesPerRequest: 1});
		try {
			const store = new TokenStore(client);
			const exported = (await store.exportAll()).find(item => item.record['description'] === description)!;
			expect(await tmux('show-buffer')).toBe(exported.exportString);
			// A second copy replaces the first: one named buffer, not one more automatic buffer per copy
			// (a raw token copied from the shown-once view would otherwise stay in tmux's list).
			await tmux('send-keys', '-t', 'app', 'c');
			await waitForPane(text => text.includes("Copied into tmux's paste buffer"), 'the second copy confirmed');
			expect((await tmux('list-buffers', '-F', '#{buffer_name}')).trim().split('\n')).toEqual(['ee-tokens']);
		} finally {
			client.disconnect();
		}
	});
});
