/**
 * The terminal around the app: the alternate screen buffer on the way in, and the user's screen,
 * cursor and cooked mode back on every way out (quit, Ctrl-C, SIGTERM, SIGINT, SIGHUP, a crash).
 */
export const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';
/** Erase the whole screen (and, outside the alternate screen, the scrollback) and home the cursor. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[3J\u001B[H';

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

		process.off('exit', onExit);
		process.off('SIGTERM', onTerm);
		process.off('SIGHUP', onHup);
		process.off('SIGINT', onInt);
		process.off('uncaughtException', onCrash);
		process.off('unhandledRejection', onCrash);
	};

	const onExit = () => restore();
	const onSignal = (code: number) => () => {
		restore();
		process.exit(code);
	};

	const onTerm = onSignal(143);
	const onHup = onSignal(129);
	// Ctrl-C is a key in raw mode; this is `kill -INT` from elsewhere.
	const onInt = onSignal(130);
	const onCrash = (error: unknown) => {
		restore();
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`ee-tokens: unexpected error: ${message.replaceAll(/\s*\n\s*/g, ' ')}\n`);
		process.exit(1);
	};

	process.on('exit', onExit);
	process.on('SIGTERM', onTerm);
	process.on('SIGHUP', onHup);
	process.on('SIGINT', onInt);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	stdout.write(ENTER_ALT_SCREEN);
	return {restore};
}
