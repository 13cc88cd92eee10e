/**
 * The terminal around the app: the alternate screen buffer on the way in, and the user's screen,
 * cursor and cooked mode back on every way out (quit, Ctrl-C, SIGTERM, SIGINT, SIGHUP, a crash).
 */
export const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';
/** Erase the whole screen (and, outside the alternate screen, the scrollback) and home the cursor. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[3J\u001B[H';

import {oneLine} from '../tokens/index.js';

type Stream = NodeJS.WriteStream;

export type FullScreen = {
	/** Idempotent: leaves the alternate screen and removes the process hooks. */
	restore(): void;
};

export function enterFullScreen(stdout: Stream = process.stdout, stdin: NodeJS.ReadStream = process.stdin): FullScreen {
	let restored = false;
	const restore = () => {
		if (restored) {
			return;
		}

		restored = true;
		try {
			if (stdin.isTTY) {
				stdin.setRawMode(false);
			}
		} catch {}

		try {
			stdout.write(LEAVE_ALT_SCREEN);
		} catch {}

		for (const [event, handler] of hooks) {
			process.off(event, handler);
		}
	};

	const onSignal = (code: number) => () => {
		restore();
		process.exit(code);
	};

	const onCrash = (error: unknown) => {
		restore();
		process.stderr.write(`ee-tokens: unexpected error: ${oneLine(error)}\n`);
		process.exit(1);
	};

	// Ctrl-C is a key in raw mode; SIGINT is `kill -INT` from elsewhere.
	const hooks: Array<[string, (...args: any[]) => void]> = [
		['exit', () => restore()],
		['SIGTERM', onSignal(143)],
		['SIGHUP', onSignal(129)],
		['SIGINT', onSignal(130)],
		['uncaughtException', onCrash],
		['unhandledRejection', onCrash],
	];
	for (const [event, handler] of hooks) {
		process.on(event, handler);
	}

	stdout.write(ENTER_ALT_SCREEN);
	return {restore};
}
