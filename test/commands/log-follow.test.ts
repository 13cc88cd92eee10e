import {expect, test} from 'vitest';
import {findPlace} from '../../source/commands/log-follow.js';

/** Where --follow finds the newest entries it printed again, among what one poll read (newest first). */

const b = (text: string) => Buffer.from(text);

test('what is above the place is new; a run, not one entry, is the place', () => {
	// Two new entries with the same bytes as the newest printed one: the run tells them apart.
	expect(findPlace([b('c'), b('c'), b('c'), b('b')], [b('c'), b('b')])).toBe(2);
	expect(findPlace([b('x'), b('c'), b('b'), b('a')], [b('c'), b('b'), b('a')])).toBe(1);
	expect(findPlace([b('c'), b('b')], [b('c'), b('b')])).toBe(0);
});

test('no place yet: everything read is new; a place that is gone is not found', () => {
	expect(findPlace([b('a'), b('b')], [])).toBe(2);
	expect(findPlace([b('x'), b('y')], [b('c'), b('b')])).toBe(-1);
	expect(findPlace([], [b('c')])).toBe(-1);
});
