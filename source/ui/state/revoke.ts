import type {PlannedToken} from '../../store/index.js';
import {confirmsRevoke, revokeConfirmation} from '../../tokens/index.js';
import {shellWord} from '../../format/shell.js';
import {Command, commandIn, type KeyEvent} from '../keymap.js';
import type {Selection, Target} from './rows.js';
import {editText} from './text-edit.js';

/**
 * Revoking is destructive, so the confirmation defaults to cancel (Enter alone, Esc) and asks
 * for typed proof: the first 6 characters of the id, or `revoke N` for several marked tokens.
 *
 * It is `revoke --query`'s revoke (issue #12 §5), for one token as for many: the dialog opens on a
 * plan (the exact stored bytes of the tokens, read when it opens), and the confirmed revoke writes
 * them to an undo journal before the first delete, then deletes only those still holding them.
 */
export type RevokeState = {
	/** The text field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
	targets: Target[];
	/** Whether the targets are the marked tokens, and how many of them the filter hides. */
	marked: boolean;
	hidden: number;
	typed: string;
	step: 'planning' | 'confirm' | 'revoking' | 'done';
	/** The journaled state of the targets, read when the dialog opened; what the journal holds. */
	planned: PlannedToken[];
	/** Targets with no record when the plan was read (revoked meanwhile): nothing to revoke. */
	gone: number;
	error: string | undefined;
	result: RevokeResult | undefined;
	/** Enter was pressed while the plan was being read: it confirms (or not) once the plan is in. */
	confirmPending: boolean;
	/** What `c` (copy the restore command) did. */
	notice: string | undefined;
	done: 'cancelled' | 'closed' | undefined;
};

export type RevokeResult = {
	revoked: number;
	/** The ids kept because they changed after the plan (edited, rotated meanwhile). */
	skipped: string[];
	/** The undo journal's path; undefined when nothing was left to revoke (no journal written). */
	journal: string | undefined;
};

/** What to type: the id's start for one token (the CLI asks the same), `revoke N` for several. */
export const confirmationText = (targets: readonly Target[]): string =>
	targets.length === 1 ? revokeConfirmation(targets[0]!.id) : `revoke ${targets.length}`;

/** The command that undoes the revoke, as the result shows it and `c` copies it. */
export const restoreCommand = (journal: string): string => `ee-tokens restore --journal ${shellWord(journal)}`;

/** Whether the typed text is that proof: for one token the CLI's own check, `revoke N` in any case for several. */
const confirms = (typed: string, targets: readonly Target[]): boolean =>
	targets.length === 1 ? confirmsRevoke(typed, targets[0]!.id) : typed.trim().toLowerCase() === confirmationText(targets);

export const initialRevokeState = (targets: Target[], {marked = targets.length > 1, hidden = 0}: Partial<Selection> = {}): RevokeState => ({
	targets,
	marked,
	hidden,
	typed: '',
	step: 'planning',
	planned: [],
	gone: 0,
	error: undefined,
	result: undefined,
	notice: undefined,
	confirmPending: false,
	done: undefined,
});

/** Enter on the confirmation: alone it cancels; the proof revokes; anything else says what to type. */
function confirm(state: RevokeState): RevokeState {
	const typed = state.typed.trim();
	if (typed === '') {
		return {...state, done: 'cancelled'};
	}

	if (!confirms(typed, state.targets)) {
		return {...state, error: `That is not "${confirmationText(state.targets)}". Type it exactly to revoke, or press Esc to cancel.`};
	}

	return {...state, step: 'revoking', error: undefined};
}

export type RevokeAction =
	| {type: 'key'; key: KeyEvent}
	| {type: 'planned'; planned: PlannedToken[]}
	| {type: 'revoked'; revoked: number; skipped: string[]; journal: string}
	| {type: 'failed'; message: string}
	| {type: 'notice'; message: string};

export function revokeReducer(state: RevokeState, action: RevokeAction): RevokeState {
	switch (action.type) {
		case 'planned': {
			// The dialog lists, and the confirmation counts, what is there to revoke now.
			const planned = new Set(action.planned.map(token => token.id));
			const targets = state.targets.filter(target => planned.has(target.id));
			const gone = state.targets.length - targets.length;
			if (targets.length === 0) {
				return {...state, step: 'done', gone, planned: [], result: {revoked: 0, skipped: [], journal: undefined}};
			}

			const ready = {...state, step: 'confirm' as const, targets, gone, planned: action.planned, error: undefined, confirmPending: false};
			return state.confirmPending ? confirm(ready) : ready;
		}

		case 'revoked': {
			return {
				...state,
				step: 'done',
				result: {revoked: action.revoked, skipped: action.skipped, journal: action.journal},
				error: undefined,
			};
		}

		case 'notice': {
			return {...state, notice: action.message};
		}

		case 'failed': {
			// A plan that could not be read leaves nothing to confirm: Esc closes, as in every dialog.
			return state.step === 'planning'
				? {...state, error: `${action.message} Esc closes.`}
				: {...state, step: 'confirm', error: `${action.message} Press Enter to try again.`};
		}

		case 'key': {
			const {key} = action;
			if (state.step === 'revoking') {
				return state;
			}

			if (state.step === 'done') {
				const command = commandIn('revoke-done', key);
				return command === Command.Close || command === Command.Done ? {...state, done: 'closed'} : state;
			}

			const command = commandIn('revoke', key);
			if (command === Command.Close) {
				return {...state, done: 'cancelled'};
			}

			if (command === Command.Confirm) {
				// Typed ahead of the plan (it takes a round trip): the Enter counts once the plan is read.
				return state.step === 'planning' && state.typed.trim() !== '' ? {...state, confirmPending: true} : confirm(state);
			}

			const typed = editText(state.typed, key, {maxLength: 32, caret: state.caret});
			return typed === undefined ? state : {...state, typed: typed.value, caret: typed.caret, error: undefined};
		}
	}
}
