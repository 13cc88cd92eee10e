import {Command} from '../keymap.js';

/**
 * A new raw token while its shown-once dialog is open (issue, rotate), and whether it was copied:
 * Esc before a copy asks once, since closing loses the token for good. `c` counts as a copy as soon
 * as it is pressed, whatever the clipboard then says (the token stays on screen until closed).
 */
export type ShownToken = {token: string; id: string; copied?: boolean; closeAsked?: boolean};

/**
 * What a command does in the shown-once step: `close` (the dialog drops the token), a new
 * ShownToken (the question asked), or undefined (nothing). Enter (Done) is the deliberate close;
 * Esc closes at once after a copy, otherwise on its second press.
 */
export function shownTokenCommand(shown: ShownToken, command: Command | undefined): 'close' | ShownToken | undefined {
	if (command === Command.Done || (command === Command.Close && (shown.copied || shown.closeAsked))) {
		return 'close';
	}

	if (command === Command.Close) {
		return {...shown, closeAsked: true};
	}

	return undefined;
}

/** The same token, copied: Esc closes it without asking. */
export const copiedToken = (shown: ShownToken): ShownToken => ({...shown, copied: true, closeAsked: false});
