import {
	type DecodedExport,
	MAX_EXPORT_STRING_LENGTH,
	TokenError,
	accountOf,
	decodeExportString,
	describeScopes,
	oneLine,
	scopesOf,
	stringField,
	toMillis,
} from '../../tokens/index.js';
import {displayText, shortDate} from '../../format/index.js';
import {Command, commandIn, type KeyEvent, type View} from '../keymap.js';
import {editText} from './text-edit.js';

/** Import: paste a string, see it decoded (or exactly why not), confirm, see the outcome. */
export type ImportState = {
	/** The text field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
	step: 'input' | 'confirm' | 'importing' | 'done';
	text: string;
	decoded: DecodedExport | undefined;
	error: string | undefined;
	outcome: 'imported' | 'present' | undefined;
	done: 'cancelled' | 'closed' | undefined;
};

export const initialImportState: ImportState = {
	step: 'input',
	text: '',
	decoded: undefined,
	error: undefined,
	outcome: undefined,
	done: undefined,
};

export type ImportAction =
	{type: 'key'; key: KeyEvent} | {type: 'result'; outcome: 'imported' | 'present'} | {type: 'failed'; message: string};

/** The decoded string as the preview shows it; every value through displayText, whatever its type. */
export function previewLines(decoded: DecodedExport): Array<[string, string]> {
	const {id, fields} = decoded;
	const created = toMillis(fields['created']);
	const expires = toMillis(fields['expires']);
	const lines: Array<[string, string]> = [
		['id', `${displayText(id.slice(0, 16))}…`],
		['description', displayText(stringField(fields, 'description') ?? '(none)')],
		['scopes', displayText(describeScopes(scopesOf(fields)))],
		['account', displayText(accountOf(fields) ?? 'all accounts')],
		['created', created === undefined ? '—' : `${shortDate(created)} UTC (reset to now on import)`],
	];
	if (expires !== undefined) {
		lines.push(['expires', `${shortDate(expires)} UTC`]);
	}

	const others = Object.keys(fields).filter(key => !['created', 'expires', 'description', 'scopes', 'account'].includes(key));
	if (others.length > 0) {
		lines.push(['other fields', displayText(others.slice(0, 64).join(', '))]);
	}

	return lines;
}

function withText(state: ImportState, text: string): ImportState {
	// A caret move changes no text: the string decoded is still the one shown (up to 2 MB to decode).
	if (text === state.text) {
		return state;
	}

	if (text.trim() === '') {
		return {...state, text, decoded: undefined, error: undefined};
	}

	try {
		return {...state, text, decoded: decodeExportString(text), error: undefined};
	} catch (error) {
		return {...state, text, decoded: undefined, error: displayText(error instanceof TokenError ? error.message : oneLine(error))};
	}
}

export function importReducer(state: ImportState, action: ImportAction): ImportState {
	switch (action.type) {
		case 'result': {
			return {...state, step: 'done', outcome: action.outcome, error: undefined};
		}

		case 'failed': {
			return {...state, step: 'confirm', error: `${action.message} Press Enter to try again.`};
		}

		case 'key': {
			const {key} = action;
			switch (state.step) {
				case 'importing': {
					return state;
				}

				case 'done': {
					return commandIn('import-done', key) === undefined ? state : {...state, done: 'closed'};
				}

				case 'confirm': {
					const command = commandIn('import-confirm', key);
					if (command === Command.Confirm) {
						return {...state, step: 'importing', error: undefined};
					}

					return command === Command.Back ? {...state, step: 'input', error: undefined} : state;
				}

				case 'input': {
					const command = commandIn('import-input', key);
					if (command === Command.Close) {
						return {...state, done: 'cancelled'};
					}

					if (command === Command.Next) {
						return state.decoded
							? {...state, step: 'confirm'}
							: state.text.trim() === ''
								? {...state, error: 'Paste an export string first.'}
								: state;
					}

					// Export strings have no spaces: whatever a paste wrapped them with goes.
					const edited = editText(state.text, key, {maxLength: MAX_EXPORT_STRING_LENGTH + 1, caret: state.caret});
					if (edited === undefined) {
						return state;
					}

					// Each side of the caret on its own, so the caret stays where it was in what remains
					// (UTF-16 units from the end, as text-edit.ts counts it).
					const at = edited.value.length - edited.caret;
					const after = edited.value.slice(at).replaceAll(/\s+/g, '');
					return {...withText(state, edited.value.slice(0, at).replaceAll(/\s+/g, '') + after), caret: after.length};
				}
			}
		}
	}
}

export function importView(state: ImportState): View {
	return state.step === 'input' ? 'import-input' : state.step === 'done' ? 'import-done' : 'import-confirm';
}
