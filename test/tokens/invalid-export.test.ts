import {describe, expect, it} from 'vitest';
import {MAX_EXPORT_STRING_LENGTH, TokenError, decodeExportString, encodeMsgpack} from '../../source/tokens/index.js';
import {VECTOR} from '../helpers/vectors.js';

const b64 = (value: unknown) => Buffer.from(encodeMsgpack(value)).toString('base64url');

describe('malformed export strings give one-line typed errors', () => {
	const cases: Array<[string, string, RegExp]> = [
		['empty', '', /empty/],
		['whitespace only', '   \n', /empty/],
		['not base64', 'garbage!!', /not base64/],
		['truncated msgpack', 'garbage', /msgpack/],
		['truncated valid string', VECTOR.exportString.slice(0, 40), /msgpack/],
		['a number', b64(0), /not a token map/],
		['nil', b64(null), /not a token map/],
		['an array', b64([VECTOR.id]), /not a token map/],
		['no id', b64({description: 'x'}), /"id"/],
		['short id', b64({id: 'abc'}), /"id"/],
		['id not hex', b64({id: 'z'.repeat(64)}), /"id"/],
		['id as bin', Buffer.from([0x81, 0xa2, 0x69, 0x64, 0xc4, 0x20, ...Buffer.alloc(32)]).toString('base64url'), /"id"/],
		['scopes not a list', b64({id: VECTOR.id, scopes: '*'}), /"scopes"/],
		['scopes with a number', b64({id: VECTOR.id, scopes: [1]}), /"scopes"/],
		['description not text', b64({id: VECTOR.id, description: 5}), /"description"/],
		['restrictions not a map', b64({id: VECTOR.id, restrictions: [1]}), /"restrictions"/],
		['created not a date', b64({id: VECTOR.id, created: 'yesterday'}), /"created"/],
		[
			'__proto__ key',
			Buffer.from([0x82, 0xa2, 0x69, 0x64, 0xd9, 0x40, ...Buffer.from(VECTOR.id), 0xa9, ...Buffer.from('__proto__'), 0x01]).toString(
				'base64url',
			),
			/msgpack/,
		],
	];

	it.each(cases)('%s', (_name, input, message) => {
		let caught: unknown;
		try {
			decodeExportString(input);
		} catch (error) {
			caught = error;
		}

		expect(caught).toBeInstanceOf(TokenError);
		expect((caught as TokenError).code).toBe('invalid-export');
		expect((caught as TokenError).message).toMatch(message);
		expect((caught as TokenError).message).not.toContain('\n');
	});

	it('refuses an oversized string before decoding it', () => {
		expect(() => decodeExportString('A'.repeat(MAX_EXPORT_STRING_LENGTH + 1))).toThrow(/longer than/);
	});
});

/**
 * EmailEngine's import takes any fields with an id (compatibility §3.3); ours refuses known fields of the
 * wrong shape, so nothing is stored broken, widened or unusable (the README's differences).
 */
describe('export strings whose known fields have the wrong shape', () => {
	const id = VECTOR.id;
	const cases: Array<[string, Record<string, unknown>, string]> = [
		[
			'restrictions.addresses as a string',
			{restrictions: {addresses: '10.0.0.1'}},
			'"restrictions.addresses" must be a list of IP addresses or CIDR ranges',
		],
		[
			'an address that is not one',
			{restrictions: {addresses: ['10.0.0.0/8', 'intranet']}},
			'"restrictions.addresses[1]" is not an IP address or CIDR range',
		],
		[
			'an address that is not text',
			{restrictions: {addresses: [167_772_161]}},
			'"restrictions.addresses[0]" is not an IP address or CIDR range',
		],
		[
			'an address with an escape sequence',
			{restrictions: {addresses: ['10.0.0.1\u001B[2J']}},
			'"restrictions.addresses[0]" is not an IP address or CIDR range',
		],
		[
			'restrictions.referrers as a string',
			{restrictions: {referrers: 'https://*.example.com/*'}},
			'"restrictions.referrers" must be a list of referrer patterns',
		],
		['an empty referrer', {restrictions: {referrers: ['']}}, '"restrictions.referrers[0]" is not a referrer pattern'],
		[
			'too many referrers',
			{restrictions: {referrers: Array.from({length: 257}, () => '*')}},
			'"restrictions.referrers" has more than 256 entries',
		],
		[
			'a rate limit of 0 requests',
			{restrictions: {rateLimit: {maxRequests: 0, timeWindow: 60}}},
			'"restrictions.rateLimit" must be {maxRequests, timeWindow}, two positive integers',
		],
		['a fractional rate limit', {restrictions: {rateLimit: {maxRequests: 1.5, timeWindow: 60}}}, 'two positive integers'],
		['a rate limit without its window', {restrictions: {rateLimit: {maxRequests: 10}}}, 'two positive integers'],
		['a rate limit with text for a number', {restrictions: {rateLimit: {maxRequests: '10', timeWindow: 60}}}, 'two positive integers'],
		['a rate limit with an extra key', {restrictions: {rateLimit: {maxRequests: 10, timeWindow: 60, burst: 5}}}, 'two positive integers'],
		['a rate limit as text', {restrictions: {rateLimit: '100/60'}}, 'two positive integers'],
		[
			'an unknown restriction',
			{restrictions: {countries: ['NL']}},
			'"restrictions" has a key other than referrers, addresses and rateLimit',
		],
		['restrictions as text', {restrictions: '10.0.0.1'}, '"restrictions" must be a map'],
		['a description over 1,024 characters', {description: 'd'.repeat(1025)}, '"description" is longer than 1024 characters'],
		['a description that is not text', {description: 5}, '"description" must be text'],
		['an account over 256 characters', {account: 'a'.repeat(257)}, '"account" is longer than 256 characters'],
		['an account as a map', {account: {id: 'example'}}, '"account" must be text'],
		['an account true', {account: true}, '"account" must be text'],
		['metadata over 1 MiB', {metadata: 'm'.repeat(1024 * 1024 + 1)}, '"metadata" is longer than 1048576 characters'],
		['metadata that is not text', {metadata: {a: 1}}, '"metadata" must be text'],
		['an ip that is a range', {ip: '10.0.0.0/8'}, '"ip" must be an IP address'],
		['a remoteAddress that is a word', {remoteAddress: 'localhost'}, '"remoteAddress" must be an IP address'],
		['scopes as text', {scopes: 'api'}, '"scopes" must be a list of "*", "api", "metrics", "smtp", "imap-proxy", "mcp"'],
		['an unknown scope', {scopes: ['api', '\u001B]0;pwned\u0007']}, '"scopes" must be a list of'],
		['expires as a numeric string', {expires: '1790000000000'}, '"expires" must be a date'],
		['expires true', {expires: true}, '"expires" must be a date'],
		['permissions {}', {permissions: {}}, '"permissions" is malformed'],
		['permissions as text', {permissions: 'all'}, '"permissions" is malformed'],
		['permissions with an unknown action', {permissions: {actions: ['fly']}}, '"permissions" is malformed'],
	];

	it.each(cases)('%s: refused with the reason', (_name, fields, reason) => {
		const input = b64({id, created: new Date(VECTOR.created), scopes: ['api'], description: 'x', ...fields});
		let caught: unknown;
		try {
			decodeExportString(input);
		} catch (error) {
			caught = error;
		}

		expect(caught).toMatchObject({code: 'invalid-export'});
		const message = (caught as TokenError).message;

		expect(message.startsWith('Invalid export string: ')).toBe(true);
		expect(message).toContain(reason);
		expect(message).not.toContain('\n');
	});

	it(`takes what EmailEngine's writers produce: nil restriction keys, an integer account, admin permissions, unknown keys`, () => {
		const accepted: Array<Record<string, unknown>> = [
			{
				restrictions: {referrers: null, addresses: ['10.0.0.0/8', '::1', '2001:db8::/32'], rateLimit: null},
				ip: '127.0.0.1',
				remoteAddress: '::ffff:127.0.0.1',
			},
			{restrictions: {referrers: ['https://*.example.com/*'], rateLimit: {maxRequests: 100, timeWindow: 60}}},
			{account: 12_345},
			{account: 'example', permissions: {groups: ['admin']}},
			{permissions: {actions: ['read'], groups: []}},
			{expires: 0, account: null, metadata: '{"issuer":"mcp-oauth","client":"c"}'},
			{futureField: {deep: [1, 2, {x: 'y'}]}},
			{description: 'd'.repeat(1024), account: 'a'.repeat(256)},
		];
		for (const fields of accepted) {
			const input = b64({id, created: new Date(VECTOR.created), scopes: ['*'], ...fields});
			expect(decodeExportString(input).fields, JSON.stringify(fields)).toMatchObject(fields);
		}

		expect(decodeExportString(VECTOR.exportString).id).toBe(VECTOR.id);
	});
});
