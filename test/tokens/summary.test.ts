import {describe, expect, it} from 'vitest';
import {
	type TokenRecord,
	buildRecord,
	decodeLastUse,
	decodeRecord,
	encodeLastUse,
	encodeRecord,
	lastUseOf,
	lastUsedTime,
	matchesSearch,
	searchTextOf,
	summarizeRecord,
	summaryOf,
} from '../../source/tokens/index.js';
import {fuzzCases, random} from '../helpers/fuzz.js';
import {FULL_RECORD, ODD_RECORDS, bytesOf, hex} from '../helpers/msgpack-bytes.js';
import {VECTOR} from '../helpers/vectors.js';

/**
 * The fast reader must agree with the library decoder on every input: the same summary, or both
 * "no record". The reference is summaryOf() over decodeRecord(), exactly what the listing did
 * before the fast reader existed.
 */
const ID = 'ab'.repeat(32);
function reference(bytes: Buffer) {
	try {
		return summaryOf(ID, decodeRecord(bytes));
	} catch {
		return undefined;
	}
}

const agree = (bytes: Buffer, label: string) => {
	expect(summarizeRecord(ID, bytes), `${label}: ${bytes.toString('hex')}`).toEqual(reference(bytes));
};

describe('record summaries read straight from msgpack', () => {
	it('reads what a table shows from the compatibility vector and from records of every issue path', () => {
		expect(summarizeRecord(VECTOR.id, Buffer.from(VECTOR.storedHex, 'hex'))).toEqual({
			id: VECTOR.id,
			description: 'test token',
			account: undefined,
			scopes: ['*'],
			created: VECTOR.created,
			expires: undefined,
			lastUsed: undefined,
		});
		const full = FULL_RECORD;
		expect(summarizeRecord(ID, encodeRecord(full), 5)).toEqual({
			id: ID,
			description: 'Billing sync',
			account: 'acme',
			scopes: ['api', 'smtp'],
			created: 1_790_000_000_000,
			expires: 1_800_000_000_000,
			lastUsed: 5,
			// What review reads beyond the row: the restrictions (metadata not naming the MCP issuer is not kept).
			review: {restrictions: full['restrictions']},
		});
	});

	it('agrees with the library on odd but valid shapes', () => {
		const cases: Array<[string, unknown]> = [
			['integer account', {created: 1, account: 42, description: 'x'}],
			['float account', {account: 1.5}],
			['empty strings read as absent', {account: '', description: ''}],
			['non-string scope members are dropped', {scopes: ['api', 1, null, ['nested'], 'metrics']}],
			['scopes not an array', {scopes: 'api'}],
			['empty scopes', {scopes: []}],
			['negative and small integers', {created: -1, expires: 0}],
			['floats', {created: 1.25, expires: Number.NaN}],
			['infinity', {created: Number.POSITIVE_INFINITY}],
			['big integers', {created: 2 ** 60, expires: -(2 ** 40)}],
			['booleans and nil', {created: true, description: null, account: false}],
			['binary', {description: new Uint8Array([1, 2, 3])}],
			['dates', {created: new Date(1_700_000_000_000), expires: new Date(-5)}],
			['non-ASCII text', {description: 'Rechnungsprüfung 請求 🚀', account: 'mañana'}],
			['long text', {description: 'x'.repeat(70_000)}],
			['byte-order mark, long', {description: `\uFEFF${'y'.repeat(300)}`}],
			['byte-order mark, short', {description: '\uFEFFz'}],
			['nested maps', {restrictions: {rateLimit: {maxRequests: 1, timeWindow: 2}}, description: 'after'}],
			['unknown extension', {description: 'd', other: {type: 5, data: new Uint8Array([1])}}],
			['many keys', Object.fromEntries(Array.from({length: 40}, (_, index) => [`key${index}`, index]))],
			['long unknown key', {['k'.repeat(300)]: 1, description: 'd'}],
			['control characters', {description: 'a\u001B[2Jb'}],
		];
		for (const [label, value] of cases) {
			agree(bytesOf(value), label);
		}
	});

	it('agrees with the library on fields of the wrong type, and names every problem as recordProblem does', () => {
		const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
			['integer account', {account: 12_345}, 'account is a number, which no request names'],
			['account true', {account: true}, 'account is true, which no request names'],
			['account false', {account: false}, 'account is false, which no request names'],
			['account as a list', {account: ['a']}, 'account is a list, which no request names'],
			['account as a map', {account: {a: 1}}, 'account is a map, which no request names'],
			['account as binary', {account: new Uint8Array([1])}, 'account is binary data, which no request names'],
			['empty account', {account: ''}, undefined],
			['nil account', {account: null}, undefined],
			['scopes as text', {scopes: 'api'}, 'scopes is text, not a list'],
			['scopes true', {scopes: true}, 'scopes is true, not a list'],
			['scopes as a map', {scopes: {api: 1}}, 'scopes is a map, not a list'],
			['nil scopes', {scopes: null}, undefined],
			['expires as text', {expires: '1790000000000'}, 'expires is text, not a time'],
			['expires true', {expires: true}, 'expires is true, not a time'],
			['expires NaN', {expires: Number.NaN}, 'expires is not a number, not a time'],
			['expires Infinity', {expires: Number.POSITIVE_INFINITY}, 'expires is not a number, not a time'],
			['expires 0, empty or nil', {expires: 0, other: {expires: ''}}, undefined],
			['expires as a date', {expires: new Date(5)}, undefined],
			['nil restrictions and permissions', {restrictions: null, permissions: null}, undefined],
			['restrictions as text', {restrictions: 'x'}, 'restrictions is text, not a map'],
			['addresses as text', {restrictions: {addresses: '10.0.0.1'}}, 'restrictions.addresses is text, not a list'],
			['referrers true', {restrictions: {referrers: true}}, 'restrictions.referrers is true, not a list'],
			['rate limit as text', {restrictions: {rateLimit: '1/1'}}, 'restrictions.rateLimit is text, not a map'],
			[
				'rate limit of text',
				{restrictions: {rateLimit: {maxRequests: 'Infinity', timeWindow: 60}}},
				'restrictions.rateLimit.maxRequests is text, not a positive integer',
			],
			[
				'rate limit without maxRequests, window 0',
				{restrictions: {rateLimit: {timeWindow: 0}}},
				'restrictions.rateLimit.maxRequests is nil, not a positive integer; restrictions.rateLimit.timeWindow is a number, not a positive integer',
			],
			[
				'rate limit true',
				{restrictions: {rateLimit: {maxRequests: true, timeWindow: 60}}},
				'restrictions.rateLimit.maxRequests is true, not a positive integer',
			],
			['rate limit without a window', {restrictions: {rateLimit: {maxRequests: 5}}}, undefined],
			['permissions false', {permissions: false}, 'permissions is malformed'],
			[
				'well-formed restrictions and permissions',
				{restrictions: {addresses: ['::1'], rateLimit: {maxRequests: 1, timeWindow: 1}}, permissions: {groups: ['account']}},
				undefined,
			],
			[
				'every problem, in recordProblem order whatever the key order',
				{expires: 'x', scopes: 'y', account: 1},
				'account is a number, which no request names; scopes is text, not a list; expires is text, not a time',
			],
		];
		for (const [label, fields, problem] of cases) {
			const bytes = bytesOf({created: 1, description: 'd', ...fields});
			agree(bytes, label);
			expect(summarizeRecord(ID, bytes)?.problem, label).toBe(problem);
		}

		// A repeated key: the later value decides, for the problem too.
		const repeated = hex('82 a7 6163636f756e74 01 a7 6163636f756e74 a1 61');
		agree(repeated, 'repeated account');
		expect(summarizeRecord(ID, repeated)?.problem).toBeUndefined();
	});

	it('agrees with the library on broken and hostile bytes', () => {
		const cases: Array<[string, Buffer]> = [
			...ODD_RECORDS,
			['number key', hex('81 01 a1 78')],
			['overlong UTF-8', hex('81 ab 64 65 73 63 72 69 70 74 69 6f 6e a2 c0 af')],
			['trailing bytes', Buffer.concat([bytesOf({description: 'x'}), hex('c1 c1 ff')])],
			['repeated keys, the last wins', hex('82 ab 64 65 73 63 72 69 70 74 69 6f 6e a1 61 ab 64 65 73 63 72 69 70 74 69 6f 6e a1 62')],
		];
		for (const [label, bytes] of cases) {
			agree(bytes, label);
		}
	});

	it(`agrees with the library on ${fuzzCases(3000)} mutated records`, () => {
		const rng = random(0x5e_ed);
		const seeds = [
			encodeRecord(buildRecord({created: 1_790_000_000_000, account: 'acme', scopes: ['api'], description: 'Billing', metadata: '{}'})),
			encodeRecord(buildRecord({created: 1, expires: 2, scopes: ['*'], description: 'ünï', restrictions: {addresses: ['::1']}})),
			Buffer.from(VECTOR.storedHex, 'hex'),
			// Fields of the wrong type, whose problems both readers name.
			encodeRecord({created: 1, account: 7, scopes: 'api', expires: 'x', description: 'd', restrictions: null, permissions: null}),
		];
		for (let index = 0; index < fuzzCases(3000); index++) {
			const bytes = Buffer.from(rng.pick(seeds));
			switch (rng.int(3)) {
				case 0: {
					for (let flips = 1 + rng.int(4); flips > 0; flips--) {
						bytes[rng.int(bytes.length)] = rng.int(256);
					}

					agree(bytes, 'mutated');
					break;
				}

				case 1: {
					agree(bytes.subarray(0, rng.int(bytes.length)), 'truncated');
					break;
				}

				default: {
					const random = Buffer.alloc(1 + rng.int(64));
					for (let at = 0; at < random.length; at++) {
						random[at] = rng.int(256);
					}

					// A map header first, so the walk goes past the first byte.
					random[0] = 0x80 + rng.int(16);
					agree(random, 'random');
				}
			}
		}
	});

	it('shares one scopes array between records with the same scopes', () => {
		const first = summarizeRecord(ID, encodeRecord({created: 1, scopes: ['api']}));
		const second = summarizeRecord('cd'.repeat(32), encodeRecord({created: 2, scopes: ['api']}));
		expect(first?.scopes).toEqual(['api']);
		expect(second?.scopes).toBe(first?.scopes);
		expect(Object.isFrozen(first?.scopes)).toBe(true);
	});
});

/** Last uses both fast readers are checked on first: none, empty, as EmailEngine writes them, keys out of order. */
const writtenAndOdd = (): Array<Buffer | null> => [
	null,
	hex('80'),
	encodeLastUse(1_790_000_000_000, '127.0.0.1'),
	encodeLastUse(5, null),
	bytesOf({ip: 'x', time: 7}),
];

describe('last-use times read straight from msgpack', () => {
	const referenceTime = (bytes: Buffer | null) => {
		const lastUse = decodeLastUse(bytes);
		return lastUse?.unreadable ? 'unreadable' : (lastUse?.time ?? undefined);
	};
	it('agrees with decodeLastUse on written, fresh, odd and broken values', () => {
		const values: Array<Buffer | null> = [
			...writtenAndOdd(),
			bytesOf({time: new Date(9)}),
			bytesOf({time: 'soon'}),
			bytesOf({time: 1, time2: {nested: true}}),
			bytesOf([1, 2]),
			hex('81 a4 74 69 6d 65'),
			hex('c1'),
			Buffer.alloc(0),
		];
		for (const value of values) {
			expect(lastUsedTime(value), value?.toString('hex')).toBe(referenceTime(value));
		}

		// Stored but saying no time is not "never used": a query for never-used tokens must not take it.
		expect(values.map(value => lastUsedTime(value))).toStrictEqual([
			undefined,
			undefined,
			1_790_000_000_000,
			5,
			7,
			9,
			'unreadable',
			1,
			'unreadable',
			'unreadable',
			'unreadable',
			'unreadable',
		]);

		const rng = random(0x1a_57);
		for (let index = 0; index < fuzzCases(2000); index++) {
			const bytes = Buffer.from(encodeLastUse(1_790_000_000_000 + index, '10.0.0.1'));
			bytes[rng.int(bytes.length)] = rng.int(256);
			expect(lastUsedTime(bytes), bytes.toString('hex')).toBe(referenceTime(bytes));
		}
	});
});

describe('last uses (time and address) read straight from msgpack', () => {
	it('agrees with decodeLastUse on written, fresh, odd and broken values', () => {
		const values: Array<Buffer | null> = [
			...writtenAndOdd(),
			// Two ip keys: the library keeps the last.
			hex('83 a4 74 69 6d 65 07 a2 69 70 a5 66 69 72 73 74 a2 69 70 a6 73 65 63 6f 6e 64'),
			bytesOf({time: 7, ip: 12}),
			bytesOf({time: 7, ip: ['10.0.0.1']}),
			bytesOf({time: 7, ip: {nested: '10.0.0.1'}}),
			bytesOf({time: 7, ip: new Date(3)}),
			bytesOf({time: 7, ip: 'caf\u00e9'}),
			bytesOf({time: 7, ip: '\uFEFF10.0.0.1'}),
			hex('82 a4 74 69 6d 65 07 a2 69 70 a2 ff fe'),
			bytesOf({time: new Date(9), ip: '10.0.0.1'}),
			bytesOf({time: 'soon', ip: '10.0.0.1'}),
			bytesOf({ip: '10.0.0.1'}),
			bytesOf({time: 1, time2: {nested: true}}),
			bytesOf([1, 2]),
			hex('81 a4 74 69 6d 65'),
			hex('81 a2 69 70 a4 74 69 6d 65'),
			hex('c1'),
			Buffer.alloc(0),
		];
		for (const value of values) {
			expect(lastUseOf(value), value?.toString('hex')).toStrictEqual(decodeLastUse(value));
		}

		expect(lastUseOf(hex('83 a4 74 69 6d 65 07 a2 69 70 a5 66 69 72 73 74 a2 69 70 a6 73 65 63 6f 6e 64'))).toStrictEqual({
			time: 7,
			ip: 'second',
		});
		expect(lastUseOf(encodeLastUse(5, '203.0.113.9'))).toStrictEqual({time: 5, ip: '203.0.113.9'});
		const rng = random(0x1a_58);
		for (let index = 0; index < fuzzCases(2000); index++) {
			const bytes = Buffer.from(encodeLastUse(1_790_000_000_000 + index, `10.0.${index % 256}.1`));
			bytes[rng.int(bytes.length)] = rng.int(256);
			expect(lastUseOf(bytes), bytes.toString('hex')).toStrictEqual(decodeLastUse(bytes));
		}
	});
});

describe('search text', () => {
	const summary = (record: TokenRecord) => summaryOf(ID, record);
	it('normalises each field on its own, so a query never matches across two fields', () => {
		const billing = summary({description: '  Billing\tSync  ', account: 'ACME\u00A0Corp'});
		const text = searchTextOf(billing);
		expect(text).toBe('billing sync\nacme corp');
		expect(matchesSearch(billing, text, 'billing sync')).toBe(true);
		expect(matchesSearch(billing, text, 'acme corp')).toBe(true);
		expect(matchesSearch(billing, text, ID.slice(3, 20))).toBe(true);
		expect(matchesSearch(billing, text, 'sync acme')).toBe(false);
		// An id that is not already lower case (odd data) is searched normalised.
		const odd = summaryOf('ABC-Token', {description: 'x'});
		expect(matchesSearch(odd, searchTextOf(odd), 'abc-token')).toBe(true);
	});
});
