import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {tokenIdOf} from '../../source/tokens/index.js';
import {type CliOptions, type CliResult, runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';
import {spawnApp} from '../ui/helpers/pty.js';

const db = useCliRedis();

const issue = async () => {
	const result = await runCli(['issue', '-d', 'piped', '-s', 'api', db.db8]);
	expect(result.exitCode, result.stderr).toBe(0);
	return result.stdout.trim();
};

/** Runs each case in-process, four at a time, keeping the order (the terminal case below is a real pty). */
async function runAll(cases: ReadonlyArray<{args: string[]; options?: CliOptions}>): Promise<CliResult[]> {
	const results: CliResult[] = [];
	for (let start = 0; start < cases.length; start += 4) {
		results.push(...(await Promise.all(cases.slice(start, start + 4).map(async ({args, options}) => runCli(args, options)))));
	}

	return results;
}

describe('-t - reads the token or id from stdin', () => {
	it('show and export take the raw token or the id from stdin', async () => {
		const token = await issue();
		const id = tokenIdOf(token);
		const [showToken, showId, exportToken, exportId] = await runAll([
			{args: ['show', '-t', '-', '--json', db.db8], options: {input: `${token}\n`}},
			{args: ['show', '-t', '-', '--json', db.db8], options: {input: `\n  ${id}  \n\n`}},
			{args: ['export', '-t', '-', db.db8], options: {input: token}},
			{args: ['export', '-t', '-', db.db8], options: {input: `${id}\r\n`}},
		]);
		for (const result of [showToken, showId]) {
			expect(result!.exitCode, result!.stderr).toBe(0);
			expect(JSON.parse(result!.stdout)).toMatchObject({id, description: 'piped'});
		}

		expect(exportToken!.exitCode, exportToken!.stderr).toBe(0);
		expect(exportToken!.stdout).toMatch(/^hKJpZNlA/);
		expect(exportId!.stdout).toBe(exportToken!.stdout);
	});

	it('revoke -t - needs --yes, says so, and then revokes by token or id', async () => {
		const [first, second] = [await issue(), await issue()];
		const refused = await runCli(['revoke', '-t', '-', db.db8], {input: first});
		expect(refused.exitCode).toBe(2);
		expect(refused.stderr).toMatch(
			/^ee-tokens: Refusing to revoke without --yes: with -t - the token comes on stdin, which is then not a terminal/,
		);
		expect(await db.raw.hlen('tokens')).toBe(2);
		const [byToken, byId] = await runAll([
			{args: ['revoke', '-t', '-', '--yes', db.db8], options: {input: `${first}\n`}},
			{args: ['revoke', '-t', '-', '--yes', db.db8], options: {input: tokenIdOf(second)}},
		]);
		expect(byToken!.exitCode, byToken!.stderr).toBe(0);
		expect(byId!.exitCode, byId!.stderr).toBe(0);
		expect(await db.raw.dbsize()).toBe(0);
	});

	it('stdin with nothing, or more than one line, is a usage error', async () => {
		const token = await issue();
		const results = await runAll([
			{args: ['show', '-t', '-', db.db8]},
			{args: ['export', '-t', '-', db.db8], options: {input: '\n \n'}},
			{args: ['revoke', '-t', '-', '--yes', db.db8], options: {input: `${token}\n${token}\n`}},
			{args: ['show', '-t', '-', db.db8], options: {input: 'x'.repeat(5000)}},
		]);
		for (const [index, message] of [
			/nothing on stdin/,
			/nothing on stdin/,
			/more than one line/,
			/longer than 1024 characters/,
		].entries()) {
			expect(results[index]!.exitCode, results[index]!.stderr).toBe(2);
			expect(results[index]!.stderr).toMatch(message);
		}

		expect(await db.raw.hlen('tokens')).toBe(1);
	});

	it('on a terminal, revoke -t - reads the token unseen, then asks to confirm', async () => {
		const token = await issue();
		const id = tokenIdOf(token);
		const app = spawnApp(['revoke', '-t', '-', db.db8], {columns: 100, rows: 20});
		try {
			await app.waitFor('what you type is not shown');
			app.write(`${token}\r`);
			await app.waitFor(`Type ${id.slice(0, 6)} to confirm`);
			app.write(`${id.slice(0, 6)}\r`);
			await app.waitFor(`Revoked token ${id}`);
			expect((await app.exited).exitCode).toBe(0);
		} finally {
			app.kill();
		}

		// Neither the terminal nor its scrollback ever had any of the token.
		expect(app.output()).not.toContain(token.slice(0, 8));
		expect(app.history()).not.toContain(token.slice(0, 8));
		expect(await db.raw.dbsize()).toBe(0);
	});

	it('Ctrl-C or Ctrl-D at the confirmation cancels (exit 2), never a Redis failure', async () => {
		const token = await issue();
		const id = tokenIdOf(token);
		for (const key of ['\u0003', '\u0004']) {
			const app = spawnApp(['revoke', '-t', id, db.db8], {columns: 100, rows: 20});
			try {
				await app.waitFor(`Type ${id.slice(0, 6)} to confirm`);
				app.write(key);
				// The answer follows the long prompt, so it may wrap at the terminal's edge.
				await app.waitFor(screen => screen.replaceAll('\n', '').includes('Cancelled; nothing was revoked.'));
				expect((await app.exited).exitCode).toBe(2);
			} finally {
				app.kill();
			}
		}

		expect(await db.raw.hexists('tokens', id)).toBe(1);
	});
});

describe('no message shows any part of a raw token', () => {
	it('every error path that is handed one keeps it to itself', async () => {
		// A token that is not stored: every path below fails, and each would be handed it whole.
		const token = randomBytes(32).toString('hex');
		const cases: Array<{args: string[]; options?: CliOptions; exitCode: number}> = [
			{args: ['show', '-t', token], exitCode: 4},
			{args: ['export', '-t', token], exitCode: 4},
			{args: ['revoke', '-t', token, '--yes'], exitCode: 4},
			{args: ['show', '-t', '-', '--json'], options: {input: token}, exitCode: 4},
			{args: ['revoke', '-t', token], exitCode: 2},
			{args: ['show', '-t', `${token}0`], exitCode: 2},
			{args: ['show', token], exitCode: 2},
			{args: ['show', `-t${token}`], exitCode: 2},
			{args: [token], exitCode: 2},
			{args: ['tokens', token], exitCode: 2},
			{args: ['issue', '--expires', token], exitCode: 2},
			{args: ['serve', '--port', token], exitCode: 2},
			{args: ['import', '-t', token], exitCode: 5},
		];
		// The validators' own messages are scanned in-process in test/tokens/typed-text.test.ts.
		const results = await runAll(cases.map(({args, options}) => ({args: [...args, db.db8], options})));
		const windows = Array.from({length: token.length - 7}, (_, index) => token.slice(index, index + 8));
		for (const [index, {args, exitCode}] of cases.entries()) {
			const result = results[index]!;
			const label = args.map(argument => argument.replace(token, 'TOKEN')).join(' ');
			expect(result.exitCode, `${label}: ${result.stderr}`).toBe(exitCode);
			const said = `${result.stdout}\n${result.stderr}`.toLowerCase();
			expect(
				windows.filter(window => said.includes(window)),
				label,
			).toEqual([]);
		}

		expect(await db.raw.dbsize()).toBe(0);
	});
});
