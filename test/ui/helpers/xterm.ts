import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';
import xterm from '@xterm/headless';
import {render} from 'ink';
import type {ReactElement} from 'react';

const {Terminal} = xterm;
export type HeadlessTerminal = InstanceType<typeof Terminal>;

/** The screen of a headless terminal as lines of text (trailing spaces trimmed). */
export function screenLines(terminal: HeadlessTerminal): string[] {
	const buffer = terminal.buffer.active;
	const lines: string[] = [];
	for (let row = 0; row < terminal.rows; row++) {
		lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
	}

	return lines;
}

/** Every line the terminal holds, scrollback included. */
export function allLines(terminal: HeadlessTerminal): string[] {
	const buffer = terminal.buffer.active;
	const lines: string[] = [];
	for (let row = 0; row < buffer.length; row++) {
		lines.push(buffer.getLine(row)?.translateToString(true) ?? '');
	}

	return lines;
}

export const writeAsync = async (terminal: HeadlessTerminal, data: string) =>
	new Promise<void>(resolve => {
		terminal.write(data, resolve);
	});

/** A fake TTY stdout whose bytes go into an xterm terminal. */
class TerminalStdout extends Writable {
	isTTY = true;
	pending: Promise<void> = Promise.resolve();

	constructor(
		readonly terminal: HeadlessTerminal,
		public columns: number,
		public rows: number,
	) {
		super();
	}

	override _write(chunk: Buffer, _encoding: string, callback: () => void) {
		this.pending = this.pending.then(async () => writeAsync(this.terminal, chunk.toString()));
		callback();
	}
}

/**
 * Renders an Ink element (a view without input hooks) into a headless xterm terminal, so a test
 * reads the screen a person would see.
 */
export async function renderToTerminal(element: ReactElement, {columns = 100, rows = 30} = {}) {
	const terminal = new Terminal({cols: columns, rows, allowProposedApi: true, convertEol: true});
	const stdout = new TerminalStdout(terminal, columns, rows);
	const stdin = Object.assign(new EventEmitter(), {isTTY: false, setRawMode() {}, setEncoding() {}, read: () => null, ref() {}, unref() {}, resume() {}, pause() {}});
	const instance = render(element, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		patchConsole: false,
		exitOnCtrlC: false,
	});
	const settle = async () => {
		await new Promise(resolve => setTimeout(resolve, 50));
		await stdout.pending;
	};

	await settle();
	return {
		terminal,
		lines: () => screenLines(terminal),
		text: () => screenLines(terminal).join('\n'),
		async rerender(next: ReactElement) {
			instance.rerender(next);
			await settle();
		},
		unmount() {
			instance.unmount();
			terminal.dispose();
		},
	};
}
