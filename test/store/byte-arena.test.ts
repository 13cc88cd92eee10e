import {randomBytes} from 'node:crypto';
import {expect, it} from 'vitest';
import {ByteArena} from '../../source/store/byte-arena.js';
import {random} from '../helpers/fuzz.js';

it('gives back every value as it was added, across blocks, large values too, after later adds', () => {
	const rng = random(0xa7e);
	const arena = new ByteArena();
	const added: Array<{bytes: Buffer; place: number}> = [];
	// About 14 MB: several 4 MB blocks, values on their edges, the empty value, and values of a
	// megabyte or more, each of which gets a block of its own.
	for (let index = 0; index < 40_000; index++) {
		const length = index % 9999 === 0 ? 1_000_000 + rng.int(4_000_000) : index % 7 === 0 ? 0 : rng.int(400);
		const bytes = randomBytes(length);
		added.push({bytes, place: arena.add(bytes)});
	}

	for (const {bytes, place} of added) {
		expect(arena.view(place, bytes.length).equals(bytes)).toBe(true);
	}

	// A copy: changing what was added changes nothing held.
	const first = added.find(value => value.bytes.length > 0)!;
	const kept = Buffer.from(first.bytes);
	first.bytes.fill(0);
	expect(arena.view(first.place, kept.length).equals(kept)).toBe(true);
});
