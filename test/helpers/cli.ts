import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

/** The built CLI: tests run what users run (`npm test` builds first). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

export type CliOptions = {
	env?: Record<string, string | undefined>;
	/** Text for stdin; without it (or inputFile) stdin is closed, as in CI. */
	input?: string;
	inputFile?: string;
	timeout?: number;
};

export type CliResult = {exitCode: number | undefined; stdout: string; stderr: string};

/**
 * Runs `ee-tokens …` as a child process with a clean environment (no Redis variables leak in from
 * the developer's shell) and never rejects: tests assert on exitCode, stdout and stderr.
 */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
	const {env, input, inputFile, timeout = 30_000} = options;
	const stdin =
		input === undefined && inputFile === undefined ? {stdin: 'ignore' as const} : input === undefined ? {inputFile: inputFile!} : {input};
	const result = await execa('node', [CLI, ...args], {
		reject: false,
		timeout,
		extendEnv: false,
		env: {PATH: process.env['PATH'], HOME: process.env['HOME'], ...env},
		...stdin,
	});
	return {exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr)};
}
