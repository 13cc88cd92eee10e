import {createRequire} from 'node:module';
import {TokenError, oneLine} from '../tokens/index.js';
import {createContext, parseCommand} from './command.js';
import {EXIT, exitCodeFor} from './exit-codes.js';
import {COMMANDS, EMAILENGINE_SUBCOMMANDS} from './registry.js';

const version = (createRequire(import.meta.url)('../../package.json') as {version: string}).version;

export const mainHelp = () => `
  ee-tokens ${version}: EmailEngine access tokens, from the terminal

  Usage
    $ ee-tokens                     the full-screen app (needs a terminal)
    $ ee-tokens <command> [options]

  Commands
${COMMANDS.map(command => `    ${command.name.padEnd(9)} ${command.summary}`).join('\n')}

  Every command takes --dbs.redis URL and --help. Without --dbs.redis: EENGINE_REDIS, REDIS_URL,
  then redis://127.0.0.1:6379/8, then a private embedded redis-server. EENGINE_REDIS_PREFIX sets
  the key prefix. EmailEngine's spelling works too: ee-tokens tokens issue|export|import …

  Exit codes
    0 ok   1 unexpected error   2 usage   3 Redis unavailable   4 token not found   5 invalid export string
    6 a token record that cannot be read (it can still be revoked)
`;

/**
 * Takes `--dbs.redis URL` / `--dbs.redis=URL` out of argv: meow cannot spell a dotted flag, and the
 * app needs it too.
 */
export function extractRedisFlag(argv: readonly string[]): {argv: string[]; redisFlag?: string} {
	const rest: string[] = [];
	let redisFlag: string | undefined;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument === '--dbs.redis') {
			redisFlag = argv[++index];
			if (redisFlag === undefined) {
				throw new TokenError('usage', '--dbs.redis needs a URL');
			}
		} else if (argument.startsWith('--dbs.redis=')) {
			redisFlag = argument.slice('--dbs.redis='.length);
		} else {
			rest.push(argument);
		}
	}

	return {argv: rest, redisFlag: redisFlag || undefined};
}

async function dispatch(rawArgv: readonly string[]): Promise<number> {
	const {argv, redisFlag} = extractRedisFlag(rawArgv);
	let [name, ...rest] = argv;
	if (name === 'tokens') {
		[name, ...rest] = rest;
		if (name === undefined || !EMAILENGINE_SUBCOMMANDS.includes(name.toLowerCase())) {
			// EmailEngine prints "Future feature" and hangs here (spec §4); we say what exists.
			throw new TokenError('usage', `Unknown tokens subcommand ${JSON.stringify(name ?? '')}: use tokens issue, tokens export or tokens import`);
		}

		name = name.toLowerCase();
	}

	if (name === undefined) {
		if (process.stdin.isTTY && process.stdout.isTTY) {
			const {runApp} = await import('../ui/run-app.js');
			return runApp({redisFlag});
		}

		process.stderr.write(mainHelp());
		process.stderr.write('\nThe full-screen app needs a terminal; pick a command for scripts.\n');
		return EXIT.usage;
	}

	if (name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(mainHelp());
		return EXIT.ok;
	}

	if (name === '--version' || name === '-v') {
		process.stdout.write(`${version}\n`);
		return EXIT.ok;
	}

	const entry = COMMANDS.find(candidate => candidate.name === name);
	if (!entry) {
		throw new TokenError('usage', `Unknown command ${JSON.stringify(name)}; run ee-tokens --help for the list`);
	}

	const command = await entry.load();
	const cli = parseCommand(command, entry.summary, rest);
	if (cli.input.length > 0) {
		throw new TokenError('usage', `Unexpected argument ${JSON.stringify(cli.input[0])}; run ee-tokens ${command.name} --help`);
	}

	return command.run(cli, createContext(redisFlag));
}

/** Runs the CLI and turns every failure into one line on stderr and a documented exit code. */
export async function main(argv: readonly string[]): Promise<number> {
	try {
		return await dispatch(argv);
	} catch (error) {
		if (error instanceof TokenError) {
			process.stderr.write(`ee-tokens: ${oneLine(error)}\n`);
			return exitCodeFor(error.code);
		}

		process.stderr.write(`ee-tokens: unexpected error: ${oneLine(error)}\n`);
		if (process.env['EE_TOKENS_DEBUG']) {
			process.stderr.write(`${(error as Error).stack}\n`);
		}

		return EXIT.failure;
	}
}
