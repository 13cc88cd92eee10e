import pty from '@lydell/node-pty';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {textWidth} from '../../source/tokens/index.js';
import {CLI} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	const store = new TokenStore(redis.client(), '');
	await store.issue({description: 'A rather long description of what this token is for, in words', scopes: ['api', 'metrics', 'smtp'], account: 'an-account-id-that-is-long'});
	await store.issue({description: '請求書の自動送信サービス用トークン（本番環境）', scopes: ['smtp']});
	await store.issue({description: 'evil\u001B]0;owned\u0007\u001B[2J', scopes: ['*']});
});
afterAll(async () => redis.stop());

/** `ee-tokens list` on a real terminal of the given width; the text it printed. */
async function listOnTerminal(columns: number): Promise<string> {
	const child = pty.spawn(process.execPath, [CLI, 'list', `--dbs.redis=${redis.url()}`], {cols: columns, rows: 20, env: {PATH: process.env['PATH'] ?? ''}});
	let output = '';
	child.onData(data => {
		output += data;
	});
	await new Promise<void>(resolve => {
		child.onExit(() => resolve());
	});
	return output;
}

describe('list on a terminal', () => {
	it.each([50, 80, 120])('fits %i columns: every line within the width, wider windows show more', async columns => {
		const output = await listOnTerminal(columns);
		const lines = output.split(/\r?\n/).filter(Boolean);
		expect(lines[0]).toMatch(/^Id\s+Description\s+Scopes/);
		for (const line of lines) {
			expect(textWidth(line), line).toBeLessThanOrEqual(columns);
		}

		expect(output.includes('Created')).toBe(columns >= 120);
		// The hostile description is inert: no escape sequence reaches the terminal.
		expect(output).not.toContain('\u001B');
		expect(output).toContain('evil');
	});
});
