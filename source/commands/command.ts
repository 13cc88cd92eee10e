import meow, {type Flag, type Result} from 'meow';
import {asRedisError, maskRedisUrl, openStore, type OpenStore} from '../store/index.js';
import {type Connection, readOnlyRefusal, resolveConnection} from '../config/index.js';
import {checkArgv} from './flag-check.js';
import type {GlobalOptions} from './global-flags.js';

/** meow's own flag union, which it does not export under a name. */
export type AnyFlags = Record<
	string,
	| Flag<'string', string>
	| Flag<'string', string[], true>
	| Flag<'boolean', boolean>
	| Flag<'boolean', boolean[], true>
	| Flag<'number', number>
	| Flag<'number', number[], true>
>;

/** A subcommand: its help text, its meow flags and what it does. Thin: parse, call the domain, print. */
export type Command<Flags extends AnyFlags = AnyFlags> = {
	name: string;
	usage: string;
	flags: Flags;
	/** Words the command takes first (`completion bash`, `embedded stop`); cli.input[0] is one of them. */
	subcommands?: readonly string[];
	// Method syntax on purpose: parameters of methods are bivariant, so a command of any flags is a
	// Command<AnyFlags> in the registry.
	run(cli: Result<Flags>, context: Context): Promise<number>;
	/** Positional arguments the command reads itself (`settings audit-log on`); others take none. */
	takesArguments?: boolean;
};

/** Where a command reads: a terminal says so with isTTY (and can then be put in raw mode). */
export type InputStream = NodeJS.ReadableStream & {isTTY?: boolean; setRawMode?: (mode: boolean) => unknown};

/** Where a command writes: a terminal says so with isTTY and its width in columns. */
export type OutputStream = NodeJS.WritableStream & {isTTY?: boolean; columns?: number};

/**
 * Everything of the process a command may use, handed in rather than read from `process`: the
 * binary passes its own (source/cli.ts), a test its streams, environment, clock and stop, so that
 * commands run in the test's process with nothing shared between runs.
 */
export type CliIo = {
	stdin: InputStream;
	stdout: OutputStream;
	stderr: OutputStream;
	env: Record<string, string | undefined>;
	/**
	 * The working directory: where the app's export dialog writes its file (w). This process's
	 * when not given; a test's app in its own process gives the directory it was started in.
	 */
	cwd?: string;
	/** The file descriptor behind stdout, when there is one: serve's logger writes to it directly. */
	stdoutFd?: number;
	/** The clock: issue's "Generated at" and durations, and list's times, are counted from it. */
	now: () => number;
	/**
	 * Resolves when the process is asked to stop (SIGINT, SIGTERM); called only by the commands that
	 * run until then: serve, and log --follow.
	 */
	stopRequested: () => Promise<string>;
	/** Waits this many ms (log --follow between polls); a test passes its own to poll on its cue. */
	sleep?: (ms: number) => Promise<void>;
};

/** What every command gets besides its flags: where to write, and how to reach the store. */
export type Context = GlobalOptions & {
	/** A one-line message on stderr, never on stdout (stdout is data). */
	say: (message: string) => void;
	/**
	 * Which Redis, and whether writing to it is allowed (source/config/: --dbs.redis, --instance,
	 * the environment, the config file's default), resolved once, when first asked; its notices
	 * and warnings are said then.
	 */
	connection: () => Connection;
	/** Throws the read-only refusal when `what` (a command's name) would write to a read-only connection. */
	refuseIfReadOnly: (what: string) => void;
	withStore: <T>(use: (open: OpenStore) => Promise<T>) => Promise<T>;
} & CliIo;

/** A command whatever its flags, as the registry holds them. */
export type AnyCommand = Command<AnyFlags>;

export const defineCommand = <Flags extends AnyFlags>(command: Command<Flags>): Command<Flags> => command;

/** Flags every data command shares. */
export const jsonFlag = {json: {type: 'boolean', default: false}} as const;

/**
 * What meow is told of our package.json, instead of the file it would read and normalise on every
 * run: normalising the real one checks its licence with spdx-correct (~7 ms before any command).
 * meow uses only `bin`, to set the process title to the command's name (`ps` shows ee-tokens);
 * help and version text come from the registry. A fresh object each time, as meow adds to it.
 */
const meowPackage = () => ({name: 'ee-tokens', bin: {'ee-tokens': 'dist/cli.js'}});

/** `--help` or `-h` anywhere before `--`: the command's help, and nothing runs. */
export function wantsHelp(argv: readonly string[]): boolean {
	const end = argv.indexOf('--');
	return (end === -1 ? argv : argv.slice(0, end)).some(argument => argument === '--help' || argument === '-h');
}

/**
 * meow answers `--help` only when it is the sole argument: `issue -d x --help` would mint a token and
 * `revoke -t … --yes -h` revoke one. So dispatch asks for the text and prints it itself.
 */
export function commandHelp(command: AnyCommand, summary: string): string {
	const {help} = meow(command.usage, {
		importMeta: import.meta,
		pkg: meowPackage(),
		argv: [],
		flags: command.flags,
		description: summary,
		autoHelp: false,
		autoVersion: false,
	});
	return `${help}\n${FLAG_RULES}`;
}

/** The rules of checkArgv, said under every command's help. */
const FLAG_RULES = `  A flag that takes a value must have one: a flag given bare or empty (-t "", --scope=),
  twice, or as --no-flag is an error (exit 2) and nothing is done. A value that starts with -
  is written --flag=-value.
`;

export function parseCommand<Flags extends AnyFlags>(command: Command<Flags>, summary: string, argv: string[]): Result<Flags> {
	// Unknown, bare, empty, negated and repeated flags are refused before meow reads anything.
	checkArgv(argv, command.flags, command.name);
	return meow(command.usage, {
		importMeta: import.meta,
		pkg: meowPackage(),
		argv: spellNegations(argv, command.flags),
		flags: command.flags,
		allowUnknownFlags: true,
		description: summary,
		autoHelp: false,
		autoVersion: false,
	});
}

/**
 * A command's own `--no-ip` (a boolean flag named `noIp`) as `--noIp`: yargs-parser would read
 * `--no-ip` as `ip: false`, the negation of another flag.
 */
function spellNegations(argv: readonly string[], flags: AnyFlags): string[] {
	const end = argv.indexOf('--');
	return argv.map((argument, index) => {
		const camel = argument.startsWith('--no-')
			? argument.slice(2).replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
			: '';
		return (end === -1 || index < end) && camel !== '' && flags[camel]?.type === 'boolean' ? `--${camel}` : argument;
	});
}

export function createContext(options: GlobalOptions, io: CliIo): Context {
	const {redisFlag, instanceFlag, readOnly, timeoutFlag, tlsFlags, verbose} = options;
	const say = (message: string) => {
		io.stderr.write(`${message}\n`);
	};

	let resolved: Connection | undefined;
	const connection = (): Connection => {
		if (resolved === undefined) {
			resolved = resolveConnection(options, io.env);
			for (const warning of resolved.warnings) {
				say(warning);
			}

			if (verbose && resolved.instance) {
				say(`ee-tokens: instance ${resolved.instance.name}: Redis at ${maskRedisUrl(resolved.resolution.target.url)}`);
			}
		}

		return resolved;
	};

	return {
		...io,
		redisFlag,
		instanceFlag,
		readOnly,
		timeoutFlag,
		tlsFlags,
		verbose,
		say,
		connection,
		refuseIfReadOnly(what) {
			const refusal = readOnlyRefusal(connection(), what);
			if (refusal) {
				throw refusal;
			}
		},
		async withStore(use) {
			const open = await openStore({
				resolution: connection().resolution,
				env: io.env,
				now: io.now,
				notify: say,
				quietReuse: !verbose,
			});
			let result: Awaited<ReturnType<typeof use>>;
			try {
				result = await use(open);
			} catch (error) {
				await open.close(false);
				throw asRedisError(error, open.target);
			}

			await open.close();
			return result;
		},
	};
}
