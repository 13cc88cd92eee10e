import {describe, expect, it} from 'vitest';
import {runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';

/**
 * A typo gets a usage error (exit 2) that says what was probably meant, and runs nothing: the
 * suggestion is a hint, never a guess acted on.
 */
const r = useCliRedis();

describe('typos get help', () => {
	it('a misspelt command says which one was probably meant, and does nothing', async () => {
		const cases: Array<[string[], string]> = [
			[['isue', '-d', 'x'], 'ee-tokens: Unknown command "isue"; did you mean issue? Run ee-tokens --help for the list'],
			[['lst'], 'ee-tokens: Unknown command "lst"; did you mean list? Run ee-tokens --help for the list'],
			[['REVOKE'], 'ee-tokens: Unknown command "REVOKE"; did you mean revoke? Run ee-tokens --help for the list'],
			[
				['tokens', 'isue'],
				'ee-tokens: Unknown tokens subcommand "isue"; did you mean tokens issue? Use tokens issue, tokens export or tokens import',
			],
			// Nothing close: no suggestion.
			[['xyzzy'], 'ee-tokens: Unknown command "xyzzy"; run ee-tokens --help for the list'],
		];
		for (const [args, message] of cases) {
			const result = await runCli([...args, r.db8]);
			expect(result, args.join(' ')).toMatchObject({exitCode: 2, stdout: '', stderr: message});
		}

		expect(await r.raw.dbsize()).toBe(0);
	});

	it('a misspelt flag says which one was probably meant', async () => {
		const cases: Array<[string[], string]> = [
			[['list', '--acount', 'x'], 'ee-tokens: Unknown flag --acount; did you mean --account? Run ee-tokens list --help'],
			[['issue', '--scpoe', 'api'], 'ee-tokens: Unknown flag --scpoe; did you mean --scope? Run ee-tokens issue --help'],
			[['list', '-json'], 'ee-tokens: Unknown flag -json; did you mean --json? Run ee-tokens list --help'],
			[
				['revoke', '--all-of-acount', 'x', '--yes'],
				'ee-tokens: Unknown flag --all-of-acount; did you mean --all-of-account? Run ee-tokens revoke --help',
			],
			[['list', '--dbs.reds', 'x'], 'ee-tokens: Unknown flag --dbs.reds; did you mean --dbs.redis? Run ee-tokens list --help'],
			[['list', '--frobnicate'], 'ee-tokens: Unknown flag --frobnicate; run ee-tokens list --help'],
		];
		for (const [args, message] of cases) {
			const result = await runCli([...args, r.db8]);
			expect(result, args.join(' ')).toMatchObject({exitCode: 2, stdout: '', stderr: message});
		}

		expect(await r.raw.dbsize()).toBe(0);
	});

	it('tokens --help (and -h, help) shows the EmailEngine spelling and exits 0', async () => {
		for (const spelling of ['--help', '-h', 'help']) {
			const result = await runCli(['tokens', spelling]);
			expect(result.exitCode, spelling).toBe(0);
			expect(result.stdout).toContain('$ ee-tokens tokens issue -d DESCRIPTION -s SCOPE [-a ACCOUNT]');
			expect(result.stdout).toContain('$ ee-tokens tokens import -t EXPORT_STRING');
		}
	});

	it('--port abc says --port must be a number, before anything listens', async () => {
		const result = await runCli(['serve', '--port', 'abc', r.db8]);
		expect(result).toMatchObject({
			exitCode: 2,
			stdout: '',
			stderr: 'ee-tokens: --port must be a number (0 or more, in decimal digits), not "abc"',
		});
	});

	it('an unknown scope and a bare --account are usage errors', async () => {
		const scope = await runCli(['list', '--scope', 'apii', r.db8]);
		expect(scope).toMatchObject({
			exitCode: 2,
			stderr: 'ee-tokens: Unknown scope: "apii" (allowed: "*", "api", "metrics", "smtp", "imap-proxy", "mcp")',
		});
		const account = await runCli(['list', r.db8, '--account']);
		expect(account).toMatchObject({exitCode: 2, stderr: 'ee-tokens: --account needs a value'});
	});
});
