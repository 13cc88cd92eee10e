import pty from '@lydell/node-pty';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {CLI, runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {cellOf, modernTerminal, screenLines, writeAsync} from '../ui/helpers/xterm.js';

export const EMOJI_DESCRIPTIONS = ['🚀 deploy bot', '✅ checks ⚡ fast ☕', 'family 👨\u200D👩\u200D👧 bot'];

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
	const store = new TokenStore(redis.client(), '');
	await store.issue({
		description: 'A rather long description of what this token is for, in words',
		scopes: ['api', 'metrics', 'smtp'],
		account: 'an-account-id-that-is-long',
	});
	await store.issue({description: '請求書の自動送信サービス用トークン（本番環境）', scopes: ['smtp']});
	await store.issue({description: 'evil\u001B]0;owned\u0007\u001B[2J', scopes: ['*']});
	for (const description of EMOJI_DESCRIPTIONS) {
		await store.issue({description, scopes: ['metrics']});
	}
});
afterAll(async () => redis.stop());

/**
 * `ee-tokens list` on a terminal of the given width: what it printed, and the screen it drew. The
 * real binary under a pty for one width (that `list` sees a terminal, and its width, only a process
 * shows); in-process, with stdout saying it is a terminal that wide, for the others.
 */
async function listOnTerminal(columns: number, real: boolean) {
	let output = '';
	if (real) {
		const child = pty.spawn(process.execPath, [CLI, 'list', `--dbs.redis=${redis.url()}`], {
			cols: columns,
			rows: 20,
			env: {PATH: process.env['PATH'] ?? ''},
		});
		child.onData(data => {
			output += data;
		});
		await new Promise<void>(resolve => {
			child.onExit(() => resolve());
		});
	} else {
		const result = await runInProcess(['list', `--dbs.redis=${redis.url()}`], {terminalColumns: columns});
		expect(result.exitCode, result.stderr).toBe(0);
		// The terminal's line discipline turns each newline into CR LF; stderr shares the screen.
		output = `${result.stdout}\n${result.stderr}\n`.replaceAll('\n', '\r\n');
	}

	const terminal = modernTerminal({cols: columns, rows: 20});
	await writeAsync(terminal, output);
	return {output, terminal, lines: screenLines(terminal).filter(Boolean)};
}

describe('list on a terminal', () => {
	it.each([
		[50, 'in-process', false],
		[80, 'a real pty', true],
		[120, 'in-process', false],
	])(
		'fits %i columns (%s): one screen line per row, wider windows show more, columns aligned whatever the emoji',
		async (columns, _how, real) => {
			const {output, terminal, lines} = await listOnTerminal(columns, real);
			expect(lines[0]).toMatch(/^Id\s+Description\s+Scopes/);
			// 6 tokens, a header and the count: a row wider than the terminal would wrap onto a 9th line.
			expect(lines).toHaveLength(8);
			expect(output.includes('Created')).toBe(columns >= 120);
			// The hostile description is inert: no escape sequence reaches the terminal.
			expect(output).not.toContain('\u001B');
			expect(output).toContain('evil');
			// The column after the description starts in the same cell on every row, emoji or not.
			const scopes = cellOf(terminal, 0, 'Scopes');
			for (const [row, line] of lines.entries()) {
				if (/metrics|smtp|all scopes|api/.test(line)) {
					expect(
						terminal.buffer.active
							.getLine(row)!
							.getCell(scopes - 1)!
							.getChars() || ' ',
						line,
					).toBe(' ');
					expect(terminal.buffer.active.getLine(row)!.getCell(scopes)!.getChars(), line).not.toBe('');
				}
			}

			for (const description of EMOJI_DESCRIPTIONS) {
				const row = lines.findIndex(line => line.includes(description.split(' ')[0]!));
				expect(row, description).toBeGreaterThan(0);
				expect(cellOf(terminal, row, 'metrics'), lines[row]).toBe(scopes);
			}
		},
	);
});
