/**
 * The terminal around the app: the alternate screen, bracketed paste and raw mode (through the
 * terminal reader) on the way in, and the user's screen, cursor, paste mode and cooked mode back
 * on every way out (quit, Ctrl-C, SIGTERM, SIGINT, SIGHUP, a crash, the reader giving up).
 */
import {oneLine} from '../tokens/index.js';
import {BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON} from './key-parser.js';
import {type TtyInput, startTtyInput} from './tty-input.js';

export const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';
/** Everything the app turns on, and everything that turns it off again. */
export const ENTER_FULL_SCREEN = ENTER_ALT_SCREEN + BRACKETED_PASTE_ON;
export const LEAVE_FULL_SCREEN = BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN;
/** Erase the whole screen (and, outside the alternate screen, the scrollback) and home the cursor. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[3J\u001B[H';

type Stream = NodeJS.WriteStream;

export type FullScreen = {
	/** The terminal's keys (raw mode is on while the app runs). */
	input: TtyInput;
	/** Idempotent: leaves the alternate screen, paste and raw mode, and removes the process hooks. */
	restore: () => void;
};

export type StartInput = (options: {restore: string; onLost: (error: unknown) => void}) => TtyInput;

/**
 * `ownsProcess` false: the terminal is not this process's own (an app a test runs in its own
 * process, on a terminal of its making): nothing is hooked on `process` and nothing ends it.
 */
export function enterFullScreen(
	stdout: Stream = process.stdout,
	startInput: StartInput = startTtyInput,
	{ownsProcess = true} = {},
): FullScreen {
	let restored = false;
	const restore = () => {
		if (restored) {
			return;
		}

		restored = true;
		try {
			input.stop();
		} catch {
			// The reader is gone already; there is nothing left of it to stop.
		}

		try {
			stdout.write(LEAVE_FULL_SCREEN);
		} catch {
			// The terminal is gone (hung up): nothing to give back.
		}

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

	// Ctrl-C is a key in raw mode (and the reader's to enforce); SIGINT is `kill -INT` from elsewhere.
	const hooks: Array<[string, (error: unknown) => void]> = ownsProcess
		? [
				['exit', () => restore()],
				['SIGTERM', onSignal(143)],
				['SIGHUP', onSignal(129)],
				['SIGINT', onSignal(130)],
				['uncaughtException', onCrash],
				['unhandledRejection', onCrash],
			]
		: [];
	for (const [event, handler] of hooks) {
		process.on(event, handler);
	}

	stdout.write(ENTER_FULL_SCREEN);
	const input = startInput({
		restore: LEAVE_FULL_SCREEN,
		onLost: error => (ownsProcess ? onCrash(new Error(`lost the terminal's input: ${oneLine(error)}`)) : restore()),
	});
	return {input, restore};
}
