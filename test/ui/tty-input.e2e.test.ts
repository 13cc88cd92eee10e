import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from '@lydell/node-pty';
import {describe, expect, it} from 'vitest';

/**
 * The app's terminal reader (dist/tty-input.js, a worker thread) under a main thread that
 * stops answering, as a long synchronous render or load would: Ctrl-C still gives the terminal
 * back and ends the process; a Ctrl-C inside a paste is text, and ends nothing.
 */
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers/busy-input.mjs');

function run(env: Record<string, string>) {
	const child = pty.spawn(process.execPath, [SCRIPT], {cols: 80, rows: 10, env: {PATH: process.env['PATH'] ?? '', ...env}});
	let output = '';
	const seen: Array<{text: string; resolve: () => void}> = [];
	child.onData(data => {
		output += data;
		for (const waiting of seen.filter(item => output.includes(item.text))) {
			waiting.resolve();
		}
	});
	return {
		child,
		output: () => output,
		exited: new Promise<{exitCode: number; signal?: number}>(resolve => {
			child.onExit(resolve);
		}),
		async waitFor(text: string) {
			if (!output.includes(text)) {
				await new Promise<void>(resolve => {
					seen.push({text, resolve});
				});
			}
		},
	};
}

describe('Ctrl-C while the main thread is busy', () => {
	it('gives the terminal back and ends the process: a blocked thread cannot stop it', async () => {
		const busy = run({BLOCK_MS: '0'});
		try {
			await busy.waitFor('ready');
			busy.child.write('block');
			await busy.waitFor('got "block"');
			busy.child.write('\u0003');
			const {signal} = await busy.exited;
			// SIGKILL: the only way to end a thread that never yields; the reader restored the terminal first.
			expect(signal).toBe(9);
			expect(busy.output()).toContain('<restored>ee-tokens: quit (Ctrl-C) while the app was busy');
		} finally {
			busy.child.kill('SIGKILL');
		}
	});

	it('leaves a Ctrl-C pasted as text alone, however long the main thread is busy afterwards', async () => {
		const busy = run({BLOCK_MS: '2000'});
		try {
			await busy.waitFor('ready');
			busy.child.write('\u001B[200~a\u0003b\u001B[201~');
			await busy.waitFor('got "\\u001b[200~a\\u0003b\\u001b[201~"');
			// The block lasts twice the reader's grace period (CTRL_C_GRACE_MS); the process outlives it.
			busy.child.write('block');
			await busy.waitFor('survived');
			expect(busy.output()).not.toContain('<restored>');
		} finally {
			busy.child.kill('SIGKILL');
		}
	});
});
