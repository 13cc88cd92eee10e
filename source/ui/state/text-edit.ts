import {clusterEndAfter, clusterStartBefore} from '../../format/clusters.js';
import {Command, type KeyEvent, commandFor} from '../keymap.js';

/**
 * Text typed or pasted into a field: line breaks and tabs become spaces, other control characters
 * (the escapes a hostile paste carries among them) and bidi overrides are dropped.
 */
export const typedText = (input: string): string =>
	// eslint-disable-next-line no-control-regex
	input.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '');

/**
 * A field's text after an edit, and its caret: counted in UTF-16 units from the end, always
 * between two grapheme clusters (format/clusters.ts), so 0, every field's start, is where typing
 * appends, and a caret kept across a change the field did not make (a completion) stays at the
 * end. Units, not characters: a caret at Home in a 2 MB paste costs nothing to keep.
 */
export type FieldEdit = {value: string; caret: number};

const isSpace = (unit: string | undefined) => unit !== undefined && /\s/.test(unit);

/**
 * A one-line text field's editing, shared by the filter and every dialog, as a shell line edits:
 * printable text (a whole paste at once) goes in at the caret, Backspace and Delete erase the
 * cluster before or under it, Ctrl-W the word before it, Ctrl-U the field, and ←/→, Home/End
 * (Ctrl-B/F, Ctrl-A/E) move it a cluster or to an end. Only the text around the caret is looked at.
 * Returns undefined when the key is not an edit, so the caller can treat it as a command.
 */
export function editText(value: string, key: KeyEvent, options: {maxLength?: number; caret?: number} = {}): FieldEdit | undefined {
	const at = Math.max(0, Math.min(value.length, value.length - (options.caret ?? 0)));
	const result = (text: string, position: number): FieldEdit => ({value: text, caret: text.length - position});
	const without = (from: number, to: number) => result(value.slice(0, from) + value.slice(to), from);
	switch (commandFor(key, EDITS, {typing: true})) {
		case Command.EraseLine: {
			return {value: '', caret: 0};
		}

		case Command.EraseChar: {
			return at === 0 ? result(value, at) : without(clusterStartBefore(value, at), at);
		}

		case Command.DeleteChar: {
			return at === value.length ? result(value, at) : without(at, clusterEndAfter(value, at));
		}

		case Command.EraseWord: {
			// The spaces before the caret, then the word before them, as readline's unix-word-rubout
			// (a space is one unit, so a word's start is a cluster's).
			let start = at;
			while (start > 0 && isSpace(value[start - 1])) {
				start--;
			}

			while (start > 0 && !isSpace(value[start - 1])) {
				start--;
			}

			return without(start, at);
		}

		case Command.CaretLeft: {
			return result(value, clusterStartBefore(value, at));
		}

		case Command.CaretRight: {
			return result(value, clusterEndAfter(value, at));
		}

		case Command.CaretStart: {
			return result(value, 0);
		}

		case Command.CaretEnd: {
			return result(value, value.length);
		}

		default: {
			break;
		}
	}

	if (key.name !== undefined || key.ctrl || key.meta || key.input === '') {
		return undefined;
	}

	// The limit in UTF-16 units, as the domain's LIMITS count: what would pass it is not taken
	// (a character whole or not at all).
	let inserted = typedText(key.input);
	const room = (options.maxLength ?? Number.POSITIVE_INFINITY) - value.length;
	if (inserted.length > room) {
		let end = Math.max(0, room);
		if (end > 0 && end < inserted.length && /[\uDC00-\uDFFF]/.test(inserted[end]!)) {
			end--;
		}

		inserted = inserted.slice(0, end);
	}

	const next = value.slice(0, at) + inserted + value.slice(at);
	// After the text, at the end of the cluster it ends in: what was typed may join what follows
	// (an accent typed before a letter's own, a flag's second half), and the caret is never inside one.
	const after = at + inserted.length;
	return result(next, after === 0 ? 0 : clusterEndAfter(next, clusterStartBefore(next, after)));
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
