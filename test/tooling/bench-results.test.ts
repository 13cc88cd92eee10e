import {describe, expect, it} from 'vitest';
import {SCALE_MARK, spliceResults} from '../bench/results-file.js';

const defaultRun = (day: string) => `# Benchmark results\n\n${day}\n\n| case | ours |\n|---|---|\n| list | 2 s |\n`;
const scaleRun = (day: string) => `## Ten times the scale\n\n${day}\n\n| case | ours |\n|---|---|\n| list | 20 s |\n`;

describe('RESULTS.md, written by two runs', () => {
	it('keeps the scale section when the default run rewrites its part', () => {
		const both = spliceResults(spliceResults(undefined, 'default', defaultRun('monday')), 'scale', scaleRun('monday'));
		const next = spliceResults(both, 'default', defaultRun('tuesday'));
		expect(next).toContain('tuesday\n\n| case');
		expect(next).not.toContain('# Benchmark results\n\nmonday');
		expect(next).toContain(`${SCALE_MARK}\n\n${scaleRun('monday')}`);
		expect(next.indexOf('tuesday')).toBeLessThan(next.indexOf(SCALE_MARK));
	});

	it('keeps the default part when the scale run rewrites its section', () => {
		const both = spliceResults(spliceResults(undefined, 'default', defaultRun('monday')), 'scale', scaleRun('monday'));
		const next = spliceResults(both, 'scale', scaleRun('tuesday'));
		expect(next.startsWith(defaultRun('monday').trimEnd())).toBe(true);
		expect(next).toContain(`${SCALE_MARK}\n\n${scaleRun('tuesday')}`);
		expect(next).not.toContain('## Ten times the scale\n\nmonday');
		expect(next.split(SCALE_MARK)).toHaveLength(2);
	});

	it('adds the scale section after a file written before there was one', () => {
		const next = spliceResults(defaultRun('monday'), 'scale', scaleRun('tuesday'));
		expect(next).toBe(`${defaultRun('monday').trimEnd()}\n\n${SCALE_MARK}\n\n${scaleRun('tuesday')}`);
	});

	it('starts a file of its own when there is none', () => {
		expect(spliceResults(undefined, 'scale', scaleRun('monday'))).toBe(`# Benchmark results\n\n${SCALE_MARK}\n\n${scaleRun('monday')}`);
		expect(spliceResults(undefined, 'default', defaultRun('monday'))).toBe(defaultRun('monday'));
	});
});
