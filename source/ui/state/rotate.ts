import {DEFAULT_GRACE, TokenError, type TokenRecord, oneLine, parseDuration, restrictionsField} from '../../tokens/index.js';
import {Command, commandIn, type KeyEvent, type View} from '../keymap.js';
import {fieldText, restrictionLines} from './details.js';
import {editText} from './text-edit.js';
import {type ShownToken, copiedToken, shownTokenCommand} from './token-shown.js';

/**
 * The rotate dialog (`R`, issue #12 §3): the grace, typed and checked as `rotate --grace` checks
 * it, a confirmation, then the new token shown once. The store does the rotation (store.rotate, the
 * CLI's own); this only decides what the keys mean.
 */
export type RotateStep = 'grace' | 'confirm' | 'rotating' | 'shown';

export type RotateResult = {retiresAt: number; keptEarlierExpiry: boolean; linked: boolean};

export type RotateState = {
	/** The text field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
	/** The old token's id. */
	id: string;
	step: RotateStep;
	grace: string;
	/** The grace read from `grace` when the dialog moved to the confirmation. */
	graceMs: number | undefined;
	error: string | undefined;
	/** Only while the shown-once step is open; cleared on close. */
	issued: ShownToken | undefined;
	result: RotateResult | undefined;
	notice: string | undefined;
	done: 'cancelled' | 'closed' | undefined;
};

export const initialRotateState = (id: string): RotateState => ({
	id,
	step: 'grace',
	grace: DEFAULT_GRACE,
	graceMs: undefined,
	error: undefined,
	issued: undefined,
	result: undefined,
	notice: undefined,
	done: undefined,
});

export type RotateAction =
	| {type: 'key'; key: KeyEvent}
	| ({type: 'rotated'; token: string; newId: string} & RotateResult)
	| {type: 'failed'; message: string}
	| {type: 'notice'; message: string}
	/** c in the shown-once step: the token counts as copied from this key on. */
	| {type: 'copying'};

/** The grace in milliseconds, or the one-line reason it is not one (`rotate --grace`'s own words). */
export function readGrace(text: string): {ms: number} | {error: string} {
	try {
		return {ms: parseDuration(text, 'grace', {zero: true})};
	} catch (error) {
		return {error: error instanceof TokenError ? error.message : oneLine(error)};
	}
}

export function rotateReducer(state: RotateState, action: RotateAction): RotateState {
	switch (action.type) {
		case 'rotated': {
			const {token, newId, retiresAt, keptEarlierExpiry, linked} = action;
			return {...state, step: 'shown', issued: {token, id: newId}, result: {retiresAt, keptEarlierExpiry, linked}, error: undefined};
		}

		case 'failed': {
			// The store's refusal (unreadable, expired, changed meanwhile), on one line; Esc goes back.
			return {...state, step: 'confirm', error: action.message};
		}

		case 'notice': {
			return {...state, notice: action.message};
		}

		case 'copying': {
			return state.issued ? {...state, issued: copiedToken(state.issued)} : state;
		}

		case 'key': {
			return rotateKey(state, action.key);
		}
	}
}

function rotateKey(state: RotateState, key: KeyEvent): RotateState {
	switch (state.step) {
		case 'rotating': {
			return state;
		}

		case 'shown': {
			const outcome = state.issued ? shownTokenCommand(state.issued, commandIn('token-shown', key)) : 'close';
			// The secret leaves the state here.
			return outcome === 'close'
				? {...state, issued: undefined, notice: undefined, done: 'closed'}
				: outcome
					? {...state, issued: outcome}
					: state;
		}

		case 'confirm': {
			const command = commandIn('wizard-review', key);
			if (command === Command.Confirm) {
				return {...state, step: 'rotating', error: undefined};
			}

			return command === Command.Back ? {...state, step: 'grace', error: undefined} : state;
		}

		case 'grace': {
			const command = commandIn('wizard-text', key);
			if (command === Command.Back) {
				return {...state, done: 'cancelled'};
			}

			if (command === Command.Next) {
				const grace = readGrace(state.grace);
				return 'error' in grace ? {...state, error: grace.error} : {...state, step: 'confirm', graceMs: grace.ms, error: undefined};
			}

			if (command === Command.Complete) {
				return state;
			}

			const grace = editText(state.grace, key, {maxLength: 32, caret: state.caret});
			return grace === undefined ? state : {...state, grace: grace.value, caret: grace.caret, error: undefined};
		}
	}
}

/** The footer view of a step (the issue wizard's: the same keys mean the same things). */
export function rotateView(step: RotateStep): View {
	return step === 'grace' ? 'wizard-text' : step === 'shown' ? 'token-shown' : 'wizard-review';
}

/**
 * What the new token copies from the old one, as the details view shows each field (sanitised,
 * wrong types as malformed): the description, scopes, account, restrictions, permissions, metadata.
 */
export function copiedLines(record: TokenRecord, now: number): Array<[string, string]> {
	const lines: Array<[string, string]> = [['description', fieldText('description', record['description'], now)]];
	lines.push(['scopes', fieldText('scopes', record['scopes'], now)]);
	lines.push([
		'account',
		record['account'] === undefined || record['account'] === null ? 'all accounts' : fieldText('account', record['account'], now),
	]);
	const restrictions = restrictionsField(record);
	lines.push(
		...(restrictions === null
			? [['restrictions', fieldText('restrictions', record['restrictions'], now)] as [string, string]]
			: restrictionLines(restrictions)),
	);
	for (const key of ['permissions', 'metadata']) {
		if (record[key] !== undefined && record[key] !== null) {
			lines.push([key, fieldText(key, record[key], now)]);
		}
	}

	return lines;
}
