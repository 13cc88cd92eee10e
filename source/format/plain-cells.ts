/**
 * Cells of printable ASCII, where one character is one cell: the part of format/cells.ts that
 * needs no string-width. Kept apart because loading string-width (its Intl.Segmenter and Unicode
 * tables) costs about 50 ms at a command's start, which a table of plain text does without: the
 * revoke plan's ten rows are usually that (commands/revoke-selection.ts).
 */

/** Printable ASCII only: every character one cell. */
export const PLAIN = /^[\u0020-\u007e]*$/;

/** Plain text in exactly `width` cells: cut with `…` when too long, padded with spaces when short. */
export function fitPlain(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}

	if (text.length > width) {
		return `${text.slice(0, width - 1)}…`;
	}

	return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** The widths and fitting of format/cells.ts, for text that is all PLAIN. */
export const plainCells = {textWidth: (text: string) => text.length, fit: fitPlain};
