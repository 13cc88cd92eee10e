import {describe, expect, it} from 'vitest';
import {INVALID_DATE, entryToJson, isoTime, relativeTime, shortDate, toMillis} from '../../source/tokens/index.js';
import {random} from '../helpers/fuzz.js';

describe('times read from Redis', () => {
	it('isoTime is toISOString wherever a Date exists, fractions and years before 1970 or after 9999 included', () => {
		const rng = random(0x150);
		const samples = [0, 1, -1, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000, 8.64e15, -8.64e15, 1.5, -0.5];
		for (let index = 0; index < 20_000; index++) {
			samples.push(Math.floor(rng.next() * 253_402_300_800_000), (rng.next() - 0.5) * 1.7e16);
		}

		for (const ms of samples) {
			expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
		}
	});

	it('has no text for times no Date can hold, and tables and JSON say so instead of throwing', () => {
		for (const ms of [8.64e15 + 1, -8.64e15 - 1, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(isoTime(ms)).toBeUndefined();
			expect(shortDate(ms)).toBe(INVALID_DATE);
			expect(relativeTime(ms, Date.now())).toBe(INVALID_DATE);
		}

		// An invalid Date (a msgpack timestamp beyond a Date's range) is no time at all.
		expect(toMillis(new Date(Number.NaN))).toBeUndefined();
		const json = entryToJson({id: 'a'.repeat(64), record: {created: 1e300, expires: -1e20, scopes: ['api']}, lastUse: {time: 1e300, ip: '10.0.0.1'}});
		// What EmailEngine's JSON shows for an invalid Date: null.
		expect(json).toMatchObject({created: null, expires: null, access: {time: null, ip: '10.0.0.1'}});
	});
});
