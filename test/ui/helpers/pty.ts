import pty from '@lydell/node-pty';
import {CLI, NO_CONFIG_HOME} from '../../helpers/cli.js';
import {type HeadlessTerminal, allLines, modernTerminal, screenLines} from './xterm.js';

export type AppProcess = {
	pid: number;
	terminal: HeadlessTerminal;
	/** Every byte the app wrote, for "the secret never reached the terminal after X" checks. */
	output(): string;
	screen(): string;
	lines(): string[];
	/** Screen and scrollback. */
	history(): string;
	write(data: string): void;
	/** Pastes text as a terminal with bracketed paste on does: between ESC[200~ and ESC[201~. */
	paste(text: string): void;
	/**
	 * Sends keys one at a time, each after the app has finished drawing a frame since the one before
	 * (or, for a key that draws nothing, after KEY_DRAW_TIMEOUT_MS), so bursts never merge.
	 */
	type(text: string): Promise<void>;
	resize(columns: number, rows: number): void;
	waitFor(
		predicate: string | RegExp | ((screen: string) => boolean),
		options?: {timeout?: number; message?: string; interval?: number},
	): Promise<string>;
	exited: Promise<{exitCode: number; signal?: number}>;
	kill(signal?: string): void;
};

export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	backspace: '\u007F',
	space: ' ',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	ctrlC: '\u0003',
	ctrlU: '\u0015',
	ctrlW: '\u0017',
	ctrlA: '\u0001',
	ctrlE: '\u0005',
	left: '\u001B[D',
	right: '\u001B[C',
	home: '\u001B[H',
	end: '\u001B[F',
	delete: '\u001B[3~',
} as const;

const sleep = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** How long type() waits for a key's frame before taking it for a key that draws nothing. */
const KEY_DRAW_TIMEOUT_MS = 250;

/** Ink wraps each frame in a synchronized update (mode 2026): these begin and end one. */
const FRAME_START = '\u001B[?2026h';
const FRAME_END = '\u001B[?2026l';

/** How the screen's side of a harness reaches the app: keys in, a new size, and its end. */
export type AppLink = {
	pid: number;
	send: (data: string) => void;
	resize: (columns: number, rows: number) => void;
	exited: Promise<{exitCode: number; signal?: number}>;
	kill: (signal?: string) => void;
};

/**
 * The screen a person would see, rebuilt by @xterm/headless from the bytes the app writes (`feed`
 * each as it comes), and keys typed as a person types them: what both harnesses share, the pty
 * (spawnApp) and the app run in the test's own process (in-process-app.ts).
 */
export function watchApp(
	terminal: HeadlessTerminal,
	link: AppLink,
	{keyDrawTimeout = KEY_DRAW_TIMEOUT_MS} = {},
): {app: AppProcess; feed: (data: string) => void} {
	let output = '';
	// Frames the app has finished drawing, and whether one is begun and not finished, as the bytes
	// come (a marker may be split between two reads: the tail of the last read, shorter than a
	// marker, is searched again). Not by searching `output`: it grows to megabytes, and searching
	// the whole of it on every wait was a second of a UI file's CPU.
	let framesDrawn = 0;
	let inFrame = false;
	let tail = '';
	// Waits woken as soon as xterm has parsed new output, instead of at their next poll.
	const woken = new Set<() => void>();
	const feed = (data: string) => {
		output += data;
		const searched = tail + data;
		framesDrawn += searched.split(FRAME_END).length - 1;
		const [lastStart, lastEnd] = [searched.lastIndexOf(FRAME_START), searched.lastIndexOf(FRAME_END)];
		if (lastStart !== lastEnd) {
			inFrame = lastStart > lastEnd;
		}

		tail = searched.slice(-(FRAME_END.length - 1));
		terminal.write(data, () => {
			for (const wake of woken) {
				wake();
			}
		});
	};
	/** Resolves after `ms`, or sooner once new output has been parsed. */
	const outputOrTimeout = async (ms: number) =>
		new Promise<void>(resolve => {
			const done = () => {
				clearTimeout(timer);
				woken.delete(done);
				resolve();
			};

			const timer = setTimeout(done, ms);
			woken.add(done);
		});

	const screen = () => screenLines(terminal).join('\n');
	const frameInProgress = () => inFrame;
	const waitFor: AppProcess['waitFor'] = async (predicate, {timeout = 20_000, message, interval = 50} = {}) => {
		const test =
			typeof predicate === 'string'
				? (text: string) => text.includes(predicate)
				: predicate instanceof RegExp
					? (text: string) => predicate.test(text)
					: predicate;
		const deadline = Date.now() + timeout;
		for (;;) {
			// Let xterm finish parsing what has arrived.
			await new Promise<void>(resolve => {
				terminal.write('', resolve);
			});
			const text = screen();
			// Ink wraps each frame in a synchronized update (mode 2026); a terminal that honours it
			// shows only whole frames, so a screen read in the middle of one is not what a person sees.
			if (!frameInProgress() && test(text)) {
				return text;
			}

			if (Date.now() > deadline) {
				throw new Error(`Timed out waiting for ${message ?? String(predicate)}; screen:\n${text}`);
			}

			await outputOrTimeout(interval);
		}
	};

	const app: AppProcess = {
		pid: link.pid,
		terminal,
		output: () => output,
		screen,
		lines: () => screenLines(terminal),
		history: () => allLines(terminal).join('\n'),
		write: data => link.send(data),
		paste: text => link.send(`\u001B[200~${text}\u001B[201~`),
		async type(text) {
			// Escape sequences (arrows, pages) go whole; everything else one character at a time.
			for (const key of text.match(/\u001B\[[0-9;]*[@-~]|[\s\S]/gu) ?? []) {
				const before = framesDrawn;
				link.send(key);
				const deadline = Date.now() + keyDrawTimeout;
				while ((framesDrawn === before || frameInProgress()) && Date.now() < deadline) {
					await sleep(5);
				}
			}
		},
		resize(columnsNext, rowsNext) {
			link.resize(columnsNext, rowsNext);
			terminal.resize(columnsNext, rowsNext);
		},
		waitFor,
		exited: link.exited,
		kill: link.kill,
	};
	return {app, feed};
}

/**
 * The built CLI under a real pty, its screen rebuilt by @xterm/headless. CI=false because Ink
 * renders only the last frame under CI=true. `script` runs another Node script the same way (the
 * bench's bare Ink baselines). For what only a real terminal and process show (raw mode, signals,
 * colour, the terminal given back, the process's own working directory); the rest runs in-process
 * (in-process-app.ts), on the same screen.
 */
export function spawnApp(
	args: string[],
	{
		columns = 120,
		rows = 35,
		env = {},
		cwd = process.cwd(),
		script = CLI,
	}: {columns?: number; rows?: number; env?: Record<string, string>; cwd?: string; script?: string} = {},
): AppProcess {
	const terminal = modernTerminal({cols: columns, rows, scrollback: 1000});
	const child = pty.spawn(process.execPath, [script, ...args], {
		name: 'xterm-256color',
		cols: columns,
		rows,
		cwd,
		// supports-color turns colour off whenever CI is set at all (even to false): FORCE_COLOR puts
		// it back, as a user's terminal would have it. NO_COLOR still wins (the entry maps it).
		env: {
			PATH: process.env['PATH'] ?? '',
			HOME: process.env['HOME'] ?? '/tmp',
			// No config file unless the test writes one (the developer's named instances stay out).
			XDG_CONFIG_HOME: NO_CONFIG_HOME,
			CI: 'false',
			TERM: 'xterm-256color',
			FORCE_COLOR: '2',
			...env,
		},
	});
	const {app, feed} = watchApp(terminal, {
		pid: child.pid,
		send: data => child.write(data),
		resize: (columnsNext, rowsNext) => child.resize(columnsNext, rowsNext),
		exited: new Promise(resolve => {
			child.onExit(resolve);
		}),
		kill(signal = 'SIGTERM') {
			try {
				child.kill(signal);
			} catch {}
		},
	});
	child.onData(feed);
	return app;
}
