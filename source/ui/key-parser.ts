import {MAX_EXPORT_STRING_LENGTH} from '../tokens/index.js';
import type {KeyEvent, KeyName} from './keymap.js';

/**
 * The terminal's text as key presses and pastes. Pure: it is handed text as it arrives and gives
 * back events; the caller decides how long a lone Esc waits (flush()).
 *
 * - Pastes come as one event, whatever their size or content: with bracketed paste on, the
 *   terminal wraps pasted text in ESC[200~ … ESC[201~, and nothing in between is a key, so pasting
 *   "quick" into the table never types `q`.
 * - Esc followed by a key in the same read is Esc, then the key: never Meta+key (the app binds
 *   no Meta keys, and an Esc typed quickly before `q` must not be lost or turned into `q`).
 * - Everything else is one event per key: a burst of typed text is that many keys.
 */

export const PASTE_START = '\u001B[200~';
export const PASTE_END = '\u001B[201~';
/** Bracketed paste (xterm's mode 2004) on and off. */
export const BRACKETED_PASTE_ON = '\u001B[?2004h';
export const BRACKETED_PASTE_OFF = '\u001B[?2004l';

/** The most of one paste kept: the longest text a field takes (an export string) and some room. */
export const MAX_PASTE = MAX_EXPORT_STRING_LENGTH + 1024;

const ESC = '\u001B';

export type KeyParser = {
	push: (text: string) => KeyEvent[];
	/** Whether a lone Esc (or the start of a sequence) waits for more text. */
	pending: () => boolean;
	/** Gives up waiting: a lone Esc is the Escape key. */
	flush: () => KeyEvent[];
};

const key = (name: KeyName, extra: Partial<KeyEvent> = {}): KeyEvent => ({
	input: '',
	name,
	ctrl: false,
	meta: false,
	shift: false,
	...extra,
});
const text = (input: string): KeyEvent => ({input, ctrl: false, meta: false, shift: /^[A-Z]$/.test(input)});

const CSI_LETTERS: Record<string, KeyName> = {A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'tab'};
const CSI_TILDE: Record<string, KeyName> = {1: 'home', 7: 'home', 4: 'end', 8: 'end', 5: 'pageup', 6: 'pagedown', 3: 'delete'};

/** A complete CSI or SS3 sequence as a key, or undefined for one the app has no use for. */
function sequenceKey(sequence: string): KeyEvent | undefined {
	const final = sequence.at(-1)!;
	if (sequence[1] === 'O') {
		const name = CSI_LETTERS[final];
		return name ? key(name) : undefined;
	}

	const [first = '', modifier = '1'] = sequence.slice(2, -1).split(';');
	// xterm modifiers: 1 + (shift 1, alt 2, ctrl 4).
	const bits = Math.max(0, Number(modifier) - 1);
	const modifiers = {shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0};
	if (final === '~') {
		const name = CSI_TILDE[first];
		return name ? key(name, modifiers) : undefined;
	}

	const name = CSI_LETTERS[final];
	if (!name) {
		return undefined;
	}

	// ESC[Z is Shift-Tab.
	return key(name, final === 'Z' ? {...modifiers, shift: true} : modifiers);
}

/** One control character as a key (Enter, Tab, Backspace, Ctrl-letter), or undefined. */
function controlKey(code: number): KeyEvent | undefined {
	if (code === 0x0d || code === 0x0a) {
		return key('return');
	}

	if (code === 0x09) {
		return key('tab');
	}

	if (code === 0x7f || code === 0x08) {
		return key('backspace');
	}

	if (code >= 1 && code <= 26) {
		return {input: String.fromCodePoint(code + 96), ctrl: true, meta: false, shift: false};
	}

	return undefined;
}

/** Where a CSI sequence starting at `start` (at its ESC) ends, 'incomplete', or 'invalid'. */
function csiEnd(buffer: string, start: number): number | 'incomplete' | 'invalid' {
	for (let index = start + 2; index < buffer.length; index++) {
		const code = buffer.charCodeAt(index);
		if (code >= 0x20 && code <= 0x3f) {
			continue;
		}

		return code >= 0x40 && code <= 0x7e ? index : 'invalid';
	}

	return 'incomplete';
}

/** The length of the longest end of `buffer` that could be the start of PASTE_END. */
function partialEndMarker(buffer: string): number {
	for (let length = Math.min(PASTE_END.length - 1, buffer.length); length > 0; length--) {
		if (PASTE_END.startsWith(buffer.slice(-length))) {
			return length;
		}
	}

	return 0;
}

export function createKeyParser(): KeyParser {
	let buffer = '';
	/** The paste being read, while between the markers. */
	let paste: string | undefined;

	const addToPaste = (chunk: string) => {
		// Beyond MAX_PASTE the rest is dropped: no field takes more, and memory stays bounded.
		if (paste!.length < MAX_PASTE) {
			paste += chunk.slice(0, MAX_PASTE - paste!.length);
		}
	};

	function parse(): KeyEvent[] {
		const events: KeyEvent[] = [];
		let index = 0;
		while (index < buffer.length) {
			if (paste !== undefined) {
				const end = buffer.indexOf(PASTE_END, index);
				if (end === -1) {
					const keep = partialEndMarker(buffer);
					addToPaste(buffer.slice(index, buffer.length - keep));
					index = buffer.length - keep;
					break;
				}

				addToPaste(buffer.slice(index, end));
				events.push({input: paste, ctrl: false, meta: false, shift: false, paste: true});
				paste = undefined;
				index = end + PASTE_END.length;
				continue;
			}

			const character = buffer[index]!;
			if (character === ESC) {
				const next = buffer[index + 1];
				if (next === undefined) {
					// A lone Esc, or the start of a sequence still on its way: flush() decides.
					break;
				}

				if (next === '[') {
					const end = csiEnd(buffer, index);
					if (end === 'incomplete') {
						break;
					}

					if (end === 'invalid') {
						events.push(key('escape'));
						index++;
						continue;
					}

					const sequence = buffer.slice(index, end + 1);
					if (sequence === PASTE_START) {
						paste = '';
					} else if (sequence !== PASTE_END) {
						const event = sequenceKey(sequence);
						if (event) {
							events.push(event);
						}
					}

					index = end + 1;
					continue;
				}

				if (next === 'O') {
					const final = buffer[index + 2];
					if (final === undefined) {
						break;
					}

					if (/[A-Z]/.test(final)) {
						const event = sequenceKey(buffer.slice(index, index + 3));
						if (event) {
							events.push(event);
						}

						index += 3;
						continue;
					}
				}

				// Esc, then whatever follows it as a key of its own.
				events.push(key('escape'));
				index++;
				continue;
			}

			const code = buffer.codePointAt(index)!;
			const width = code > 0xff_ff ? 2 : 1;
			if (code < 0x20 || code === 0x7f) {
				const event = controlKey(code);
				if (event) {
					events.push(event);
				}
			} else if (!(code >= 0x80 && code < 0xa0)) {
				events.push(text(buffer.slice(index, index + width)));
			}

			index += width;
		}

		buffer = buffer.slice(index);
		return events;
	}

	return {
		push(chunk) {
			buffer += chunk;
			return parse();
		},
		pending: () => paste === undefined && buffer.startsWith(ESC),
		flush() {
			if (paste !== undefined || !buffer.startsWith(ESC)) {
				return [];
			}

			buffer = buffer.slice(1);
			return [key('escape'), ...parse()];
		},
	};
}
