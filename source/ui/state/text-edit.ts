import {Command, type KeyEvent, commandFor} from '../keymap.js';

/**
 * Text typed or pasted into a field: line breaks and tabs become spaces, other control characters
 * (the escapes a hostile paste carries among them) and bidi overrides are dropped.
 */
export const typedText = (input: string): string =>
	// eslint-disable-next-line no-control-regex
	input.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '');

/**
 * A field's text after an edit, and its caret: counted in characters (code points) from the end,
 * so 0, every field's start, is where typing appends, and a caret kept across a change the field
 * did not make (a completion) stays at the end.
 */
export type FieldEdit = {value: string; caret: number};

const isSpace = (character: string | undefined) => character !== undefined && /\s/.test(character);

/**
 * A one-line text field's editing, shared by the filter and every dialog, as a shell line edits:
 * printable text (a whole paste at once) goes in at the caret, Backspace and Delete erase around
 * it, Ctrl-W the word before it, Ctrl-U the field, and ←/→, Home/End (Ctrl-B/F, Ctrl-A/E) move it.
 * Returns undefined when the key is not an edit, so the caller can treat it as a command.
 */
export function editText(value: string, key: KeyEvent, options: {maxLength?: number; caret?: number} = {}): FieldEdit | undefined {
	const characters = [...value];
	const at = Math.max(0, Math.min(characters.length, characters.length - (options.caret ?? 0)));
	const result = (list: string[], position: number): FieldEdit => ({value: list.join(''), caret: list.length - position});
	const without = (from: number, to: number) => result([...characters.slice(0, from), ...characters.slice(to)], from);
	switch (commandFor(key, EDITS, {typing: true})) {
		case Command.EraseLine: {
			return {value: '', caret: 0};
		}

		case Command.EraseChar: {
			return at === 0 ? result(characters, at) : without(at - 1, at);
		}

		case Command.DeleteChar: {
			return at === characters.length ? result(characters, at) : without(at, at + 1);
		}

		case Command.EraseWord: {
			// The spaces before the caret, then the word before them, as readline's unix-word-rubout.
			let start = at;
			while (start > 0 && isSpace(characters[start - 1])) {
				start--;
			}

			while (start > 0 && !isSpace(characters[start - 1])) {
				start--;
			}

			return without(start, at);
		}

		case Command.CaretLeft: {
			return result(characters, Math.max(0, at - 1));
		}

		case Command.CaretRight: {
			return result(characters, Math.min(characters.length, at + 1));
		}

		case Command.CaretStart: {
			return result(characters, 0);
		}

		case Command.CaretEnd: {
			return result(characters, characters.length);
		}

		default: {
			break;
		}
	}

	if (key.name !== undefined || key.ctrl || key.meta || key.input === '') {
		return undefined;
	}

	const inserted: string[] = [];
	// The limit in UTF-16 units, as the domain's LIMITS count: what would pass it is not taken.
	let room = (options.maxLength ?? Number.POSITIVE_INFINITY) - value.length;
	for (const character of typedText(key.input)) {
		room -= character.length;
		if (room < 0) {
			break;
		}

		inserted.push(character);
	}

	return result([...characters.slice(0, at), ...inserted, ...characters.slice(at)], at + inserted.length);
}

/** The keys that edit a field, matched before anything is taken as text. */
const EDITS = [
	Command.EraseLine,
	Command.EraseChar,
	Command.DeleteChar,
	Command.EraseWord,
	Command.CaretLeft,
	Command.CaretRight,
	Command.CaretStart,
	Command.CaretEnd,
];
