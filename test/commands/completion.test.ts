import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, describe, expect, it} from 'vitest';
import {COMMANDS} from '../../source/commands/registry.js';
import {runInProcess as runCli} from '../helpers/cli.js';

/**
 * `ee-tokens completion bash` is sourced into a real bash and its function called as bash calls
 * it on Tab (COMP_WORDS, COMP_CWORD): the candidates are what a user would be offered. zsh and
 * fish are not on this machine, so their scripts are checked for what they offer only.
 */
const work = mkdtempSync(path.join(tmpdir(), 'eet-completion-'));
afterAll(() => {
	rmSync(work, {recursive: true, force: true});
});

async function bashCandidates(script: string, lines: readonly string[][], env: Record<string, string> = {}): Promise<string[]> {
	const file = path.join(work, 'ee-tokens.bash');
	writeFileSync(file, script);
	// A file named like a scope glob would match: `*` must be offered as itself, never as file names.
	writeFileSync(path.join(work, 'a-file'), '');
	const calls = lines
		.map(
			words =>
				`COMP_WORDS=(${words.map(word => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ee_tokens; echo "\${COMPREPLY[*]}"`,
		)
		.join('\n');
	const {stdout} = await execa('bash', ['--norc', '--noprofile', '-c', `source ${file}\n${calls}`], {cwd: work, env});
	return stdout.split('\n');
}

describe('ee-tokens completion', () => {
	it('bash: commands, flags of the command typed, scopes after -s, and subcommands', async () => {
		const script = await runCli(['completion', 'bash']);
		expect(script.exitCode, script.stderr).toBe(0);
		const candidates = await bashCandidates(script.stdout, [
			['ee-tokens', 'is'],
			['ee-tokens', 're'],
			['ee-tokens', 'list', '--a'],
			['ee-tokens', 'issue', '-s', ''],
			['ee-tokens', 'revoke', '--scope', 'm'],
			['ee-tokens', 'embedded', 's'],
			['ee-tokens', 'tokens', 'i'],
			['ee-tokens', 'revoke', '--dr'],
			['ee-tokens', 'show', '--dbs.r'],
			['ee-tokens', 'list', '--dbs.tls'],
			['ee-tokens', 'completion', 'f'],
		]);
		expect(candidates).toEqual([
			'issue',
			'revoke review restore',
			'--account --all',
			'* api metrics smtp imap-proxy mcp',
			'metrics mcp',
			'status stop',
			'issue import',
			'--dry-run',
			'--dbs.redis',
			'--dbs.tls-ca --dbs.tls-cert --dbs.tls-key',
			'fish',
		]);
	});

	it('zsh and fish scripts offer every command and the scopes; an unknown shell is exit 2', async () => {
		const [zsh, fish, tcsh] = await Promise.all([
			runCli(['completion', 'zsh']),
			runCli(['completion', 'fish']),
			runCli(['completion', 'tcsh']),
		]);
		expect(zsh.stdout).toContain('compdef _ee_tokens ee-tokens');
		expect(zsh.stdout).toContain(`compadd -- ${COMMANDS.map(command => `'${command.name}'`).join(' ')}`);
		expect(fish.stdout).toContain(`complete -c ee-tokens -n __fish_use_subcommand -a '${COMMANDS.map(command => command.name).join(' ')}`);
		expect(fish.stdout).toContain(
			"complete -c ee-tokens -n '__fish_seen_subcommand_from issue' -l scope -x -a '\\* api metrics smtp imap-proxy mcp'",
		);
		expect(tcsh).toMatchObject({
			exitCode: 2,
			stderr: 'ee-tokens: Unknown completion subcommand "tcsh"; use ee-tokens completion bash|zsh|fish',
		});
	});

	it('bash: instance names of the config file after --instance, --from and --to, read from the file on Tab', async () => {
		const script = await runCli(['completion', 'bash']);
		const config = path.join(work, 'config');
		mkdirSync(path.join(config, 'ee-tokens'), {recursive: true});
		writeFileSync(
			path.join(config, 'ee-tokens', 'config.toml'),
			'default = "staging"\n[instances.staging]\nredis = "redis://h/8"\n\n  [ instances.prod ]\nredisEnv = "P"\n[instances."eu.west"]\nredis = "x"\n[other]\n',
		);
		const words = [
			['ee-tokens', 'list', '--instance', ''],
			['ee-tokens', 'sync', '--from', 's'],
			['ee-tokens', 'diff', '--to', 'e'],
		];
		expect(await bashCandidates(script.stdout, words, {XDG_CONFIG_HOME: config, PATH: process.env['PATH']!})).toEqual([
			'staging prod eu.west',
			'staging',
			'eu.west',
		]);
		// No config file: nothing offered, and no error on the terminal.
		expect(
			await bashCandidates(script.stdout, words.slice(0, 1), {XDG_CONFIG_HOME: path.join(work, 'none'), PATH: process.env['PATH']!}),
		).toEqual(['']);
	});
});
