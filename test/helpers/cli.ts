import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa, type Options} from 'execa';

/** The built CLI: tests run what users run (`npm test` builds first). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

/**
 * Runs `ee-tokens …` as a child process with a clean environment (no Redis variables leak in from
 * the developer's shell) and never rejects: tests assert on exitCode, stdout and stderr.
 */
export async function runCli(args: readonly string[], options: Options & {env?: Record<string, string | undefined>} = {}) {
	const {env, ...rest} = options;
	return execa('node', [CLI, ...args], {
		reject: false,
		...(rest.input === undefined && rest.inputFile === undefined ? {stdin: 'ignore' as const} : {}),
		timeout: 30_000,
		extendEnv: false,
		env: {PATH: process.env['PATH'], HOME: process.env['HOME'], ...env},
		...rest,
	});
}
