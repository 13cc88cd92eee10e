import type {KeyEvent} from '../keymap.js';

/**
 * A one-line text field's editing, shared by every wizard: printable text (a whole paste at once)
 * is appended, Backspace erases one character, Ctrl-U erases the line. Returns undefined when the
 * key is not an edit, so the caller can treat it as a command.
 */
export function editText(value: string, key: KeyEvent, options: {maxLength?: number} = {}): string | undefined {
	if (key.name === 'backspace') {
		return key.ctrl || key.meta ? '' : [...value].slice(0, -1).join('');
	}

	if (key.ctrl && key.input === 'u') {
		return '';
	}

	if (key.name !== undefined || key.ctrl || key.meta || key.input === '') {
		return undefined;
	}

	// Line breaks in a paste become spaces; other control characters are dropped.
	// eslint-disable-next-line no-control-regex
	const text = key.input.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '');
	const next = value + text;
	return options.maxLength === undefined ? next : next.slice(0, options.maxLength);
}
