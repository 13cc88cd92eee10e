/**
 * Where a caret may stand in a line of text: between grapheme clusters (UAX #29), what a person
 * sees as one character (é written as e and a combining accent, a ZWJ family emoji, a flag), so
 * one ← or Backspace never splits one. Positions are UTF-16 offsets.
 *
 * Only the text near the position is segmented, never the whole line: a pasted export string is
 * up to 2 MB, and each key would otherwise segment all of it.
 */

const segmenter = new Intl.Segmenter();

/** How much text is segmented first; doubled while that is not enough to be sure. */
const WINDOW = 32;

const isRegionalIndicatorAt = (text: string, offset: number) => {
	const code = text.codePointAt(offset);
	return code !== undefined && code >= 0x1_f1_e6 && code <= 0x1_f1_ff;
};

const isLowSurrogateAt = (text: string, offset: number) => {
	const unit = text.charCodeAt(offset);
	return unit >= 0xdc_00 && unit <= 0xdf_ff;
};

/**
 * Where a window of text may start: never inside a surrogate pair, and never inside a run of
 * regional indicators, which pair into flags counted from the start of their run (GB12/13).
 */
function windowStart(text: string, from: number): number {
	let start = from;
	if (start > 0 && isLowSurrogateAt(text, start)) {
		start--;
	}

	while (start >= 2 && isRegionalIndicatorAt(text, start - 2)) {
		start -= 2;
	}

	return start;
}

/**
 * The start of the cluster that ends at `end` (`end` itself at 0). A window that starts inside a
 * cluster cuts it in at most two pieces (a ZWJ sequence cut after a pictograph: the ZWJ, then
 * the rest), so a boundary after the window's second segment is a true one; else the window
 * grows.
 */
export function clusterStartBefore(text: string, end: number): number {
	if (end <= 0) {
		return 0;
	}

	for (let size = WINDOW; ; size *= 2) {
		const from = windowStart(text, Math.max(0, end - size));
		const starts = Array.from(segmenter.segment(text.slice(from, end)), ({index}) => index);
		if (from === 0 || starts.length >= 3) {
			return from + starts.at(-1)!;
		}
	}
}

/**
 * The end of the cluster that starts at `start` (a cluster boundary; the text's length at its
 * end). The first segment of a window from a boundary is whole once another follows it.
 */
export function clusterEndAfter(text: string, start: number): number {
	if (start >= text.length) {
		return text.length;
	}

	for (let size = WINDOW; ; size *= 2) {
		const to = Math.min(text.length, start + size);
		const segments = segmenter.segment(text.slice(start, to))[Symbol.iterator]();
		const first = segments.next().value!;
		if (!segments.next().done || to === text.length) {
			return start + first.segment.length;
		}
	}
}
