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
		['__proto__ key', Buffer.from([0x82, 0xa2, 0x69, 0x64, 0xd9, 0x40, ...Buffer.from(VECTOR.id), 0xa9, ...Buffer.from('__proto__'), 0x01]).toString('base64url'), /msgpack/],
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
