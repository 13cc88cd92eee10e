import {describe, expect, it} from 'vitest';
import {
	buildRecord,
	parseAccount,
	parseDescription,
	parseExpiry,
	parseRateLimit,
	parseRestrictions,
	parseScopes,
} from '../../source/tokens/index.js';
import {sanitizeText} from '../../source/format/index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('issue-time validation', () => {
	it('scopes: lower-cased, de-duplicated, comma lists, * by default', () => {
		expect(parseScopes([])).toEqual(['*']);
		expect(parseScopes(['API', 'metrics,api'])).toEqual(['api', 'metrics']);
		expect(() => parseScopes(['bogus'])).toThrow(/Unknown scope: "bogus"/);
	});

	it('description: trimmed, limited, defaulted like EmailEngine', () => {
		expect(parseDescription('  x  ', NOW)).toBe('x');
		expect(parseDescription(undefined, NOW)).toBe('Generated at 2026-01-01T00:00:00.000Z');
		expect(() => parseDescription('a'.repeat(1025), NOW)).toThrow(/1024/);
	});

	it('expiry: durations and ISO dates, never in the past', () => {
		expect(parseExpiry('30d', NOW)).toBe(NOW + 30 * 86_400_000);
		expect(parseExpiry('90m', NOW)).toBe(NOW + 90 * 60_000);
		expect(parseExpiry('2027-01-01T00:00:00Z', NOW)).toBe(Date.parse('2027-01-01T00:00:00Z'));
		expect(() => parseExpiry('2020-01-01', NOW)).toThrow(/not in the future/);
		expect(() => parseExpiry('soon', NOW)).toThrow(/Invalid expiry/);
	});

	it('restrictions: addresses, CIDR, referrers, rate limit', () => {
		expect(parseRestrictions({addresses: ['10.0.0.0/8', '::1'], referrers: ['https://*.example.com/*'], rateLimit: '100/60'})).toEqual({
			referrers: ['https://*.example.com/*'],
			addresses: ['10.0.0.0/8', '::1'],
			rateLimit: {maxRequests: 100, timeWindow: 60},
		});
		expect(parseRestrictions({})).toBeUndefined();
		expect(() => parseRestrictions({addresses: ['10.0.0.300']})).toThrow(/Invalid IP/);
		expect(() => parseRateLimit('0/60')).toThrow(/Invalid rate limit/);
		expect(() => parseRateLimit('ten')).toThrow(/Invalid rate limit/);
	});

	it('limits: account 256, 256 entries per restriction list of at most 1024 characters each', () => {
		expect(parseAccount(` ${'a'.repeat(256)} `)).toBe('a'.repeat(256));
		expect(() => parseAccount('a'.repeat(257))).toThrow(/longer than 256/);
		expect(parseAccount('  ')).toBeUndefined();
		const many = Array.from({length: 257}, (_, index) => `10.0.${index >> 8}.${index & 255}`);
		expect(() => parseRestrictions({addresses: many})).toThrow(/Too many IP entries/);
		expect(parseRestrictions({addresses: many.slice(0, 256)})?.addresses).toHaveLength(256);
		expect(() => parseRestrictions({referrers: ['x'.repeat(1025)]})).toThrow(/longer than 1024/);
	});

	it('records keep EmailEngine provision order and omit empty fields', () => {
		const record = buildRecord({created: 1, account: 'a', scopes: ['api'], description: 'd', expires: 2});
		expect(Object.keys(record)).toEqual(['created', 'expires', 'account', 'scopes', 'description']);
		expect(Object.keys(buildRecord({created: 1, scopes: ['*'], description: 'd'}))).toEqual(['created', 'scopes', 'description']);
	});
});

describe('terminal safety', () => {
	it('neutralises escape sequences, OSC 52 and bidi overrides', () => {
		const hostile = 'a\u001B[2J\u001B]52;c;ZXZpbA==\u0007b\u009B31m\u202Ec';
		const safe = sanitizeText(hostile);
		expect(safe).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E]/);
		expect(safe.startsWith('a')).toBe(true);
		expect(sanitizeText('tab\there')).toBe('tab here');
	});
});
