import {describe, expect, it} from 'vitest';
import {parseExpiry} from '../../source/tokens/index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const iso = (text: string) => new Date(parseExpiry(text, NOW)).toISOString();

describe('--expires means what was typed', () => {
	it('durations, with lower-case units only', () => {
		expect(parseExpiry('30d', NOW)).toBe(NOW + 30 * 86_400_000);
		expect(parseExpiry('90m', NOW)).toBe(NOW + 90 * 60_000);
		expect(parseExpiry('1y', NOW)).toBe(NOW + 365 * 86_400_000);
		// `1M` was one minute to someone who may have meant a month.
		for (const text of ['1M', '30D', '1e3d', '0x10d', '-1d', '1.5d', '30']) {
			expect(() => parseExpiry(text, NOW), text).toThrow(/^Invalid expiry/);
		}

		expect(() => parseExpiry('9999999999999d', NOW)).toThrow(/later than 9999-12-31/);
	});

	it('a bare date is 00:00 UTC that day; a date-time carries its zone', () => {
		expect(iso('2027-01-15')).toBe('2027-01-15T00:00:00.000Z');
		expect(iso('2027-01-15T09:00Z')).toBe('2027-01-15T09:00:00.000Z');
		expect(iso('2027-01-15T09:00+02:00')).toBe('2027-01-15T07:00:00.000Z');
		expect(iso('2027-01-15T09:00:30.5-05:30')).toBe('2027-01-15T14:30:30.500Z');
		expect(iso('2028-02-29')).toBe('2028-02-29T00:00:00.000Z');
		expect(iso('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
	});

	it('a time without a zone is refused, not read as local time', () => {
		expect(() => parseExpiry('2027-01-15T09:00', NOW)).toThrow(/a time needs its zone: 2027-01-15T09:00Z for UTC/);
		expect(() => parseExpiry('2027-01-15T09:00:00.000', NOW)).toThrow(/needs its zone/);
	});

	it.each([
		// Date.parse read these as 2027-10-01, a June 2099 date and 2027-03-01.
		['2027-01-15 oct', /use a duration/],
		['2099-01-01junk', /use a duration/],
		['2027-02-29', /no such date or time/],
		['2027-04-31', /no such date or time/],
		['2027-13-01', /no such date or time/],
		['2027-01-15T24:00Z', /no such date or time/],
		['2027-01-15T23:59:60Z', /no such date or time/],
		['2027-01-15T09:00+24:00', /no such date or time/],
		['2027-01-15T09:00+02:60', /no such date or time/],
		['2027-01-15T09:00:00.1234Z', /use a duration/],
		['2027-01-15 09:00Z', /use a duration/],
		['2027-1-5', /use a duration/],
		['20270115', /use a duration/],
		['2027-W03', /use a duration/],
		['+002027-01-15', /use a duration/],
		['Jan 15 2027', /use a duration/],
		['soon', /use a duration/],
	])('%s is refused', (text, message) => {
		expect(() => parseExpiry(text, NOW)).toThrow(message);
	});

	it('never in the past', () => {
		expect(() => parseExpiry('2020-01-01', NOW)).toThrow(/^Expiry 2020-01-01T00:00:00.000Z is not in the future/);
		expect(() => parseExpiry('0050-01-01', NOW)).toThrow(/^Expiry 0050-01-01T00:00:00.000Z is not in the future/);
		expect(() => parseExpiry('0d', NOW)).toThrow(/not in the future/);
	});
});
