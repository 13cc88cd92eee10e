import {confirmsRevoke, revokeConfirmation} from '../../tokens/index.js';
import {Command, type KeyEvent, commandFor, commandsOf} from '../keymap.js';
import type {Selection, Target} from './rows.js';
import {editText} from './text-edit.js';

/**
 * Revoking is destructive, so the confirmation defaults to cancel (Enter alone, Esc) and asks
 * for typed proof: the first 6 characters of the id, or `revoke N` for several marked tokens.
 */
export type RevokeState = {
	targets: Target[];
	/** Whether the targets are the marked tokens, and how many of them the filter hides. */
	marked: boolean;
	hidden: number;
	typed: string;
	step: 'confirm' | 'revoking' | 'done';
	error: string | undefined;
	result: {revoked: number; missing: number} | undefined;
	done: 'cancelled' | 'closed' | undefined;
};

/** What to type: the id's start for one token (the CLI asks the same), `revoke N` for several. */
export const confirmationText = (targets: readonly Target[]): string =>
	targets.length === 1 ? revokeConfirmation(targets[0]!.id) : `revoke ${targets.length}`;

/** Whether the typed text is that proof: for one token the CLI's own check, `revoke N` in any case for several. */
const confirms = (typed: string, targets: readonly Target[]): boolean =>
	targets.length === 1 ? confirmsRevoke(typed, targets[0]!.id) : typed.trim().toLowerCase() === confirmationText(targets);

export const initialRevokeState = (targets: Target[], {marked = targets.length > 1, hidden = 0}: Partial<Selection> = {}): RevokeState => ({
	targets,
	marked,
	hidden,
	typed: '',
	step: 'confirm',
	error: undefined,
	result: undefined,
	done: undefined,
});

export type RevokeAction =
	{type: 'key'; key: KeyEvent} | {type: 'revoked'; revoked: number; missing: number} | {type: 'failed'; message: string};

export function revokeReducer(state: RevokeState, action: RevokeAction): RevokeState {
	switch (action.type) {
		case 'revoked': {
			return {...state, step: 'done', result: {revoked: action.revoked, missing: action.missing}, error: undefined};
		}

		case 'failed': {
			return {...state, step: 'confirm', error: `${action.message} Press Enter to try again.`};
		}

		case 'key': {
			const {key} = action;
			if (state.step === 'revoking') {
				return state;
			}

			if (state.step === 'done') {
				const command = commandFor(key, commandsOf('revoke-done'));
				return command === undefined ? state : {...state, done: 'closed'};
			}

			const command = commandFor(key, commandsOf('revoke'));
			if (command === Command.Close) {
				return {...state, done: 'cancelled'};
			}

			if (command === Command.Confirm) {
				const typed = state.typed.trim();
				if (typed === '') {
					return {...state, done: 'cancelled'};
				}

				if (!confirms(typed, state.targets)) {
					return {...state, error: `That is not "${confirmationText(state.targets)}". Type it exactly to revoke, or press Esc to cancel.`};
				}

				return {...state, step: 'revoking', error: undefined};
			}

			const typed = editText(state.typed, key, {maxLength: 32});
			return typed === undefined ? state : {...state, typed, error: undefined};
		}
	}
}
