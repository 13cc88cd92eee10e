import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {fit, fitEnd, textWidth, wrapText, wrapWords} from '../../source/format/cells.js';
import {fuzzCases, random} from '../helpers/fuzz.js';

const FAMILY = '👨\u200D👩\u200D👧';

/**
 * Pieces of text whose widths terminals disagree on with naive tables: emoji (with and without a
 * variation selector, skin tones, ZWJ sequences, flags, keycaps, tag sequences), CJK, combining
 * marks, Hangul jamo, Indic conjuncts, Thai, Arabic prepended marks, and plain ASCII.
 */
const PIECES = [
	'a',
	'Z',
	' ',
	'-',
	'🚀',
	'✅',
	'⚡',
	'☕',
	FAMILY,
	'❤️',
	'❤',
	'👍🏽',
	'🇫🇮',
	'🇫',
	'1️⃣',
	'#⃣',
	'🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
	'日',
	'本',
	'ｱ',
	'한',
	'\u1100\u1161\u11A8',
	'\u1100',
	'é',
	'e\u0301',
	'\u0301',
	'क्ष',
	'कि',
	'ำ',
	'กำ',
	'\u0600',
	'\u0600a',
	'\u200D',
	'\uFE0F',
	'\u200B',
	'\u00AD',
	'\uFFFD',
	'👩\u200D💻',
	'🧑🏾\u200D🚀',
	'a\u200D🚀',
	'🚀\u200D',
	'\u200D🚀',
];

describe('cell widths', () => {
	it("are string-width's (Ink's) for emoji, CJK and combining text: 🚀 ✅ ⚡ ☕ two cells, a family emoji two", () => {
		for (const emoji of ['🚀', '✅', '⚡', '☕', FAMILY]) {
			expect(textWidth(emoji), emoji).toBe(2);
		}

		expect(textWidth(`${FAMILY} family`)).toBe(9);
		expect(textWidth('e\u0301')).toBe(1);
		expect(textWidth('請求書')).toBe(6);
	});

	it('agree with string-width on random mixes of the hard cases, and fit() gives exactly the width asked', () => {
		const rng = random(0xce11);
		// Each case's faults are collected in a plain loop and asserted once at the end: an expect per
		// check cost seconds of CPU. A failure names the first few cases and what was wrong with each.
		const faults: string[] = [];
		for (let index = 0; index < fuzzCases(3000); index++) {
			const text = Array.from({length: 1 + rng.int(8)}, () => rng.pick(PIECES)).join('');
			const width = 1 + rng.int(12);
			const fitted = fit(text, width);
			// A cut keeps a prefix of whole clusters: never half an emoji or a mark without its base.
			const kept = fitted.trimEnd().replace(/…$/, '');
			const end = fitEnd(text, width);
			const [ours, theirs, fittedWidth, endWidth] = [textWidth(text), stringWidth(text), stringWidth(fitted), stringWidth(end)];
			const checks: Array<[boolean, string]> = [
				[ours === theirs, `textWidth ${ours}, string-width ${theirs}`],
				[fittedWidth === width, `fit gave ${JSON.stringify(fitted)}, ${fittedWidth} wide`],
				[text.startsWith(kept), `fit gave ${JSON.stringify(fitted)}, not a prefix`],
				[endWidth <= width, `fitEnd gave ${JSON.stringify(end)}, ${endWidth} wide`],
				[text.endsWith(end.replace(/^…/, '')), `fitEnd gave ${JSON.stringify(end)}, not a suffix`],
			];
			for (const [ok, what] of checks) {
				if (!ok) {
					faults.push(`${JSON.stringify(text)} in ${width}: ${what}`);
				}
			}
		}

		expect(faults.slice(0, 5)).toEqual([]);
	});

	it('cut a family emoji whole and never split it', () => {
		expect(fit(`${FAMILY}${FAMILY}${FAMILY}`, 4)).toBe(`${FAMILY}… `);
		expect(fit(`ab${FAMILY}`, 4)).toBe(`ab${FAMILY}`);
		expect(fit(`ab${FAMILY}c`, 4)).toBe('ab… ');
	});
});

describe('wrapWords', () => {
	const message = ' Redis unavailable: Redis at unix:///tmp/lead.sock?db=8 did not answer within 2 s. Retrying; nothing you typed is lost.';

	it('keeps the whole of a message that fits in two lines at 80 columns, broken between words', () => {
		const lines = wrapWords(message, 80, 2);
		expect(lines).toEqual([
			' Redis unavailable: Redis at unix:///tmp/lead.sock?db=8 did not answer within 2',
			's. Retrying; nothing you typed is lost.',
		]);
		expect(lines.every(line => textWidth(line) <= 80)).toBe(true);
	});

	it('ends the last line with … when the message goes on, and cuts a word wider than a line', () => {
		expect(wrapWords('one two three four', 8, 2)).toEqual(['one two', 'three f…']);
		expect(wrapWords('abcdefghijkl', 5, 2)).toEqual(['abcd…']);
		expect(wrapWords('🚀🚀🚀 go', 4, 1)).toEqual(['🚀…']);
	});
});

describe('wrapText', () => {
	it('keeps words whole, starts no line with a space, and breaks (never cuts) a word wider than a line', () => {
		const path = `/home/operator/.local/state/ee-tokens/journals/revoke-2026-12-01T220031Z-505480.jsonl`;
		const lines = wrapText(`Revoked 3 tokens. Undo: ee-tokens restore --journal ${path}`, 40);
		expect(lines.every(line => textWidth(line) <= 40 && !line.startsWith(' '))).toBe(true);
		expect(lines.join('')).toContain(path);
		expect(lines.join(' ')).toContain('Revoked 3 tokens. Undo: ee-tokens');
		expect(wrapText('a b c', 3)).toEqual(['a b', 'c']);
		expect(wrapText('你好世界', 5)).toEqual(['你好', '世界']);
	});
});
