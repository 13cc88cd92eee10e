/**
 * Terminal cells, for `list` on a terminal and for the app: the width of a string in cells (wide
 * East Asian characters and emoji take two, combining marks none) and fitting text to a width.
 */

function charWidth(code: number): number {
	if (code === 0 || (code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || code === 0xfe0f) {
		return 0;
	}

	if (
		(code >= 0x1100 && code <= 0x115f) ||
		(code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
		(code >= 0xac00 && code <= 0xd7a3) ||
		(code >= 0xf900 && code <= 0xfaff) ||
		(code >= 0xfe30 && code <= 0xfe4f) ||
		(code >= 0xff00 && code <= 0xff60) ||
		(code >= 0xffe0 && code <= 0xffe6) ||
		(code >= 0x1f300 && code <= 0x1f64f) ||
		(code >= 0x1f900 && code <= 0x1f9ff) ||
		(code >= 0x20000 && code <= 0x3fffd)
	) {
		return 2;
	}

	return 1;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0020-\u007e]*$/;

export function textWidth(text: string): number {
	if (ASCII.test(text)) {
		return text.length;
	}

	let width = 0;
	for (const character of text) {
		width += charWidth(character.codePointAt(0)!);
	}

	return width;
}

/** Exactly `width` cells: cut with `…` when too long, padded with spaces when short. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}

	if (ASCII.test(text)) {
		if (text.length > width) {
			return `${text.slice(0, width - 1)}…`;
		}

		return align === 'left' ? text.padEnd(width) : text.padStart(width);
	}

	const total = textWidth(text);
	if (total <= width) {
		const pad = ' '.repeat(width - total);
		return align === 'left' ? text + pad : pad + text;
	}

	let out = '';
	let used = 0;
	for (const character of text) {
		const w = charWidth(character.codePointAt(0)!);
		if (used + w > width - 1) {
			break;
		}

		out += character;
		used += w;
	}

	return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`;
}

/** Splits a long unbroken string (an export string) into lines of `width` characters. */
export function chunk(text: string, width: number): string[] {
	const lines: string[] = [];
	for (let start = 0; start < text.length; start += Math.max(1, width)) {
		lines.push(text.slice(start, start + Math.max(1, width)));
	}

	return lines.length > 0 ? lines : [''];
}
