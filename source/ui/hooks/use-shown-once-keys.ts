import {useStdout} from 'ink';
import {copyToClipboard} from '../clipboard.js';
import {Command, type KeyEvent, matches} from '../keymap.js';
import type {CloseDialog} from '../screens/close-options.js';
import {PRIORITY, useKeypress} from './keypress.js';
import {useEnvironment} from './use-environment.js';

/** What a dialog that shows a new token once keeps of it (the issue wizard's state, the rotation's). */
type ShownOnce = {
	step: string;
	issued?: {token: string; id: string} | undefined;
	done: 'cancelled' | 'closed' | undefined;
};

type CopyAction = {type: 'copying'} | {type: 'notice'; message: string};

/**
 * The keys of a dialog that shows a new token once (issue, rotate). While the token is shown, the
 * copy key copies it; every other key goes to the dialog's reducer (`keyAction`). When a key ends
 * the dialog, it closes in that key's own turn, not in an effect after the next render: a key read
 * in the same burst (Esc, then n) must reach whatever is under the dialog. The reducer forgets the
 * token as it closes; the new token's id is read before, for the table to land on it.
 */
export function useShownOnceKeys<State extends ShownOnce, Action>(
	ref: {readonly current: State},
	dispatch: (action: Action | CopyAction) => void,
	keyAction: (key: KeyEvent) => Action,
	onClose: CloseDialog,
	/** The status line's word once the token was shown and the dialog closed. */
	said: (state: State) => string,
): void {
	const {stdout} = useStdout();
	const env = useEnvironment();
	useKeypress(key => {
		const current = ref.current;
		if (current.step === 'shown' && current.issued && matches(Command.Copy, key)) {
			dispatch({type: 'copying'});
			void copyToClipboard(current.issued.token, 'the token', stdout, env).then(message => dispatch({type: 'notice', message}));
			return true;
		}

		const madeId = current.issued?.id;
		dispatch(keyAction(key));
		const {done} = ref.current;
		if (done) {
			const closed = done === 'closed';
			onClose({
				repaint: closed,
				reload: closed,
				select: closed ? madeId : undefined,
				said: closed ? said(ref.current) : undefined,
			});
		}

		return true;
	}, PRIORITY.dialog);
}
