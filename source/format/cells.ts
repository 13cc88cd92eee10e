// Over 300 lines for a reason: every measure of text in cells (width, fit, cut, chunk, wrap) must
// agree with the one width rule below, so they live beside it.
import stringWidth from 'string-width';
import {PLAIN, fitPlain} from './plain-cells.js';

/**
 * Terminal cells, for `list` on a terminal and for the app: the width of a string in cells and
 * fitting text to a width. Widths are string-width's, the library Ink lays its screen out with, so
 * a row we pad to 80 cells is 80 cells to Ink too (a disagreement makes Ink cut the row), and it
 * counts as modern terminals draw: emoji two cells (🚀 ✅ ⚡ ☕), a ZWJ sequence such as a family
 * emoji one two-cell cluster, combining marks none.
 *
 * string-width segments text into grapheme clusters and tests each against Unicode property
 * regexes: about 100 µs for a 20-character description, 10 s for a 100,000-row `list`. Most text
 * is plain, though: when no code point can join its neighbours into a cluster, every code point is
 * a cluster of its own and its width (string-width's, computed once and kept) is all there is to
 * add up. Only text with joiners, combining or spacing marks, variation selectors, emoji modifiers,
 * regional indicators or Hangul jamo takes string-width's path, cluster by cluster.
 */

/** Joiners inside emoji: ZWJ, variation selectors, the keycap mark, skin tones, tags, flags' halves. */
// eslint-disable-next-line no-misleading-character-class -- each joiner is matched on its own, on purpose
const EMOJI_JOINING = /[\u200D\uFE0E\uFE0F\u20E3\p{Emoji_Modifier}\p{Regional_Indicator}\u{E0020}-\u{E007F}]/u;

/**
 * Every other code point that can share a grapheme cluster with a neighbour (UAX #29: Extend,
 * SpacingMark, Prepend, Hangul L/V/T), or a superset of them: text with one of these is segmented
 * by Intl.Segmenter.
 */
const OTHER_JOINING =
	/(?![\uFE0E\uFE0F\u20E3\u{E0020}-\u{E007F}])[\p{Grapheme_Extend}\p{Mc}\u200C\u0E33\u0EB3\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u0D4E\u{110BD}\u{110CD}\u{111C2}\u{111C3}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}\u{E0000}-\u{E0FFF}]/u;

const EXTENDS_EMOJI = /^[\uFE0E\uFE0F\u20E3\p{Emoji_Modifier}\u{E0020}-\u{E007F}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const REGIONAL = /^\p{Regional_Indicator}$/u;

/** Grapheme clusters: what a terminal draws as one unit, and where text may be cut. */
const segmenter = new Intl.Segmenter();

/** string-width of each code point alone, filled in as met (255: not yet known). */
const codePointWidths = new Uint8Array(0x11_00_00).fill(255);

function codePointWidth(codePoint: number): number {
	let width = codePointWidths[codePoint]!;
	if (width === 255) {
		width = stringWidth(String.fromCodePoint(codePoint));
		codePointWidths[codePoint] = width;
	}

	return width;
}

/** Widths of multi-code-point clusters met so far; bounded, since text comes from Redis. */
const clusterWidths = new Map<string, number>();
const MAX_CLUSTERS = 4096;

function clusterWidth(cluster: string): number {
	const code = cluster.codePointAt(0)!;
	if (cluster.length === 1 || (code > 0xff_ff && cluster.length === 2)) {
		return codePointWidth(code);
	}

	let width = clusterWidths.get(cluster);
	if (width === undefined) {
		width = stringWidth(cluster);
		if (clusterWidths.size < MAX_CLUSTERS) {
			clusterWidths.set(cluster, width);
		}
	}

	return width;
}

type Cluster = {index: number; length: number; width: number};

/**
 * The grapheme clusters of text whose only joiners are emoji ones, by UAX #29's emoji rules:
 * extenders (variation selectors, skin tones, keycap, tags) and ZWJ stay with the cluster before
 * them, a pictograph after pictograph-ZWJ joins it (GB11), regional indicators pair up (GB12/13).
 * Intl.Segmenter gives the same clusters at many times the cost.
 */
function emojiClusters(text: string): Cluster[] {
	const found: Cluster[] = [];
	let start = 0;
	let index = 0;
	/** Whether the cluster so far starts with a pictograph, and whether it ends in ZWJ. */
	let pictographic = false;
	let afterZwj = false;
	let regionals = 0;
	for (const character of text) {
		const regional = REGIONAL.test(character);
		const joins =
			character === '\u200D' ||
			EXTENDS_EMOJI.test(character) ||
			(afterZwj && pictographic && PICTOGRAPHIC.test(character)) ||
			(regionals === 1 && regional);
		if (joins) {
			afterZwj = character === '\u200D';
			regionals = regional ? regionals + 1 : 0;
		} else {
			if (index > start) {
				found.push({index: start, length: index - start, width: clusterWidth(text.slice(start, index))});
				start = index;
			}

			pictographic = PICTOGRAPHIC.test(character);
			afterZwj = false;
			regionals = regional ? 1 : 0;
		}

		index += character.length;
	}

	if (index > start) {
		found.push({index: start, length: index - start, width: clusterWidth(text.slice(start, index))});
	}

	return found;
}

/**
 * The clusters of a text whose code points may join, with their widths and where each starts;
 * undefined when none can, so that every code point is a cluster of its own.
 */
function joinedClusters(text: string): Cluster[] | undefined {
	if (OTHER_JOINING.test(text)) {
		return Array.from(segmenter.segment(text), ({segment, index}) => ({index, length: segment.length, width: clusterWidth(segment)}));
	}

	return EMOJI_JOINING.test(text) ? emojiClusters(text) : undefined;
}

export function textWidth(text: string): number {
	if (PLAIN.test(text)) {
		return text.length;
	}

	let width = 0;
	const joined = joinedClusters(text);
	if (joined) {
		for (const cluster of joined) {
			width += cluster.width;
		}

		return width;
	}

	for (const character of text) {
		width += codePointWidth(character.codePointAt(0)!);
	}

	return width;
}

/** Exactly `width` cells: cut with `…` when too long, padded with spaces when short. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}

	if (PLAIN.test(text)) {
		return fitPlain(text, width, align);
	}

	// One pass, stopping at the first cluster that does not fit: a long value costs only the
	// cells shown (joined text excepted: it is clustered whole first).
	let used = 0;
	/** Where the text is cut if it turns out too long, and the cells before that point. */
	let cut = 0;
	let cutWidth = 0;
	const take = (index: number, length: number, cells: number): boolean => {
		if (used + cells > width) {
			return false;
		}

		used += cells;
		if (used <= width - 1) {
			cut = index + length;
			cutWidth = used;
		}

		return true;
	};

	const tooLong = () => `${text.slice(0, cut)}…${' '.repeat(Math.max(0, width - 1 - cutWidth))}`;
	const joined = joinedClusters(text);
	if (joined) {
		for (const cluster of joined) {
			if (!take(cluster.index, cluster.length, cluster.width)) {
				return tooLong();
			}
		}
	} else {
		let index = 0;
		for (const character of text) {
			if (!take(index, character.length, codePointWidth(character.codePointAt(0)!))) {
				return tooLong();
			}

			index += character.length;
		}
	}

	const pad = ' '.repeat(width - used);
	return align === 'left' ? text + pad : pad + text;
}

/** The end of `text` in at most `width` cells, after a `…` when the start had to go (a text field). */
export function fitEnd(text: string, width: number): string {
	if (width <= 0) {
		return '';
	}

	if (textWidth(text) <= width) {
		return text;
	}

	const all =
		joinedClusters(text) ??
		[...text].reduce<Cluster[]>((list, character) => {
			const last = list.at(-1);
			list.push({index: last ? last.index + last.length : 0, length: character.length, width: codePointWidth(character.codePointAt(0)!)});
			return list;
		}, []);
	let used = 1;
	let start = all.length;
	while (start > 0 && used + all[start - 1]!.width <= width) {
		start--;
		used += all[start]!.width;
	}

	return `…${start < all.length ? text.slice(all[start]!.index) : ''}`;
}

/** Splits a long unbroken string (an export string) into lines of `width` characters. */
export function chunk(text: string, width: number): string[] {
	const lines: string[] = [];
	for (let start = 0; start < text.length; start += Math.max(1, width)) {
		lines.push(text.slice(start, start + Math.max(1, width)));
	}

	return lines.length > 0 ? lines : [''];
}

/**
 * Words laid into lines of at most `width` cells, at most `maxLines` of them; the last line ends in
 * `…` when the text goes on, and a word wider than a line is cut. For messages (a banner) whose end
 * says what matters and must not fall off an 80-column screen.
 */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
	const words = text.split(' ');
	const lines: string[] = [];
	let line = words[0]!;
	for (const [index, word] of words.entries()) {
		if (index === 0) {
			continue;
		}

		if (textWidth(`${line} ${word}`) <= width) {
			line = `${line} ${word}`;
		} else if (lines.length === maxLines - 1) {
			// The last line: the rest goes on it and fit() cuts it with `…`.
			line = [line, ...words.slice(index)].join(' ');
			break;
		} else {
			lines.push(line);
			line = word;
		}
	}

	lines.push(line);
	return lines.map(each => fit(each, width).trimEnd());
}

/**
 * Words laid into lines of at most `width` cells, every word kept whole where it fits a line and
 * broken across lines where it does not (a path or a command to copy is never cut off). Unlike a
 * terminal's wrap, no line starts with the space that ended the one before.
 */
export function wrapText(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	let used = 0;
	for (const word of text.split(/ +/).filter(Boolean)) {
		const cells = textWidth(word);
		if (used > 0 && used + 1 + cells <= room) {
			line += ` ${word}`;
			used += 1 + cells;
			continue;
		}

		if (used > 0) {
			lines.push(line);
		}

		line = '';
		used = 0;
		// A word wider than a line goes on in pieces, each as wide as a line holds.
		for (const character of word) {
			const characterCells = textWidth(character);
			if (used > 0 && used + characterCells > room) {
				lines.push(line);
				line = '';
				used = 0;
			}

			line += character;
			used += characterCells;
		}
	}

	lines.push(line);
	return lines;
}
