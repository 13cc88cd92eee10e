import {execa, type ResultPromise} from 'execa';
import {CLI, cleanEnv, runInProcess} from './cli.js';

export type LogLine = {level: number; time: number; pid: number; hostname: string; msg: string; [key: string]: unknown};

export type Served = {
	child: ResultPromise;
	/** Every JSON log line so far, parsed. */
	lines: LogLine[];
	base: string;
	/** Everything the process wrote (raw stdout lines and stderr), for "is a secret anywhere" checks. */
	output(): string;
	stop(): Promise<{exitCode: number | undefined; lines: LogLine[]}>;
};

/**
 * Reads what `serve` writes to stdout, as it comes: each whole line kept as written (`raw`) and
 * parsed (`lines`), and `listening` resolved with the line that names the port.
 */
function logReader() {
	const lines: LogLine[] = [];
	const raw: string[] = [];
	let pending = '';
	let announce: (line: LogLine) => void = () => {};
	const listening = new Promise<LogLine>(resolve => {
		announce = resolve;
	});
	return {
		lines,
		raw,
		listening,
		write(text: string) {
			pending += text;
			const complete = pending.split('\n');
			pending = complete.pop()!;
			for (const line of complete.filter(Boolean)) {
				raw.push(line);
				const parsed = JSON.parse(line) as LogLine;
				lines.push(parsed);
				if (parsed.msg.startsWith('API server listening')) {
					announce(parsed);
				}
			}
		},
	};
}

/**
 * The built CLI's `serve` on a free port (`--port 0`), resolved once its "listening" log line names
 * the port: no polling, no port race.
 */
export async function startServe(redisUrl: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
	const child = execa('node', [CLI, 'serve', '--port', '0', `--dbs.redis=${redisUrl}`, ...args], {
		reject: false,
		stdin: 'ignore',
		extendEnv: false,
		env: cleanEnv(env),
		timeout: 120_000,
		buffer: false,
	});
	const {lines, raw, listening, write} = logReader();
	child.stderr!.on('data', (chunk: Buffer) => raw.push(chunk.toString()));
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', write);
	const ready = await Promise.race([
		listening,
		child.then(result => {
			throw new Error(`serve exited ${result.exitCode} before listening: ${raw.join('\n').slice(0, 500)}`);
		}),
	]);
	return {
		child,
		lines,
		base: `http://127.0.0.1:${ready['port'] as number}`,
		output: () => raw.join('\n'),
		async stop() {
			child.kill('SIGTERM');
			const result = await child;
			return {exitCode: result.exitCode, lines};
		},
	};
}

export type ServedInProcess = Omit<Served, 'child'> & {
	/** What the command returned once stopped: its exit code, as the binary would exit with it. */
	stop(): Promise<{exitCode: number | undefined; lines: LogLine[]}>;
};

/**
 * `serve` as startServe runs it, but in this process (runInProcess): its log lines come from the
 * stream it writes to, and stop() does what SIGTERM does to the binary. For tests whose subject is
 * what the server answers, not the process around it.
 */
export async function serveInProcess(
	redisUrl: string,
	args: string[] = [],
	env: Record<string, string> = {},
	/** The server's clock (its store's: expiry, last use, rate-limit windows); the real one by default. */
	now?: () => number,
): Promise<ServedInProcess> {
	const {lines, raw, listening, write} = logReader();
	const stopping = new AbortController();
	const run = runInProcess(['serve', '--port', '0', `--dbs.redis=${redisUrl}`, ...args], {
		env,
		now,
		stop: stopping.signal,
		onStdout: write,
	});
	const ready = await Promise.race([
		listening,
		run.then(result => {
			throw new Error(`serve returned ${result.exitCode} before listening: ${result.stderr.slice(0, 500)} ${raw.join('\n').slice(0, 500)}`);
		}),
	]);
	return {
		lines,
		base: `http://127.0.0.1:${ready['port'] as number}`,
		output: () => raw.join('\n'),
		async stop() {
			stopping.abort();
			const result = await run;
			raw.push(result.stderr);
			return {exitCode: result.exitCode, lines};
		},
	};
}
