import {TokenError, oneLine, quoteTyped} from '../tokens/index.js';
import {type CliIo, commandHelp, createContext, parseCommand, wantsHelp} from './command.js';
import {GLOBAL_SWITCH_OPTIONS, GLOBAL_VALUE_FLAGS, type GlobalOptions} from './global-flags.js';
import {version} from './version.js';
import {EXIT, exitCodeFor} from './exit-codes.js';
import {COMMANDS, EMAILENGINE_SUBCOMMANDS} from './registry.js';
import {didYouMean} from '../format/index.js';
import {configPath, loadConfig, redisShown, resolveConnection} from '../config/index.js';

/** The longest command name, so the summaries line up whatever names the registry holds. */
const NAME_WIDTH = COMMANDS.reduce((widest, command) => Math.max(widest, command.name.length), 0);

export const mainHelp = () => `
  ee-tokens ${version}: EmailEngine access tokens, from the terminal

  Usage
    $ ee-tokens                     the full-screen app (needs a terminal)
    $ ee-tokens <command> [options]

  Commands
${COMMANDS.map(command => `    ${command.name.padEnd(NAME_WIDTH)} ${command.summary}`).join('\n')}

  Every command takes --dbs.redis URL or --instance NAME (a named instance of
  ~/.config/ee-tokens/config.toml: ee-tokens instances lists them), and --help. Without either:
  EE_TOKENS_INSTANCE, EENGINE_REDIS, REDIS_URL, the config file's default instance, then
  redis://127.0.0.1:6379/8, then a private embedded redis-server. EENGINE_REDIS_PREFIX sets
  the key prefix. --read-only (or readOnly = true on an instance) refuses every write (exit 2). --dbs.timeout SECONDS (or EE_TOKENS_REDIS_TIMEOUT; default 10; fractions such
  as 0.5 too) limits how long connecting and each Redis command may take. For a rediss:// Redis
  with a private CA or client certificates: --dbs.tls-ca FILE, --dbs.tls-cert FILE and
  --dbs.tls-key FILE (or EE_TOKENS_REDIS_TLS_CA, _CERT, _KEY, or ?tls.ca= etc. in the URL).
  EmailEngine's spelling works too: ee-tokens tokens issue|export|import … (ee-tokens tokens
  --help). --verbose also says, on every run, which embedded Redis is used (starting one is
  always said).

  Exit codes
    0 ok   1 unexpected error (diff: the two differ)   2 usage   3 Redis unavailable   4 token not found
    5 invalid export string or journal
    6 a token record that cannot be read (it can still be revoked)
    7 serve cannot listen (port in use)
    8 rotate or edit: the token changed meanwhile (another writer); nothing written; sync: --to
      holds a different token under an id (kept)
    9 review --fail-on: a finding at that level or above
`;

/** `ee-tokens tokens --help`: EmailEngine's spelling and where each subcommand's own help is. */
export const tokensHelp = () => `
  ee-tokens tokens: EmailEngine's CLI spelling (emailengine tokens …), with its flags

  Usage
    $ ee-tokens tokens issue -d DESCRIPTION -s SCOPE [-a ACCOUNT]
    $ ee-tokens tokens export -t ID_OR_TOKEN
    $ ee-tokens tokens import -t EXPORT_STRING

  Each is the ee-tokens command of the same name: ee-tokens tokens issue --help says more.
`;

/**
 * Takes `--dbs.redis URL`, `--dbs.timeout SECONDS`, `--dbs.tls-ca FILE` and the other global
 * options (global-flags.ts; also with `=`) and `--verbose` out of argv: meow cannot
 * spell a dotted flag, and the app needs them too. A missing, empty or repeated value is a usage
 * error, never a quiet fall back to the environment or the default server.
 */
export function extractGlobalOptions(argv: readonly string[]): {argv: string[]} & GlobalOptions {
	const rest: string[] = [];
	const found: GlobalOptions = {};
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument === '--') {
			rest.push(...argv.slice(index));
			break;
		}

		const equals = argument.indexOf('=');
		const [name, inline] =
			argument.startsWith('--') && equals !== -1 && GLOBAL_VALUE_FLAGS.some(flag => flag.name === argument.slice(0, equals))
				? [argument.slice(0, equals), argument.slice(equals + 1)]
				: [argument, undefined];
		const setSwitch = Object.hasOwn(GLOBAL_SWITCH_OPTIONS, argument) ? GLOBAL_SWITCH_OPTIONS[argument] : undefined;
		if (setSwitch) {
			setSwitch(found);
			continue;
		}

		const option = GLOBAL_VALUE_FLAGS.find(flag => flag.name === name);
		if (option === undefined) {
			rest.push(argument);
			continue;
		}

		const what = option.value;
		let value = inline;
		if (value === undefined) {
			value = argv[index + 1];
			if (value === undefined || value.startsWith('-')) {
				throw new TokenError('usage', `${name} needs a value: ${what}`);
			}

			index++;
		}

		if (value.trim() === '') {
			throw new TokenError('usage', `${name} is empty: give ${what}, or leave the flag out`);
		}

		if (option.get(found) !== undefined) {
			throw new TokenError('usage', `${name} is given twice; give it once`);
		}

		option.set(found, value);
	}

	return {argv: rest, ...found};
}

/**
 * The app's instance picker: the config file's instances, each resolved when picked with the flags
 * the app was started with (--read-only holds for every instance), never with --dbs.redis.
 */
function appInstances(options: GlobalOptions, env: Record<string, string | undefined>) {
	const path = configPath(env);
	let choices: Array<{name: string; color?: string; readOnly: boolean; redis: string}> = [];
	try {
		choices = (loadConfig(env)?.instances ?? []).map(instance => ({
			name: instance.name,
			...(instance.color === undefined ? {} : {color: instance.color}),
			readOnly: instance.readOnly || Boolean(options.readOnly),
			redis: redisShown(instance.redis),
		}));
	} catch (error) {
		// The app runs on the Redis it was given; the picker says why it has nothing.
		return {
			choices,
			path,
			unavailable: oneLine(error),
			resolve() {
				throw error;
			},
		};
	}

	const {readOnly, timeoutFlag, tlsFlags} = options;
	return {choices, path, resolve: (name: string) => resolveConnection({instanceFlag: name, readOnly, timeoutFlag, tlsFlags}, env)};
}

async function dispatch(rawArgv: readonly string[], io: CliIo): Promise<number> {
	const {argv, ...globalOptions} = extractGlobalOptions(rawArgv);
	let [name, ...rest] = argv;
	if (name === 'tokens') {
		[name, ...rest] = rest;
		if (name === '--help' || name === '-h' || name === 'help') {
			io.stdout.write(tokensHelp());
			return EXIT.ok;
		}

		if (name === undefined || !EMAILENGINE_SUBCOMMANDS.includes(name.toLowerCase())) {
			// EmailEngine prints "Future feature" and hangs here (compatibility §4); we say what exists.
			throw new TokenError(
				'usage',
				`Unknown tokens subcommand ${quoteTyped(name ?? '')}${didYouMean(name ?? '', EMAILENGINE_SUBCOMMANDS, 'use tokens issue, tokens export or tokens import', known => `tokens ${known}`)}`,
			);
		}

		name = name.toLowerCase();
	}

	if (name === undefined) {
		if (io.stdin.isTTY && io.stdout.isTTY) {
			// Resolved before the app loads: a config problem or an unknown instance is one line and exit 2.
			const connection = resolveConnection(globalOptions, io.env);
			for (const warning of connection.warnings) {
				io.stderr.write(`${warning}\n`);
			}

			const {runApp} = await import('../ui/run-app.js');
			// The request check (t) is can's own code, loaded when first asked: serve's routes and
			// their schemas cost the app's start nothing.
			const answers = async () => import('./request-answer.js');
			return runApp({
				connection,
				instances: appInstances(globalOptions, io.env),
				terminal: {stdin: io.stdin, stdout: io.stdout as NodeJS.WriteStream, stderr: io.stderr, env: io.env, cwd: io.cwd},
				checks: {
					ask: async (...question) => (await answers()).askRequest(...question),
					routes: async (...token) => (await answers()).routeAnswers(...token),
				},
			});
		}

		io.stderr.write(mainHelp());
		io.stderr.write('\nThe full-screen app needs a terminal; pick a command for scripts.\n');
		return EXIT.usage;
	}

	if (name === '--help' || name === '-h' || name === 'help') {
		io.stdout.write(mainHelp());
		return EXIT.ok;
	}

	if (name === '--version' || name === '-v') {
		io.stdout.write(`${version}\n`);
		return EXIT.ok;
	}

	const entry = COMMANDS.find(candidate => candidate.name === name);
	if (!entry) {
		const known = [...COMMANDS.map(command => command.name), 'tokens', 'help'];
		throw new TokenError('usage', `Unknown command ${quoteTyped(name)}${didYouMean(name, known, 'run ee-tokens --help for the list')}`);
	}

	const command = await entry.load();
	if (wantsHelp(rest)) {
		io.stdout.write(`${commandHelp(command, entry.summary)}\n`);
		return EXIT.ok;
	}

	const cli = parseCommand(command, entry.summary, rest);
	const [first, ...others] = cli.input.map(String);
	if (command.subcommands && (first === undefined || !command.subcommands.includes(first))) {
		const choices = command.subcommands.join('|');
		throw new TokenError(
			'usage',
			first === undefined
				? `ee-tokens ${command.name} needs one of ${choices}`
				: `Unknown ${command.name} subcommand ${quoteTyped(first)}${didYouMean(first, command.subcommands, `use ee-tokens ${command.name} ${choices}`)}`,
		);
	}

	// A command that takes words of its own (settings audit-log on|off) reads them itself.
	const unexpected = command.takesArguments ? undefined : command.subcommands ? others[0] : first;
	if (unexpected !== undefined) {
		throw new TokenError('usage', `Unexpected argument ${quoteTyped(unexpected)}; run ee-tokens ${command.name} --help`);
	}

	const context = createContext(globalOptions, io);
	if (entry.writes?.(cli.flags, cli.input.map(String))) {
		// Before anything is read or written: a read-only instance is never opened for a write.
		context.refuseIfReadOnly(entry.name);
	}

	return command.run(cli, context);
}

/**
 * Runs the CLI and turns every failure into one line on stderr and a documented exit code. It
 * reads and writes only through `io`; leaving the process (flushing, the exit code) is the caller's.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		return await dispatch(argv, io);
	} catch (error) {
		if (error instanceof TokenError) {
			io.stderr.write(`ee-tokens: ${oneLine(error)}\n`);
			return exitCodeFor(error.code);
		}

		io.stderr.write(`ee-tokens: unexpected error: ${oneLine(error)}\n`);
		if (io.env['EE_TOKENS_DEBUG']) {
			io.stderr.write(`${(error as Error).stack}\n`);
		}

		return EXIT.failure;
	}
}
