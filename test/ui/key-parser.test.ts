import {describe, expect, it} from 'vitest';
import {MAX_PASTE, PASTE_END, PASTE_START, createKeyParser} from '../../source/ui/key-parser.js';
import type {KeyEvent} from '../../source/ui/keymap.js';

/** Events as short names: `j`, `<return>`, `^c`, `[paste:text]`. */
const names = (events: KeyEvent[]) =>
	events.map(event =>
		event.paste ? `[paste:${event.input}]` : event.name ? `<${event.name}>` : event.ctrl ? `^${event.input}` : event.input,
	);

const parse = (...chunks: string[]) => {
	const parser = createKeyParser();
	return names(chunks.flatMap(chunk => parser.push(chunk)));
};

describe('reading the terminal', () => {
	it('reads a burst of typed keys as that many keys, control characters as named keys and chords', () => {
		expect(parse('jjG')).toEqual(['j', 'j', 'G']);
		expect(createKeyParser().push('G')[0]!.shift).toBe(true);
		expect(parse('8\r')).toEqual(['8', '<return>']);
		expect(parse('a\tb\u007F')).toEqual(['a', '<tab>', 'b', '<backspace>']);
		expect(parse('\u0015ab')).toEqual(['^u', 'a', 'b']);
		expect(parse('a\u0003')).toEqual(['a', '^c']);
		expect(parse('日🚀')).toEqual(['日', '🚀']);
	});

	it('reads arrows, pages, home and end in both encodings, and modifiers', () => {
		expect(parse('\u001B[A\u001B[B\u001B[C\u001B[D')).toEqual(['<up>', '<down>', '<right>', '<left>']);
		expect(parse('\u001BOA\u001BOH\u001B[5~\u001B[6~\u001B[1~\u001B[4~\u001B[3~')).toEqual([
			'<up>',
			'<home>',
			'<pageup>',
			'<pagedown>',
			'<home>',
			'<end>',
			'<delete>',
		]);
		expect(createKeyParser().push('\u001B[1;5A')[0]).toMatchObject({name: 'up', ctrl: true});
		expect(createKeyParser().push('\u001B[Z')[0]).toMatchObject({name: 'tab', shift: true});
		// Sequences the app has no use for are dropped, not typed.
		expect(parse('\u001B[15~x')).toEqual(['x']);
	});

	it('reads a bracketed paste as one paste, whatever it holds and however it arrives', () => {
		expect(parse(`${PASTE_START}quick${PASTE_END}`)).toEqual(['[paste:quick]']);
		expect(parse(`a${PASTE_START}q\r\u0003\u001B[A${PASTE_END}b`)).toEqual(['a', '[paste:q\r\u0003\u001B[A]', 'b']);
		// Split anywhere, markers included.
		const whole = `${PASTE_START}hKJpZNlA${PASTE_END}`;
		for (let cut = 1; cut < whole.length; cut++) {
			expect(parse(whole.slice(0, cut), whole.slice(cut)), String(cut)).toEqual(['[paste:hKJpZNlA]']);
		}

		expect(parse(PASTE_START, 'qui', 'ck', PASTE_END)).toEqual(['[paste:quick]']);
	});

	it('keeps at most MAX_PASTE characters of a paste', () => {
		const parser = createKeyParser();
		parser.push(PASTE_START);
		for (let index = 0; index < 3; index++) {
			parser.push('x'.repeat(MAX_PASTE));
		}

		const [paste] = parser.push(PASTE_END);
		expect(paste?.input).toHaveLength(MAX_PASTE);
	});

	it('reads Esc followed quickly by a key as Esc, then the key: never Meta+key', () => {
		expect(parse('\u001Bq')).toEqual(['<escape>', 'q']);
		expect(createKeyParser().push('\u001Bq')[1]).toMatchObject({input: 'q', meta: false});
		expect(parse('\u001B\u001B[A')).toEqual(['<escape>', '<up>']);
		expect(parse('\u001B/')).toEqual(['<escape>', '/']);
	});

	it('waits for the rest of a sequence after a lone Esc, and flush() makes it the Escape key', () => {
		const parser = createKeyParser();
		expect(parser.push('\u001B')).toEqual([]);
		expect(parser.pending()).toBe(true);
		expect(names(parser.push('[A'))).toEqual(['<up>']);
		expect(parser.push('\u001B')).toEqual([]);
		expect(names(parser.flush())).toEqual(['<escape>']);
		expect(parser.pending()).toBe(false);
		expect(names(parser.push('q'))).toEqual(['q']);
	});
});
