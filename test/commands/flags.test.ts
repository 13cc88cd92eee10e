import {describe, expect, it} from 'vitest';
import {type AnyFlags, commandHelp, parseCommand} from '../../source/commands/command.js';
import {extractGlobalOptions} from '../../source/commands/main.js';
import {COMMANDS} from '../../source/commands/registry.js';
import {TokenError} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';

const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

/** Every flag that takes a value, of every command, in every spelling a person may type. */
const valueFlags = await Promise.all(
	COMMANDS.map(async entry => {
		const command = await entry.load();
		const flags = Object.entries(command.flags as AnyFlags).filter(([, flag]) => flag.type !== 'boolean');
		return flags.flatMap(([name, flag]) =>
			[`--${kebab(name)}`, ...(flag.shortFlag ? [`-${flag.shortFlag}`] : [])].map(spelling => ({entry, command, name, flag, spelling})),
		);
	}),
).then(lists => lists.flat());

/** Runs `run` over items, four at a time, keeping the order. */
async function inBatches<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = [];
	for (let start = 0; start < items.length; start += 4) {
		results.push(...(await Promise.all(items.slice(start, start + 4).map(run))));
	}

	return results;
}

/** The usage error parseCommand throws for argv, or undefined when it parses. */
function refusal(
	entry: (typeof valueFlags)[number]['entry'],
	command: (typeof valueFlags)[number]['command'],
	argv: string[],
): TokenError | undefined {
	try {
		parseCommand(command, entry.summary, argv);
		return undefined;
	} catch (error) {
		if (error instanceof TokenError) {
			return error;
		}

		throw error;
	}
}

describe('a flag given without a value, or with an empty one, is a usage error naming it', () => {
	it('covers every value flag of every command', () => {
		// The table is what it claims to be: issue's seven flags and serve's three are in it.
		const names = new Set(valueFlags.map(({entry, spelling}) => `${entry.name} ${spelling}`));
		for (const expected of [
			'issue -s',
			'issue --rate-limit',
			'issue --ip',
			'list --query',
			'export -t',
			'show --token',
			'revoke -t',
			'import -t',
			'serve --port',
			'serve --prepared-token',
		]) {
			expect(names, expected).toContain(expected);
		}
	});

	const forms = (spelling: string, isNumber: boolean) => [
		{form: 'bare, last', argv: [spelling]},
		{form: 'bare, before another flag', argv: [spelling, '--help']},
		{form: "''", argv: [spelling, '']},
		{form: "' '", argv: [spelling, ' ']},
		{form: '=', argv: [`${spelling}=`]},
		{form: 'given twice', argv: [spelling, isNumber ? '1' : 'x', spelling, isNumber ? '2' : 'y']},
	];

	it.each(valueFlags)('$entry.name $spelling', ({entry, command, flag, spelling}) => {
		const isNumber = flag.type === 'number';
		// The positive control: a real value parses.
		expect(refusal(entry, command, [spelling, isNumber ? '80' : 'x'])).toBeUndefined();
		for (const {form, argv} of forms(spelling, isNumber)) {
			if (form === 'given twice' && flag.isMultiple) {
				expect(refusal(entry, command, argv), form).toBeUndefined();
				continue;
			}

			const error = refusal(entry, command, argv);
			expect(error?.code, `${form}: ${JSON.stringify(argv)}`).toBe('usage');
			expect(error?.message.startsWith(`${spelling} `), error?.message).toBe(true);
		}

		if (spelling.startsWith('--')) {
			// A command may have a --no-… flag of its own (edit --no-ip): that one is taken, not refused.
			const negation = `no-${spelling.slice(2)}`.replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
			const refused = refusal(entry, command, [`--no-${spelling.slice(2)}`]);
			if (Object.hasOwn(command.flags, negation)) {
				expect(refused).toBeUndefined();
			} else {
				expect(refused?.message).toMatch(/takes a value/);
			}
		}
	});

	it('a number flag takes decimal digits only', async () => {
		const entry = COMMANDS.find(candidate => candidate.name === 'serve')!;
		const command = await entry.load();
		for (const value of ['abc', '1e3', '0x10', '3000.5', ' 80', '-1']) {
			expect(refusal(entry, command, [`--port=${value}`])?.message, value).toMatch(
				/^--port must be a number \(0 or more, in decimal digits\)/,
			);
		}

		expect(refusal(entry, command, ['--port', '-1'])?.message).toBe('--port must be a number (0 or more, in decimal digits), not "-1"');
	});

	it('the flags meow misreads are refused: -scope, --json=no', async () => {
		const entry = COMMANDS.find(candidate => candidate.name === 'issue')!;
		const command = await entry.load();
		expect(refusal(entry, command, ['-scope', 'api'])?.message).toMatch(/^Unknown flag -scope/);
		expect(refusal(entry, command, ['--json=no'])?.message).toMatch(/^--json takes no value/);
		expect(refusal(entry, command, ['-s', '-a', 'acme'])?.message).toMatch(/^-s needs a value \(it is followed by the flag -a/);
		// A value that starts with "-" is written with "=".
		expect(parseCommand(command, entry.summary, ['-d=-5', '--account=-x']).flags).toMatchObject({description: '-5', account: '-x'});
	});

	it("every command's --help says the rule, and those that take a token say -t -", async () => {
		for (const entry of COMMANDS) {
			const help = commandHelp(await entry.load(), entry.summary);
			expect(help, entry.name).toMatch(/a flag given bare or empty \(-t "", --scope=\),\s+twice, or as --no-flag is an error \(exit 2\)/);
			if (['show', 'export', 'revoke', 'import'].includes(entry.name)) {
				expect(help, entry.name).toMatch(/-t - /);
			}
		}
	});

	it('--dbs.redis, --dbs.timeout and the TLS files: missing, empty, followed by a flag or repeated is refused', () => {
		for (const name of ['--dbs.redis', '--dbs.timeout', '--dbs.tls-ca', '--dbs.tls-cert', '--dbs.tls-key']) {
			for (const argv of [[name], [`${name}=`], [name, ''], [name, ' '], [name, '--json'], [`${name}=1`, `${name}=2`]]) {
				expect(() => extractGlobalOptions(argv), JSON.stringify(argv)).toThrow(new RegExp(`^${name.replace('.', '\\.')} `));
			}
		}

		expect(extractGlobalOptions(['list', '--dbs.redis', 'redis://x/8', '--json', '--dbs.timeout=3'])).toEqual({
			argv: ['list', '--json'],
			redisFlag: 'redis://x/8',
			timeoutFlag: '3',
		});
		expect(extractGlobalOptions(['list', '--dbs.tls-ca', 'ca.pem', '--dbs.tls-cert=c.pem', '--dbs.tls-key', 'k.pem'])).toEqual({
			argv: ['list'],
			tlsFlags: {ca: 'ca.pem', cert: 'c.pem', key: 'k.pem'},
		});
		// After `--` nothing is an option of ours.
		expect(extractGlobalOptions(['list', '--', '--dbs.redis'])).toEqual({argv: ['list', '--', '--dbs.redis']});
	});
});

describe('through the CLI: refused in one line with exit 2, nothing written', () => {
	const db = useCliRedis();

	// `issue -d x -s $SCOPE -a acme` with SCOPE unset minted a `*` token, exit 0.
	const cases: Array<[string[], RegExp]> = [
		[['issue', '-d', 'x', '-s', '', '-a', 'acme'], /^-s is empty/],
		[['issue', '-d', 'x', '-s', '-a', 'acme'], /^-s needs a value/],
		[['issue', '-d', 'x', '-a'], /^-a needs a value/],
		[['issue', '-d', 'x', '--ip', '--json'], /^--ip needs a value/],
		[['issue', '-d', 'x', '--referrer='], /^--referrer is empty/],
		[['issue', '-d', 'x', '--rate-limit'], /^--rate-limit needs a value/],
		[['issue', '-d', 'x', '-a', 'one', '-a', 'two'], /^-a is given twice/],
		[['list', '--account', ''], /^--account is empty/],
		[['export', '-t'], /^-t needs a value/],
		[['show', '-t', ''], /^-t is empty/],
		[['revoke', '-t', '--yes'], /^-t needs a value/],
		[['import', '-t', ''], /^-t is empty/],
		[['serve', '--port'], /^--port needs a value/],
		[['serve', '--port', 'abc'], /^--port must be a number \(0 or more, in decimal digits\)/],
		[['serve', '--host='], /^--host is empty/],
		[['serve', '--preparedToken', ''], /^--preparedToken is empty/],
	];

	it('every case of the table', async () => {
		// In-process, four at a time: what is tested is the refusal and that nothing is written.
		const results = await inBatches(cases, async ([args]) => runCli([...args, db.db8]));
		for (const [index, [args, message]] of cases.entries()) {
			const result = results[index]!;
			expect(result.exitCode, `${JSON.stringify(args)}: ${result.stderr}`).toBe(2);
			expect(result.stderr.trim().split('\n'), JSON.stringify(args)).toHaveLength(1);
			expect(result.stderr.replace(/^ee-tokens: /, ''), JSON.stringify(args)).toMatch(message);
			expect(result.stdout, JSON.stringify(args)).toBe('');
		}

		// serve would have listened until killed had it started; the timeout only ends a failing run.
		expect(await db.raw.dbsize()).toBe(0);
	});

	it('EENGINE_PORT takes decimal digits only, as --port does: never " 80" or "0x50" read as 80', async () => {
		for (const value of [' 80', '0x50', '8e1', '80.0', '-1']) {
			const result = await runCli(['serve', db.db8], {env: {EENGINE_PORT: value}});
			expect(result.exitCode, value).toBe(2);
			expect(result.stderr, value).toBe(`ee-tokens: Invalid EENGINE_PORT ${JSON.stringify(value)}: use 0-65535, decimal digits only`);
		}
	});

	it('an empty --dbs.redis never falls back to EENGINE_REDIS', async () => {
		for (const flag of ['--dbs.redis=', '--dbs.redis']) {
			const result = await runCli(['issue', '-d', 'x', '-s', 'api', flag], {env: {EENGINE_REDIS: db.redis.url(8)}});
			expect(result.exitCode, flag).toBe(2);
			expect(result.stderr).toMatch(/^ee-tokens: --dbs\.redis (is empty|needs a value)/);
		}

		expect(await db.raw.dbsize()).toBe(0);
	});

	it('--help or -h anywhere shows the help and runs nothing', async () => {
		for (const args of [
			['issue', '-d', 'x', '--help'],
			['issue', '-h'],
			['issue', '-s', '-h'],
		]) {
			const result = await runCli([...args, db.db8]);
			expect(result.exitCode, args.join(' ')).toBe(0);
			expect(result.stdout).toMatch(/\$ ee-tokens issue/);
		}

		expect(await db.raw.dbsize()).toBe(0);
	});
});
