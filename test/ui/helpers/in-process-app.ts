import {PassThrough, Writable} from 'node:stream';
import {main} from '../../../source/commands/main.js';
import {NO_CONFIG_HOME} from '../../helpers/cli.js';
import {type AppProcess, watchApp} from './pty.js';
import {modernTerminal} from './xterm.js';

/** What a terminal does to what a program writes (onlcr): each newline starts its line again. */
const asTerminalShows = (text: string) => text.replaceAll(/\r?\n/g, '\r\n');

/** A terminal's output side: Ink reads its size and hears its resizes here. */
class TerminalOutput extends Writable {
	readonly isTTY = true;

	constructor(
		public columns: number,
		public rows: number,
		private readonly onText: (text: string) => void,
	) {
		super({decodeStrings: false});
	}

	override _write(chunk: Buffer | string, _encoding: string, callback: () => void) {
		this.onText(asTerminalShows(chunk.toString()));
		callback();
	}
}

/**
 * The app as `ee-tokens [flags]` starts it (main(): the flags, the config, the connection), run in
 * the test's own process on a terminal of the test's making, its screen read as spawnApp reads a
 * pty's: the same AppProcess, about a second less of CPU per start (no Node to boot, nothing to
 * load again). Keys arrive as the bytes a terminal sends, through the stdin main() is given.
 * What needs a real terminal or a process of its own stays on spawnApp: raw mode and the
 * reader thread, signals, the terminal given back on a crash, colour (chalk's level is this
 * process's). Its working directory is the one it is given (`cwd`), as main() takes one. `kill`
 * is Ctrl-C (nothing else can end it here): await `exited` after it when the next test must not
 * share the Redis with it.
 */
export function startApp(
	args: string[],
	{columns = 120, rows = 35, env = {}, cwd}: {columns?: number; rows?: number; env?: Record<string, string>; cwd?: string} = {},
): AppProcess {
	const terminal = modernTerminal({cols: columns, rows, scrollback: 1000});
	let feed: (text: string) => void = () => {};
	const stdout = new TerminalOutput(columns, rows, text => feed(text));
	// stderr is the same terminal, as on a pty.
	const stderr = new TerminalOutput(columns, rows, text => feed(text));
	const stdin = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => stdin});
	let ended = false;
	const exited = main(args, {
		stdin,
		stdout,
		stderr,
		env: {
			PATH: process.env['PATH'],
			HOME: process.env['HOME'],
			// No config file unless the test writes one (the developer's named instances stay out).
			XDG_CONFIG_HOME: NO_CONFIG_HOME,
			TERM: 'xterm-256color',
			...env,
		},
		...(cwd === undefined ? {} : {cwd}),
		now: Date.now,
		// Only serve and log --follow ask; the app ends on its keys.
		stopRequested: async () => new Promise<string>(() => {}),
	}).then(
		exitCode => {
			ended = true;
			return {exitCode};
		},
		(error: unknown) => {
			ended = true;
			stderr.write(`in-process app threw: ${String(error)}\n`);
			return {exitCode: 1};
		},
	);
	const watched = watchApp(
		terminal,
		{
			pid: process.pid,
			send(data) {
				if (!ended) {
					stdin.write(data);
				}
			},
			resize(columnsNext, rowsNext) {
				for (const output of [stdout, stderr]) {
					output.columns = columnsNext;
					output.rows = rowsNext;
				}

				stdout.emit('resize');
			},
			exited,
			kill() {
				if (!ended) {
					stdin.write('\u0003');
				}
			},
		},
		// A key that draws nothing is done with well within this: the app runs on this thread, and
		// what a key does here (its 0 ms turn in the key queue, React's render, Ink's 16 ms frame
		// throttle) is timers that fall due before this wait's own. Under a pty the app is another
		// process on a shared machine: 250 ms.
		{keyDrawTimeout: 60},
	);
	feed = watched.feed;
	return watched.app;
}
