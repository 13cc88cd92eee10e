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

/** A command's medians over its runs, and each run's wall time (ms) in the order they ran, for the spread. */
export type Timed = {ms: number; maxRssKb: number; stdoutBytes: number; runs: number[]};

/** One run of a command. */
export type Run = {ms: number; maxRssKb: number; stdoutBytes: number};

/**
 * Runs a command to completion under /usr/bin/time for its peak resident set, timing the wall
 * clock around it. Output goes to a byte counter, not to memory.
 */
export async function timeCommand(file: string, args: readonly string[], options: Options = {}): Promise<Run> {
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

/** The medians of some runs, keeping each run's time for the spread. */
export const summarize = (runs: readonly Run[]): Timed => ({
	ms: median(runs.map(run => run.ms)),
	maxRssKb: median(runs.map(run => run.maxRssKb)),
	stdoutBytes: runs[0]!.stdoutBytes,
	runs: runs.map(run => run.ms),
});

/** Runs `measure` `times` times (after `before` each time) and returns the medians. */
export async function repeat(times: number, measure: () => Promise<Run>, before?: () => Promise<void>): Promise<Timed> {
	const runs: Run[] = [];
	for (let index = 0; index < times; index++) {
		await before?.();
		runs.push(await measure());
	}

	return summarize(runs);
}

/**
 * Ours and the baseline `times` times each, taking turns (after `before` each time), so that a
 * machine busy with something else slows both alike: the ratio of each pair is then worth its spread.
 */
export async function alternate(
	times: number,
	ours: () => Promise<Run>,
	baseline: () => Promise<Run>,
	before?: () => Promise<void>,
): Promise<{ours: Timed; baseline: Timed}> {
	const oursRuns: Run[] = [];
	const baselineRuns: Run[] = [];
	for (let index = 0; index < times; index++) {
		await before?.();
		oursRuns.push(await ours());
		await before?.();
		baselineRuns.push(await baseline());
	}

	return {ours: summarize(oursRuns), baseline: summarize(baselineRuns)};
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
export const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** The lowest and highest of some values, as the results give a median's spread: "610 ms to 702 ms". */
export function spread(values: readonly number[], format: (value: number) => string = fmtMs): string {
	return `${format(Math.min(...values))} to ${format(Math.max(...values))}`;
}

/** A median with its spread over the runs: "640 ms (610 ms to 702 ms)". */
export const withSpread = (timed: Timed): string => `${fmtMs(timed.ms)} (${spread(timed.runs)})`;

/**
 * The ratio of the medians, and when ours and the baseline took turns (as many runs each), the
 * spread of the ratios of each pair: "1.20× (1.12× to 1.31× by run)".
 */
export function ratioText(ours: Timed, baseline: Timed, ratio = ours.ms / baseline.ms): string {
	if (ours.runs.length !== baseline.runs.length || ours.runs.length < 2) {
		return `${ratio.toFixed(2)}×`;
	}

	const pairs = ours.runs.map((ms, index) => ms / baseline.runs[index]!);
	return `${ratio.toFixed(2)}× (${spread(pairs, value => `${value.toFixed(2)}×`)} by run)`;
}

/** A "smaller is better" comparison against a ≤ limit× target, each side a median with its spread. */
export function timeRow(name: string, ours: Timed, baseline: Timed, limit: number, extra = ''): Row {
	const ratio = ours.ms / baseline.ms;
	return {
		name,
		ours: `${withSpread(ours)}${extra}`,
		baseline: withSpread(baseline),
		ratio: ratioText(ours, baseline),
		target: `≤ ${limit}×`,
		met: ratio <= limit,
	};
}
