import {PassThrough} from 'node:stream';
import {type Resolution, loadSummaryTable, loadSummaryTableWithHead, maskRedisUrl, openStore} from '../store/index.js';
import type {Environment} from './hooks/use-environment.js';
import type {FirstReads, TokenSource} from './hooks/use-tokens.js';
import type {RequestChecks} from './state/request-check.js';
import {APP_LISTING, HEAD_ROWS} from './state/rows.js';
import {keepYoungGenerationSmall} from './young-generation.js';

/**
 * The full-screen app: connect (persistent: Redis going away later is a banner, not a crash),
 * enter the alternate screen, run until quit, and always give the terminal back. Returns the
 * exit code; a failure to connect at start is thrown for the CLI to report.
 *
 * React and Ink load while Redis connects and the first token list is read, so the first screen
 * costs the slower of the two, not their sum.
 */
/**
 * The connection the entry resolved (source/config/: --dbs.redis, --instance, the environment, the
 * config file's default): the app may not read the config file itself (docs/architecture.md).
 */
export type AppConnection = {
	resolution: Resolution;
	instance?: {name: string; color?: string};
	readOnly: {instance: boolean; flag: boolean};
	/** Said on stderr before the app starts, and on its screen until the first key. */
	warnings?: readonly string[];
};

/** The picker's side of the entry: the config file's instances, and each resolved when picked. */
export type AppInstances = {
	choices: ReadonlyArray<{name: string; color?: string; readOnly: boolean; redis: string}>;
	path: string;
	unavailable?: string;
	resolve: (name: string) => AppConnection;
};

/**
 * The terminal the app runs on: the process's own (stdout, the keys read from stdin by the reader
 * thread, its signals hooked), or one a test made in its own process, whose keys it types.
 */
export type AppTerminal = {
	stdout: NodeJS.WriteStream;
	/** Where the notices said before the app starts go. */
	stderr: {write: (text: string) => unknown};
	/** The entry's environment: the embedded Redis's directory, the journal's, the clipboard's. */
	env: Environment;
	/** The working directory (the export dialog's file); this process's when not given. */
	cwd?: string;
	/**
	 * The keys: the process's own stdin (read by the reader thread, the process's signals hooked),
	 * or a stream of this process, read as it is and nothing hooked on `process`.
	 */
	stdin: NodeJS.ReadableStream;
};

/** A connection opened for the app: its store, and what the header and the table read from it. */
async function openSession(connection: AppConnection, env: Environment, notify: (message: string) => void) {
	const opened = await openStore({
		env,
		resolution: connection.resolution,
		persistent: true,
		notify,
		clientName: 'app',
	});
	const source: TokenSource = {
		// Unreadable records are rows of their own, so they can be seen and revoked here.
		all: async previous => (await loadSummaryTable(opened.store, opened.target, APP_LISTING, undefined, previous)).table,
		head: async count => opened.store.head(count, APP_LISTING),
	};
	// A screenful of rows first, read while React and Ink load: the screen shows them while the
	// whole table (read by a short-lived child process when it is large) is on its way.
	const {head, all} = loadSummaryTableWithHead(opened.store, opened.target, APP_LISTING, HEAD_ROWS);
	const first: FirstReads = {head, all: async () => (await all()).table};
	return {
		opened,
		session: {
			store: opened.store,
			endpoint: maskRedisUrl(opened.target.url),
			// Failures say what happened at which Redis ("did not answer within 10 s"), as the CLI's do.
			target: opened.target,
			prefix: opened.target.prefix,
			source,
			first,
			...(connection.instance ? {instance: connection.instance} : {}),
			readOnly: connection.readOnly,
		},
	};
}

export async function runApp(options: {
	connection: AppConnection;
	/** The request check's answers (t), from the entry: the app may not import server/. */
	checks: RequestChecks;
	/** The instance picker (p), from the entry: the app may not read the config file. */
	instances?: AppInstances;
	terminal: AppTerminal;
}): Promise<number> {
	const {terminal} = options;
	// React's development build times every render into the performance timeline and walks the
	// changed props (our 100,000-row data) to describe them: seconds of work. Production unless the
	// developer asks otherwise. Set before React loads; nothing else in the process reads it.
	process.env['NODE_ENV'] ??= 'production';
	const modules = Promise.all([import('react'), import('ink'), import('./app.js'), import('./terminal.js'), import('./stream-input.js')]);
	// An early failure of the module load must not be an unhandled rejection while we connect.
	modules.catch(() => {});
	const notices: string[] = [];
	const started = await openSession(options.connection, terminal.env, message => notices.push(message));
	// The connection in use, closed when the app ends; a switch replaces it.
	let opened = started.opened;
	// Set once the app has ended: a switch still on its way then closes what it opened.
	let ended = false;
	for (const notice of notices) {
		terminal.stderr.write(`${notice}\n`);
	}

	const instances = options.instances && {
		choices: options.instances.choices,
		path: options.instances.path,
		...(options.instances.unavailable ? {unavailable: options.instances.unavailable} : {}),
		async openForCopy(name: string) {
			// Another instance, for a copy (C): the app stays where it is. A command's connection:
			// a Redis that is away is an error to show, not one to wait for.
			const connection = options.instances!.resolve(name);
			if (connection.readOnly.instance || connection.readOnly.flag) {
				throw new Error(`${name} is read-only: copying would write to it`);
			}

			const target = await openStore({env: terminal.env, resolution: connection.resolution, clientName: 'app'});
			return {store: target.store, close: async () => target.close()};
		},
		async open(name: string) {
			// Opened before the old one is let go: a switch that fails leaves the app where it was.
			const next = await openSession(options.instances!.resolve(name), terminal.env, () => {});
			if (ended) {
				// The app ended while it was opened (Ctrl-C during "Switching…"): nothing will close it after.
				await next.opened.close(false);
				throw new Error('the app has ended');
			}

			const previous = opened;
			opened = next.opened;
			await previous.close();
			return next.session;
		},
	};

	let restore = () => {};
	try {
		// React by its default export: the bundle gives a CommonJS module's exports only as the default.
		const [{default: React}, {render}, {App}, {enterFullScreen}, {streamInput}] = await modules;
		const ownsProcess = terminal.stdin === process.stdin;
		const screen = enterFullScreen(terminal.stdout, ownsProcess ? undefined : streamInput(terminal.stdin), {ownsProcess});
		restore = screen.restore;
		await screen.input.ready;
		if (ownsProcess) {
			keepYoungGenerationSmall();
		}

		const instance = render(
			React.createElement(App, {
				...started.session,
				input: screen.input,
				checks: options.checks,
				env: terminal.env,
				...(terminal.cwd === undefined ? {} : {cwd: terminal.cwd}),
				...(instances ? {instances} : {}),
				...(options.connection.warnings?.length
					? {warning: options.connection.warnings.map(line => line.replace(/^ee-tokens: /, '')).join(' ')}
					: {}),
			}),
			// The app reads the terminal itself (screen.input): Ink gets a stdin it never reads.
			// console is patched only in a process of the app's own.
			{
				exitOnCtrlC: false,
				patchConsole: ownsProcess,
				maxFps: 60,
				stdout: terminal.stdout,
				stdin: new PassThrough() as unknown as NodeJS.ReadStream,
			},
		);
		await instance.waitUntilExit();
		return 0;
	} finally {
		ended = true;
		restore();
		await opened.close();
	}
}
