import {describe, expect, it} from 'vitest';
import {ImportStopped, type SyncPlan} from '../../source/store/index.js';
import {copyRefusal, planLines, resultLines} from '../../source/ui/state/copy-to.js';

const ID = (n: number) => n.toString(16).padStart(64, '0');
const plan = (parts: Partial<SyncPlan>): SyncPlan => ({
	copy: [],
	same: [],
	conflicts: [],
	expired: [],
	unreadable: [],
	refused: [],
	...parts,
});
const copied = (n: number, replacesExpired = false) => ({id: ID(n), record: {description: `t${n}`}, exportString: 'x', replacesExpired});

describe('copying to another instance, in words', () => {
	it('refuses the instance the app is on and a read-only one, and lets the others be picked', () => {
		expect(copyRefusal({name: 'staging', readOnly: false, redis: 'r'}, 'staging')).toBe(
			'staging is the instance the app is on: pick another to copy to',
		);
		expect(copyRefusal({name: 'prod', readOnly: true, redis: 'r'}, 'staging')).toBe(
			'Instance prod is read-only: copying would write to it; nothing was done',
		);
		expect(copyRefusal({name: 'spare', readOnly: false, redis: 'r'}, 'staging')).toBeUndefined();
		// An app started on a URL (no instance): every writable instance is a target.
		expect(copyRefusal({name: 'staging', readOnly: false, redis: 'r'}, undefined)).toBeUndefined();
	});

	it('names at most three tokens of each kind, then how many more: the Enter line stays on screen', () => {
		const lines = planLines(
			plan({
				copy: [copied(1)],
				conflicts: Array.from({length: 40}, (_, index) => ({
					id: ID(100 + index),
					record: {},
					fields: [{field: 'scopes', from: [], to: []}],
				})),
				unreadable: Array.from({length: 4}, (_, index) => ({id: ID(200 + index), reason: 'not a map'})),
				refused: Array.from({length: 3}, (_, index) => ({id: ID(300 + index), problem: 'created is not a number'})),
			}),
		);
		expect(lines).toHaveLength(1 + 4 + 4 + 3);
		expect(lines[4]).toBe('… and 37 more kept: a different token under the same id there');
		expect(lines[8]).toBe('… and 1 more not copied: cannot be read here');
		expect(lines.at(-1)).toBe('not copied: 000000000000… created is not a number');
	});

	it('says each token that will not be copied and why, with text from Redis inert', () => {
		const lines = planLines(
			plan({
				copy: [copied(1), copied(2, true)],
				same: [ID(3)],
				conflicts: [
					{id: ID(4), record: {}, fields: [{field: 'scopes', from: ['api'], to: ['*']}]},
					{id: ID(5), record: {}, fields: [], unreadable: 'not a map'},
				],
				expired: [{id: ID(6), record: {}}],
				unreadable: [{id: ID(7), reason: 'nested \u001B[31mdeep'}],
				refused: [{id: ID(8), problem: 'created is not a number'}],
			}),
		);
		expect(lines).toEqual([
			'2 tokens to copy (some over an expired record there)',
			'1 token already there, the same: left alone',
			'kept: a different token under 000000000000… there (scopes)',
			'kept: a different token under 000000000000… there (unreadable there: not a map)',
			'1 token expired here: not copied',
			expect.stringMatching(/^not copied: 0{12}… cannot be read here \(nested .*deep\)$/) as unknown as string,
			'not copied: 000000000000… created is not a number',
		]);
		// The escape from Redis reaches no terminal.
		expect(lines.join('\n')).not.toContain('\u001B');
	});

	it('says what was copied, what appeared meanwhile, and a stop part-way with how to finish', () => {
		const stopped = new ImportStopped([], new Error('OOM command not allowed when used memory > maxmemory'));
		expect(
			resultLines('spare', plan({conflicts: [{id: ID(4), record: {}, fields: []}]}), {copied: [ID(1)], present: [ID(2)], stopped}),
		).toEqual({
			lines: [
				'Copied 1 token to spare.',
				'1 token appeared there meanwhile and was kept.',
				'1 token kept: spare holds a different token under the id.',
				'Stopped early: OOM command not allowed when used memory > maxmemory. Copy again to finish: nothing is copied twice.',
			],
			said: 'Copied 1 token to spare',
		});
	});
});
