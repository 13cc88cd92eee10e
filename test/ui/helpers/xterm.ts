import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';
import xterm from '@xterm/headless';
import {eastAsianWidth} from 'get-east-asian-width';
import {render} from 'ink';
import type {ReactElement} from 'react';

const {Terminal} = xterm;
export type HeadlessTerminal = InstanceType<typeof Terminal>;

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const AFTER_ZWJ = 1;
const IN_PICTOGRAPH = 2;

/**
 * The cell widths of a modern terminal (tmux 3.3 here, kitty, WezTerm, iTerm2…), which xterm.js's
 * built-in Unicode 6 tables predate: East Asian Wide and Fullwidth characters two cells, so 🚀 ✅ ⚡
 * ☕ are two; marks and format characters none; a pictograph joined to the one before it by ZWJ
 * (👨‍👩‍👧) drawn in the first one's cells. Independent of string-width, which the app measures with:
 * this is the terminal the app's widths must agree with.
 */
const modernWidths = {
	version: 'modern',
	wcwidth(codepoint: number): 0 | 1 | 2 {
		if (codepoint < 32 || (codepoint >= 0x7f && codepoint < 0xa0)) {
			return 0;
		}

		return ZERO_WIDTH.test(String.fromCodePoint(codepoint)) ? 0 : (eastAsianWidth(codepoint) as 1 | 2);
	},
	charProperties(codepoint: number, preceding: number): number {
		// xterm's packing: state << 3 | width << 1 | shouldJoin.
		let width: number = modernWidths.wcwidth(codepoint);
		const before = (preceding >> 1) & 3;
		const state = preceding >> 3;
		const joins =
			preceding !== 0 &&
			before !== 0 &&
			(width === 0 || ((state & AFTER_ZWJ) !== 0 && (state & IN_PICTOGRAPH) !== 0 && PICTOGRAPHIC.test(String.fromCodePoint(codepoint))));
		if (joins) {
			width = Math.max(width, before);
		}

		const pictograph = joins ? state & IN_PICTOGRAPH : PICTOGRAPHIC.test(String.fromCodePoint(codepoint)) ? IN_PICTOGRAPH : 0;
		return ((pictograph | (codepoint === 0x20_0d ? AFTER_ZWJ : 0)) << 3) | (width << 1) | (joins ? 1 : 0);
	},
};

/** A headless terminal that counts cells as a modern terminal does (see modernWidths). */
export function modernTerminal(options: ConstructorParameters<typeof Terminal>[0] = {}): HeadlessTerminal {
	const terminal = new Terminal({allowProposedApi: true, ...options});
	terminal.unicode.register(modernWidths);
	terminal.unicode.activeVersion = modernWidths.version;
	return terminal;
}

/** The screen of a headless terminal as lines of text (trailing spaces trimmed). */
export function screenLines(terminal: HeadlessTerminal): string[] {
	const buffer = terminal.buffer.active;
	const lines: string[] = [];
	for (let row = 0; row < terminal.rows; row++) {
		lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
	}

	return lines;
}

/**
 * The text a person gets selecting rows `first` to `last` of the screen, as xterm.js copies a
 * selection (and tmux, and most terminals): a row the terminal wrapped onto joins the one before
 * it; any other row ends in a line break; trailing blanks dropped.
 */
export function selectedText(terminal: HeadlessTerminal, first: number, last: number): string {
	const buffer = terminal.buffer.active;
	let text = '';
	for (let row = first; row <= last; row++) {
		const line = buffer.getLine(buffer.viewportY + row);
		if (row > first && !line?.isWrapped) {
			text += '\n';
		}

		text += line?.translateToString(true) ?? '';
	}

	return text;
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
	const terminal = modernTerminal({cols: columns, rows, convertEol: true});
	const stdout = new TerminalStdout(terminal, columns, rows);
	const stdin = Object.assign(new EventEmitter(), {
		isTTY: false,
		setRawMode() {},
		setEncoding() {},
		read: () => null,
		ref() {},
		unref() {},
		resume() {},
		pause() {},
	});
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

/**
 * The cell (screen column) where `text` starts on a line of the screen, or -1: where a column
 * really is on a terminal, whatever the string offsets of the characters before it.
 */
export function cellOf(terminal: HeadlessTerminal, row: number, text: string): number {
	const buffer = terminal.buffer.active;
	const line = buffer.getLine(buffer.viewportY + row);
	if (!line) {
		return -1;
	}

	let joined = '';
	const cellAt: number[] = [];
	for (let column = 0; column < terminal.cols; column++) {
		const cell = line.getCell(column);
		if (!cell || cell.getWidth() === 0) {
			continue;
		}

		const chars = cell.getChars() || ' ';
		for (let offset = 0; offset < chars.length; offset++) {
			cellAt.push(column);
		}

		joined += chars;
	}

	const offset = joined.indexOf(text);
	return offset === -1 ? -1 : cellAt[offset]!;
}
