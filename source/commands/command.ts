import meow, {type Flag, type Result} from 'meow';
import {asRedisError, openStore, type OpenStore} from '../store/index.js';
import {TokenError} from '../tokens/index.js';

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
	run(cli: Result<Flags>, context: Context): Promise<number>;
};

/** What every command gets besides its flags: where to write, and how to reach the store. */
export type Context = {
	/** `--dbs.redis`, taken out of argv before meow (meow cannot spell a dotted flag). */
	redisFlag?: string;
	/** `--dbs.timeout`, taken out the same way: seconds Redis has to connect and to answer each command. */
	timeoutFlag?: string;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	/** A one-line message on stderr, never on stdout (stdout is data). */
	say(message: string): void;
	withStore<T>(use: (open: OpenStore) => Promise<T>): Promise<T>;
};

/** The options every command (and the app) takes, taken out of argv before the command's own flags. */
export type GlobalOptions = {redisFlag?: string; timeoutFlag?: string};

export const defineCommand = <Flags extends AnyFlags>(command: Command<Flags>): Command<Flags> => command;

/** Flags every data command shares. */
export const jsonFlag = {json: {type: 'boolean', default: false}} as const;

const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

/**
 * The first flag in argv that the command does not define. meow reports these itself, but over two
 * lines; every expected failure here is one line.
 */
export function findUnknownFlag(argv: readonly string[], flags: AnyFlags): string | undefined {
	const known = new Set(['help', 'h', 'version']);
	for (const [name, flag] of Object.entries(flags)) {
		known.add(name).add(kebab(name));
		if (flag.shortFlag) {
			known.add(flag.shortFlag);
		}

		for (const alias of flag.aliases ?? []) {
			known.add(alias);
		}
	}

	for (const argument of argv) {
		if (argument === '--') {
			return undefined;
		}

		if (!argument.startsWith('-') || argument === '-') {
			continue;
		}

		const name = argument.replace(/^--?(no-)?/, '').split('=')[0]!;
		if (!known.has(name)) {
			return argument.split('=')[0];
		}
	}

	return undefined;
}

export function parseCommand<Flags extends AnyFlags>(command: Command<Flags>, summary: string, argv: string[]): Result<Flags> {
	const unknown = findUnknownFlag(argv, command.flags);
	if (unknown !== undefined) {
		throw new TokenError('usage', `Unknown flag ${unknown}; run ee-tokens ${command.name} --help`);
	}

	return meow(command.usage, {
		importMeta: import.meta,
		argv,
		flags: command.flags,
		allowUnknownFlags: true,
		description: summary,
		autoVersion: false,
	});
}

export function createContext({redisFlag, timeoutFlag}: GlobalOptions): Context {
	const say = (message: string) => process.stderr.write(`${message}\n`);
	return {
		redisFlag,
		timeoutFlag,
		stdout: process.stdout,
		stderr: process.stderr,
		stdin: process.stdin,
		say,
		async withStore(use) {
			const open = await openStore({flag: redisFlag, timeoutFlag, notify: say});
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

/** `-t` is required by show and revoke; said in one line rather than meow's two. */
export function requireToken(token: string | undefined): string {
	if (token === undefined || token === '') {
		throw new TokenError('usage', 'Give the token with -t ID_OR_TOKEN');
	}

	return token;
}
