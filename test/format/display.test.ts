import {describe, expect, it} from 'vitest';
import {entryToJson, isoTime, toMillis} from '../../source/tokens/index.js';
import {DISPLAY_DEPTH, DISPLAY_LIMIT, INVALID_DATE, displayText, relativeTime, shortDate, spanText} from '../../source/format/index.js';
import {random} from '../helpers/fuzz.js';

describe('times read from Redis', () => {
	it('isoTime is toISOString wherever a Date exists, fractions and years before 1970 or after 9999 included', () => {
		const rng = random(0x150);
		const samples = [
			0, 1, -1, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000, 8.64e15, -8.64e15, 1.5,
			-0.5,
		];
		for (let index = 0; index < 20_000; index++) {
			samples.push(Math.floor(rng.next() * 253_402_300_800_000), (rng.next() - 0.5) * 1.7e16);
		}

		// Compared in a plain loop and asserted once: an expect per sample cost seconds of CPU.
		const differing = samples.filter(ms => isoTime(ms) !== new Date(ms).toISOString());
		expect(differing.slice(0, 5).map(ms => [ms, isoTime(ms), new Date(ms).toISOString()])).toEqual([]);
	});

	it('has no text for times no Date can hold, and tables and JSON say so instead of throwing', () => {
		for (const ms of [8.64e15 + 1, -8.64e15 - 1, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(isoTime(ms)).toBeUndefined();
			expect(shortDate(ms)).toBe(INVALID_DATE);
			expect(relativeTime(ms, Date.now())).toBe(INVALID_DATE);
		}

		// An invalid Date (a msgpack timestamp beyond a Date's range) is no time at all.
		expect(toMillis(new Date(Number.NaN))).toBeUndefined();
		const json = entryToJson({
			id: 'a'.repeat(64),
			record: {created: 1e300, expires: -1e20, scopes: ['api']},
			lastUse: {time: 1e300, ip: '10.0.0.1'},
		});
		// What EmailEngine's JSON shows for an invalid Date: null.
		expect(json).toMatchObject({created: null, expires: null, access: {time: null, ip: '10.0.0.1'}});
	});
});

describe('displayText: any value from Redis as one safe, bounded line', () => {
	const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

	it('shows each type as people read it, escapes made inert at any depth', () => {
		expect(displayText('plain')).toBe('plain');
		expect(displayText('a\u001B]0;pwned\u0007b\u009B2J\u202E')).toBe('a\uFFFD]0;pwned\uFFFDb\uFFFD2J\uFFFD');
		expect(displayText(42)).toBe('42');
		expect(displayText(null)).toBe('null');
		expect(displayText(undefined)).toBe('');
		expect(displayText(true)).toBe('true');
		expect(displayText(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
		expect(displayText(new Date(Number.NaN))).toBe(INVALID_DATE);
		expect(displayText(new Uint8Array(3))).toBe('<3 bytes>');
		expect(displayText(['api', {maxRequests: '\u001B]0;x\u0007', n: [1, null]}])).toBe(
			'["api",{"maxRequests":"\\u001b]0;x\\u0007","n":[1,null]}]',
		);
		expect(displayText({[`k\u009D`]: 'v\u2066'})).toBe('{"k\uFFFD":"v\uFFFD"}');
	});

	it('is bounded whatever the size or depth: a 1 MB string, a 200,000-deep list, a 100,000-key map', () => {
		const huge = 'x'.repeat(1024 * 1024);
		expect(displayText(huge)).toHaveLength(DISPLAY_LIMIT + 1);
		expect(displayText(huge, 10)).toBe(`${'x'.repeat(10)}…`);
		let deep: unknown = null;
		for (let level = 0; level < 200_000; level++) {
			deep = [deep];
		}

		expect(displayText(deep)).toBe(`${'['.repeat(DISPLAY_DEPTH)}…${']'.repeat(DISPLAY_DEPTH)}`);
		const wide = Object.fromEntries(Array.from({length: 100_000}, (_, index) => [`k${index}`, index]));
		const shown = displayText(wide);
		expect(shown.length).toBeLessThanOrEqual(DISPLAY_LIMIT + 1);
		expect(shown.endsWith('…')).toBe(true);
		expect(displayText(Array.from({length: 100_000}, () => 'y'.repeat(100))).length).toBeLessThanOrEqual(DISPLAY_LIMIT + 1);
		// Never half a surrogate pair at the cut.
		expect(displayText('🚀'.repeat(600), 5)).toBe('🚀🚀…');
		for (const value of [huge, deep, wide]) {
			expect(displayText(value)).not.toMatch(UNSAFE);
		}
	});
});

describe('relativeTime', () => {
	const NOW = Date.parse('2026-12-01T16:43:22.716Z');
	it('reads as people count: a 30-day token a second old is "in 30 days", not 29', () => {
		expect(relativeTime(NOW + 30 * 86_400_000 - 1000, NOW)).toBe('in 30 days');
		expect(relativeTime(NOW - 2 * 60_000 - 59_000, NOW)).toBe('3 minutes ago');
		expect(relativeTime(NOW - 30_000, NOW)).toBe('just now');
		// A last use at this very millisecond is not in the future.
		expect(relativeTime(NOW, NOW)).toBe('just now');
		expect(relativeTime(NOW + 30_000, NOW)).toBe('in under a minute');
		expect(relativeTime(NOW - 86_400_000, NOW)).toBe('1 day ago');
	});
});

describe('spanText (the edit review says how much later)', () => {
	it('says a length of time in the unit that fits, short ones too', () => {
		expect(spanText(12 * 3_600_000)).toBe('12 hours');
		expect(spanText(3_600_000)).toBe('1 hour');
		expect(spanText(7 * 86_400_000)).toBe('7 days');
	});
});
