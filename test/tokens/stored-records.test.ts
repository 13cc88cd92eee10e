import {describe, expect, it} from 'vitest';
import {
	MAX_RECORD_BYTES,
	decodeLastUse,
	decodeRecord,
	lastUsedTime,
	shallowFields,
	summarizeRecord,
	unreadableReason,
} from '../../source/tokens/index.js';
import {cliFields, deepArray, deepMap, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';

const ID = 'ab'.repeat(32);

describe('stored records are checked for size and depth before they are decoded', () => {
	it('a record nested 200,000 levels deep is unreadable, with the reason, in the decoder and the summary reader alike', () => {
		const bytes = deepRecord();
		expect(() => decodeRecord(bytes)).toThrow('nested deeper than 32 levels');
		expect(unreadableReason(bytes)).toBe('nested deeper than 32 levels');
		expect(summarizeRecord(ID, bytes)).toBeUndefined();
		// Deep maps too, under an unknown key, where the summary reader does not look.
		const maps = rawRecord(cliFields('maps', [['other', deepMap(5000)]]));
		expect(unreadableReason(maps)).toBe('nested deeper than 32 levels');
		expect(summarizeRecord(ID, maps)).toBeUndefined();
	});

	it('32 levels (the record and 31 inside it) are read; 33 are not', () => {
		const at = rawRecord(cliFields('at the limit', [['other', deepArray(31)]]));
		expect(decodeRecord(at)['description']).toBe('at the limit');
		expect(summarizeRecord(ID, at)?.description).toBe('at the limit');
		const over = rawRecord(cliFields('over the limit', [['other', deepArray(32)]]));
		expect(unreadableReason(over)).toBe('nested deeper than 32 levels');
		expect(summarizeRecord(ID, over)).toBeUndefined();
	});

	it('a record larger than 4 MiB is unreadable; a 1 MB description is a record like any other', () => {
		const huge = rawRecord(cliFields('x'.repeat(MAX_RECORD_BYTES)));
		expect(unreadableReason(huge)).toBe('larger than 4 MiB');
		expect(summarizeRecord(ID, huge)).toBeUndefined();
		const large = rawRecord(cliFields('y'.repeat(1_000_000)));
		expect(unreadableReason(large)).toBeUndefined();
		expect(summarizeRecord(ID, large)?.description).toHaveLength(1_000_000);
	});

	it('what is not a map, or not msgpack, says so', () => {
		expect(unreadableReason(packed(['description']))).toBe('not a map');
		expect(unreadableReason(Buffer.from('c1', 'hex'))).toBe('invalid type byte 0xc1');
		expect(unreadableReason(Buffer.from('82a161', 'hex'))).toBe('truncated data');
		expect(unreadableReason(packed({description: 'fine'}))).toBeUndefined();
	});

	it('a last use that is deep or oversized reads as unreadable (not as never used), in both readers', () => {
		const deep = rawRecord([
			['time', packed(5)],
			['ip', deepArray(100_000)],
		]);
		const large = rawRecord([
			['time', packed(5)],
			['ip', packed('1'.repeat(10_000))],
		]);
		for (const bytes of [deep, large]) {
			expect(decodeLastUse(bytes)).toEqual({time: null, ip: null, unreadable: true});
			expect(lastUsedTime(bytes)).toBe('unreadable');
		}
	});
});

describe('shallowFields: what can be read of an unreadable record', () => {
	it('reads the top-level account and description past a value of any depth', () => {
		const bytes = rawRecord([
			['created', packed(1)],
			['restrictions', deepMap(200_000)],
			['account', packed('acme')],
			['description', packed('broken one')],
		]);
		expect(shallowFields(bytes)).toEqual({account: 'acme', description: 'broken one'});
		expect(
			shallowFields(
				rawRecord([
					['other', deepArray(100_000)],
					['account', packed(12_345)],
				]),
			),
		).toEqual({account: 12_345});
	});

	it('stops quietly at lies and truncation, and reads nothing but plain text and integers', () => {
		expect(shallowFields(Buffer.from('dfffffffffa76163636f756e74', 'hex'))).toEqual({});
		expect(shallowFields(Buffer.from('81a76163636f756e74ddffffffff', 'hex'))).toEqual({});
		expect(shallowFields(rawRecord([['account', packed({a: 1})]]))).toEqual({});
		expect(shallowFields(packed([1, 2]))).toEqual({});
		expect(shallowFields(Buffer.alloc(0))).toEqual({});
	});
});
