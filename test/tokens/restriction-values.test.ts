import ipaddr from 'ipaddr.js';
import {describe, expect, it} from 'vitest';
import {addressAllowed} from '../../source/server/restrictions.js';
import {parseAddress, parseRateLimit, parseReferrer, parseScopes, restrictionWarnings} from '../../source/tokens/index.js';

describe('addresses mean what was typed', () => {
	it.each([
		// What ipaddr.js (EmailEngine's matcher) reads differently from a person.
		['010.0.0.1', '8.0.0.1', /without leading zeros \(010 would be read as octal 8\)/],
		['1.2.3.04', '1.2.3.4', /without leading zeros/],
		['0x0a.0.0.1', '10.0.0.1', /four decimal numbers/],
		['10.1', '10.0.0.1', /four decimal numbers/],
		['167772161', '10.0.0.1', /four decimal numbers/],
		['::ffff:010.0.0.1', '::ffff:a00:1', /without leading zeros/],
		['00001::1', '1::1', /four decimal numbers/],
		['1:2:3:4:5:6:7::8', '1:2:3:4:5:6:7:8', /four decimal numbers/],
		['fe80::1%eth0', 'fe80::1%eth0', /zone/],
	])('%s is refused (ipaddr.js reads it as %s)', (text, readAs, message) => {
		// The premise: ipaddr.js really does accept it, as something else.
		expect(ipaddr.parse(text).toString()).toBe(readAs);
		expect(() => parseAddress(text)).toThrow(message);
	});

	it.each([
		['1.2.3.4/08', /prefix after \/ is a decimal number from 0 to 32/],
		['10.0.0.0/33', /from 0 to 32/],
		['2001:db8::/129', /from 0 to 128/],
		['10.0.0.0/8/8', /four decimal numbers/],
		['256.0.0.0', /four decimal numbers/],
		['1.2.3.4::', /four decimal numbers/],
		['1:2:3:4:5:6:7:1.2.3.4', /four decimal numbers/],
		['not-an-ip', /four decimal numbers/],
	])('%s is refused', (text, message) => {
		expect(() => parseAddress(text)).toThrow(message);
	});

	it('plain forms pass, and the matcher reads them as typed', () => {
		for (const [entry, client] of [
			['10.0.0.1', '10.0.0.1'],
			['0.0.0.0', '0.0.0.0'],
			['255.255.255.255', '255.255.255.255'],
			['10.0.0.0/8', '10.200.0.1'],
			['::1', '::1'],
			['2001:db8::/32', '2001:db8:ffff::1'],
			['FE80::1', 'fe80::1'],
			['::ffff:10.0.0.1', '10.0.0.1'],
			['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
		] as const) {
			expect(parseAddress(` ${entry} `)).toBe(entry);
			expect(addressAllowed(client, [entry]), entry).toBe(true);
		}
	});

	it('0.0.0.0/0, ::/0 and ::ffff:0:0/96 are accepted, with a warning each', () => {
		const addresses = ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '10.0.0.0/8'].map(entry => parseAddress(entry));
		expect(restrictionWarnings({addresses})).toEqual([
			'IP allowlist entry 0.0.0.0/0 allows every IPv4 address',
			'IP allowlist entry ::/0 allows every IPv6 address',
			'IP allowlist entry ::ffff:0:0/96 allows every IPv4 address',
		]);
		expect(restrictionWarnings({addresses: ['10.0.0.0/1', '::/1']})).toEqual([]);
		expect(restrictionWarnings(undefined)).toEqual([]);
	});
});

describe('referrers and rate limits mean what was typed', () => {
	it('a referrer with spaces or control characters could never match, so it is refused', () => {
		expect(parseReferrer(' https://*.example.com/* ')).toBe('https://*.example.com/*');
		expect(() => parseReferrer('https://example.com/a b')).toThrow(/never contains spaces or control characters/);
		expect(() => parseReferrer('https://example.com/\u0007')).toThrow(/control characters/);
		expect(restrictionWarnings({referrers: ['*', '**', 'https://*']})).toEqual([
			'Referrer pattern * allows every request, even one without a Referer',
			'Referrer pattern ** allows every request, even one without a Referer',
		]);
	});

	it.each(['1e3/60', '0x10/60', '100/6e1', '１００/60', '99999999999999999999/60', '100/2147483648', '2147483648/60', '-1/60', '1.5/60'])(
		'rate limit %s is refused',
		text => {
			expect(() => parseRateLimit(text)).toThrow(/^Invalid rate limit/);
		},
	);

	it('rate limits in decimal digits up to 2147483647 pass', () => {
		expect(parseRateLimit('100 / 60s')).toEqual({maxRequests: 100, timeWindow: 60});
		expect(parseRateLimit('2147483647/2147483647')).toEqual({maxRequests: 2_147_483_647, timeWindow: 2_147_483_647});
	});

	it('an empty scope in a list is refused, not read as "all"', () => {
		expect(() => parseScopes(['api,'])).toThrow(/^Empty scope in "api,"/);
		expect(() => parseScopes([','])).toThrow(/^Empty scope/);
	});
});
