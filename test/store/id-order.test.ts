import {describe, expect, it} from 'vitest';
import {joinById, sortByIdDescending, topByIdDescending} from '../../source/store/index.js';
import {random} from '../helpers/fuzz.js';

/** The definition: plain string comparison, descending, each id once. */
const reference = (ids: readonly string[]) => [...new Set(ids)].sort().reverse();

describe('listing order', () => {
	const rng = random(0x1d);
	const hex = (length: number) => Array.from({length}, () => '0123456789abcdef'[rng.int(16)]).join('');

	it('sorts token ids descending and drops repeats, as a plain string sort would', () => {
		for (const count of [0, 1, 2, 100, 5000]) {
			const ids = Array.from({length: count}, () => hex(64));
			// Repeats (HSCAN can return a field twice) and ids sharing a long prefix.
			ids.push(...ids.slice(0, count / 10), ...Array.from({length: count / 20}, () => `${'ab'.repeat(10)}${hex(44)}`));
			const sorted = [...ids];
			sortByIdDescending(sorted, id => id);
			expect(sorted).toEqual(reference(ids));
		}
	});

	it('sorts objects by their id, keeping the first of a repeated id', () => {
		const items = ['b', 'a', 'c', 'a'].map((letter, index) => ({id: letter.repeat(64), index}));
		sortByIdDescending(items);
		expect(items.map(item => `${item.id[0]}${item.index}`)).toEqual(['c2', 'b0', 'a1']);
	});

	it('orders whatever else a hash holds (upper case, short, non-hex, empty) the same way', () => {
		const ids = [hex(64), hex(64).toUpperCase(), 'g'.repeat(64), 'abc', '', hex(63), `${hex(63)}é`, hex(64)];
		const sorted = [...ids];
		sortByIdDescending(sorted, id => id);
		expect(sorted).toEqual(reference(ids));
	});

	it('top-N is sort-then-slice, in one pass', () => {
		for (let round = 0; round < 50; round++) {
			const ids = Array.from({length: rng.int(300)}, () => rng.int(500).toString(16).padStart(4, '0'));
			const count = rng.int(40);
			expect(topByIdDescending(ids, count)).toEqual(reference(ids).slice(0, count));
		}
	});

	it('joins a sorted listing with (id, value) pairs in scan order, as a Map would', () => {
		for (const count of [0, 1, 50, 3000]) {
			const ids = Array.from({length: count}, () => hex(64));
			const items = ids.filter((_, index) => index % 5 !== 0).map(id => ({id, value: undefined as number | undefined}));
			sortByIdDescending(items);
			// Pairs for most items, some for ids not listed, in no particular order.
			const pairs = ids.filter((_, index) => index % 7 !== 0).map((id, index) => [id, index] as const);
			pairs.push(...Array.from({length: count / 10}, (_, index) => [hex(64), -index] as const));
			pairs.sort(() => rng.next() - 0.5);
			joinById(
				items,
				item => item.id,
				pairs.map(([id]) => id),
				pairs.map(([, value]) => value),
				(item, value) => {
					item.value = value;
				},
			);
			const byId = new Map(pairs);
			expect(items.map(item => item.value)).toEqual(items.map(item => byId.get(item.id)));
		}
	});
});
