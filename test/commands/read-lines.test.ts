import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {readLines} from '../../source/commands/read-lines.js';

const collect = async (chunks: Buffer[], max = 100) => {
	const lines = [];
	for await (const line of readLines(Readable.from(chunks), max)) {
		lines.push(line);
	}

	return lines;
};

describe('readLines', () => {
	it('keeps multi-byte characters whole across chunk boundaries', async () => {
		const bytes = Buffer.from('é中😀\nnext\n');
		for (let cut = 1; cut < bytes.length; cut++) {
			const lines = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
			expect(lines.map(line => line.text)).toEqual(['é中😀', 'next']);
		}
	});

	it('numbers lines, strips CR, flags and skips an oversized line without buffering it', async () => {
		const lines = await collect([Buffer.from('a\r\n'), Buffer.from('x'.repeat(60)), Buffer.from(`${'x'.repeat(60)}\nb`)]);
		expect(lines).toEqual([
			{number: 1, text: 'a', tooLong: false},
			{number: 2, text: '', tooLong: true},
			{number: 3, text: 'b', tooLong: false},
		]);
	});
});
