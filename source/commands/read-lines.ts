import {StringDecoder} from 'node:string_decoder';

/**
 * Lines from a stream, without ever holding more than `maxLength` characters of one line: an
 * oversized line is reported as `tooLong` and skipped, not buffered whole.
 */
export async function* readLines(
	stream: AsyncIterable<Buffer | string>,
	maxLength: number,
): AsyncGenerator<{number: number; text: string; tooLong: boolean}> {
	let current = '';
	let tooLong = false;
	let number = 0;
	// A chunk can end inside a multi-byte character; the decoder keeps the partial bytes.
	const decoder = new StringDecoder('utf8');
	for await (const chunk of stream) {
		const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
		let start = 0;
		for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
			number++;
			const line = current + text.slice(start, newline);
			const long = tooLong || line.length > maxLength;
			yield {number, text: long ? '' : line.replace(/\r$/, ''), tooLong: long};
			current = '';
			tooLong = false;
			start = newline + 1;
		}

		if (!tooLong) {
			current += text.slice(start);
			if (current.length > maxLength) {
				tooLong = true;
				current = '';
			}
		}
	}

	if (current !== '' || tooLong) {
		yield {number: number + 1, text: current.replace(/\r$/, ''), tooLong};
	}
}
