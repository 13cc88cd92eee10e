import {Command, type KeyEvent, matches} from '../keymap.js';

/**
 * Text typed or pasted into a field: line breaks and tabs become spaces, other control characters
 * (the escapes a hostile paste carries among them) and bidi overrides are dropped.
 */
export const typedText = (input: string): string =>
	// eslint-disable-next-line no-control-regex
	input.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '');

/**
 * A one-line text field's editing, shared by the filter and every dialog: printable text (a whole
 * paste at once) is appended, and the keymap's erase commands erase a character or the line.
 * Returns undefined when the key is not an edit, so the caller can treat it as a command.
 */
export function editText(value: string, key: KeyEvent, options: {maxLength?: number} = {}): string | undefined {
	if (matches(Command.EraseLine, key)) {
		return '';
	}

	if (matches(Command.EraseChar, key)) {
		return [...value].slice(0, -1).join('');
	}

	if (key.name !== undefined || key.ctrl || key.meta || key.input === '') {
		return undefined;
	}

	const next = value + typedText(key.input);
	return options.maxLength === undefined ? next : next.slice(0, options.maxLength);
}
