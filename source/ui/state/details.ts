import type {RotationFacts, TokenEntry} from '../../tokens/index.js';
import {displayText, recordLines, rotationLines} from '../../format/index.js';
import {textWidth, wrapText, wrapWords} from '../../format/cells.js';

/** The rotation sentences' line width in the details view. */
const ROTATION_WIDTH = 60;

/** Shared with `show` (format/details.ts); re-exported for the app's screens that import them from here. */
export {MAX_DETAIL_FIELDS, fieldText, restrictionLines} from '../../format/index.js';

/** A labelled sentence as lines of ROTATION_WIDTH, the label on the first: it fits 80 columns. */
export function wrappedLines(label: string, value: string): Array<[string, string]> {
	const [first = '', ...rest] = wrapWords(value, ROTATION_WIDTH, 4);
	return [[label, first], ...rest.map((line): [string, string] => ['', line])];
}

/** The details view's lines: the token's (recordLines, as `show` prints them), then its rotation links. */
export function detailLines(entry: TokenEntry, now: number, rotation?: RotationFacts): Array<[string, string]> {
	const lines: Array<[string, string]> = [];
	for (const [label, value] of recordLines(entry, now, 'd revokes it')) {
		// What the permissions allow and the scopes they make useless are sentences to read whole,
		// wrapped like the rotation sentences below rather than cut at the screen's edge.
		if (label === 'may do' || label === 'warning') {
			lines.push(...wrappedLines(label, value));
		} else {
			lines.push([label, value]);
		}
	}

	// Whether a rotation's old token is still used, or what replaced this one (format/rotation.ts, as
	// show says it): the sentence is what the operator reads, so it is wrapped under the linked id
	// rather than cut off at the screen's edge (ROTATION_WIDTH fits 80 columns beside the labels).
	if (rotation) {
		for (const [label, value] of rotationLines(rotation, entry.record, now)) {
			const [id, ...sentence] = displayText(value).split(': ');
			lines.push([label, id!]);
			for (const line of wrapWords(sentence.join(': '), ROTATION_WIDTH, 4)) {
				lines.push(['', line]);
			}
		}
	}

	return lines;
}

/**
 * The details as laid out at a width: each value wrapped under its own column (a long description is
 * read whole, not cut at the screen's edge: recordLines already bounds it), continuation rows with
 * an empty label. The one layout both the view and its scrolling count.
 */
export function detailRows(lines: ReadonlyArray<[string, string]>, width: number): {rows: Array<[string, string]>; labelWidth: number} {
	const labelWidth = Math.max(...lines.map(([label]) => textWidth(label))) + 2;
	const rows: Array<[string, string]> = [];
	for (const [label, value] of lines) {
		const [first = '', ...rest] = wrapText(value, Math.max(1, width - labelWidth));
		rows.push([label, first]);
		for (const line of rest) {
			rows.push(['', line]);
		}
	}

	return {rows, labelWidth};
}

/** Scroll position of a read-only view: clamped so the last page stays full. */
export function scrollBy(offset: number, delta: number, total: number, height: number): number {
	return Math.max(0, Math.min(Math.max(0, total - height), offset + delta));
}
