import {performance} from 'node:perf_hooks';
import {execa, type Options} from 'execa';

/** One row of the results table. `ratio` is ours / baseline, or baseline / ours for rates. */
export type Row = {
	name: string;
	ours: string;
	baseline: string;
	ratio: string;
	target: string;
	/** Undefined for a figure reported without a target. */
	met: boolean | undefined;
	note?: string;
};

export const median = (values: readonly number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export type Timed = {ms: number; maxRssKb: number; stdoutBytes: number};

/**
 * Runs a command to completion under /usr/bin/time for its peak resident set, timing the wall
 * clock around it. Output goes to a byte counter, not to memory.
 */
export async function timeCommand(file: string, args: readonly string[], options: Options = {}): Promise<Timed> {
	const start = performance.now();
	const child = execa('/usr/bin/time', ['-f', '__MAXRSS__%M', file, ...args], {
		...options,
		buffer: {stdout: false, stderr: true},
		stdout: 'pipe',
		reject: false,
	} as Options);
	let stdoutBytes = 0;
	child.stdout?.on('data', (chunk: Buffer) => {
		stdoutBytes += chunk.length;
	});
	const result = await child;
	const ms = performance.now() - start;
	const stderr = String(result.stderr ?? '');
	if (result.exitCode !== 0) {
		throw new Error(`${file} ${args.join(' ')} exited ${result.exitCode}: ${stderr.slice(0, 500)}`);
	}

	const rss = /__MAXRSS__(\d+)/.exec(stderr);
	return {ms, maxRssKb: rss ? Number(rss[1]) : Number.NaN, stdoutBytes};
}

/** Runs `measure` `times` times (after `before` each time) and returns the medians. */
export async function repeat(times: number, measure: () => Promise<Timed>, before?: () => Promise<void>): Promise<Timed> {
	const runs: Timed[] = [];
	for (let index = 0; index < times; index++) {
		await before?.();
		runs.push(await measure());
	}

	return {
		ms: median(runs.map(run => run.ms)),
		maxRssKb: median(runs.map(run => run.maxRssKb)),
		stdoutBytes: runs[0]!.stdoutBytes,
	};
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
export const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** A "smaller is better" comparison against a ≤ limit× target. */
export function timeRow(name: string, ours: Timed, baseline: Timed, limit: number, extra = ''): Row {
	const ratio = ours.ms / baseline.ms;
	return {
		name,
		ours: `${fmtMs(ours.ms)}${extra}`,
		baseline: fmtMs(baseline.ms),
		ratio: `${ratio.toFixed(2)}×`,
		target: `≤ ${limit}×`,
		met: ratio <= limit,
	};
}
