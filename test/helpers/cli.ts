import {createReadStream} from 'node:fs';
import path from 'node:path';
import {Readable, Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import type {CliIo, InputStream, OutputStream} from '../../source/commands/command.js';
import {main} from '../../source/commands/main.js';

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
 * Where runs look for a config file unless a test names its own: nowhere, so the developer's own
 * named instances (a `default` in ~/.config/ee-tokens/config.toml) never move a test's Redis.
 */
export const NO_CONFIG_HOME = '/nonexistent/ee-tokens-test-config';

/** The environment a run starts from: nothing of the developer's shell (no Redis variables, no config file) leaks in. */
export const cleanEnv = (env: Record<string, string | undefined> = {}) => ({
	PATH: process.env['PATH'],
	HOME: process.env['HOME'],
	XDG_CONFIG_HOME: NO_CONFIG_HOME,
	...env,
});

/**
 * Runs `ee-tokens …` as a child process with a clean environment and never rejects: tests assert
 * on exitCode, stdout and stderr. For what only a process shows (flushing before exit, EPIPE,
 * signals, terminals, what gets loaded); everything else runs in-process with runInProcess.
 */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
	const {env, input, inputFile, timeout = 30_000} = options;
	const stdin =
		input === undefined && inputFile === undefined ? {stdin: 'ignore' as const} : input === undefined ? {inputFile: inputFile!} : {input};
	const result = await execa('node', [CLI, ...args], {
		reject: false,
		timeout,
		extendEnv: false,
		env: cleanEnv(env),
		...stdin,
	});
	return {exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr)};
}

export type InProcessOptions = CliOptions & {
	/** stdin as a stream of the test's own (input that arrives slowly), instead of input or inputFile. */
	stdin?: Readable;
	/** stdout as a stream of the test's own (a reader that is behind); the result's stdout is then empty. */
	stdout?: Writable;
	/** stdout as a terminal of this many columns (isTTY true), as `list` sees one. */
	terminalColumns?: number;
	/** The clock the command reads (default: the real one). */
	now?: () => number;
	/** serve runs until this is aborted, as the binary runs until SIGINT or SIGTERM. */
	stop?: AbortSignal;
	/** Called with each chunk written to stdout, as it is written (serve's log lines). */
	onStdout?: (text: string) => void;
	/** What the command waits with between polls (log --follow), so the test says when the next poll is. */
	sleep?: (ms: number) => Promise<void>;
};

/** A stream that keeps what is written, as bytes (a chunk may end inside a character). */
function collector(onChunk?: (text: string) => void): {stream: OutputStream; text: () => string} {
	const chunks: Buffer[] = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(chunk);
			onChunk?.(chunk.toString());
			callback();
		},
	});
	// As execa gives it: without the one final newline.
	return {
		stream,
		text: () =>
			Buffer.concat(chunks)
				.toString()
				.replace(/\r?\n$/, ''),
	};
}

/**
 * The same run as runCli, with the same result, in this process: main() with streams, a clean
 * environment, a clock and a stop of its own, so a test switches between the two by name. Each run
 * gets new streams and its own Redis connections (closed by the command); commands register
 * nothing on `process`. `timeout` is the child's kill timer and means nothing here: Redis limits
 * come from --dbs.timeout.
 */
export async function runInProcess(args: readonly string[], options: InProcessOptions = {}): Promise<CliResult> {
	const {env, input, inputFile, terminalColumns, now = Date.now, stop, onStdout, sleep} = options;
	const stdin: InputStream & Readable =
		options.stdin ??
		(inputFile === undefined ? Readable.from(input === undefined ? [] : [Buffer.from(input)]) : createReadStream(inputFile));
	const stdout = options.stdout ? {stream: options.stdout, text: () => ''} : collector(onStdout);
	const stderr = collector();
	if (terminalColumns !== undefined) {
		Object.assign(stdout.stream, {isTTY: true, columns: terminalColumns});
	}

	const io: CliIo = {
		stdin,
		stdout: stdout.stream,
		stderr: stderr.stream,
		env: cleanEnv(env),
		now,
		sleep,
		stopRequested: async () =>
			new Promise<string>(resolve => {
				if (stop?.aborted) {
					resolve('SIGTERM');
				}

				stop?.addEventListener('abort', () => resolve('SIGTERM'), {once: true});
			}),
	};
	try {
		const exitCode = await main(args, io);
		return {exitCode, stdout: stdout.text(), stderr: stderr.text()};
	} finally {
		// What the command did not read (a file's descriptor) is let go now, not at garbage collection.
		stdin.destroy();
	}
}
