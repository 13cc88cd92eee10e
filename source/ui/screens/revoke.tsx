import {failureText} from '../errors.js';
import {Text} from 'ink';
import {useEffect} from 'react';
import type {TokenStore} from '../../store/index.js';
import {Footer} from '../components/footer.js';
import {Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {type RevokeState, confirmationText, initialRevokeState, revokeReducer} from '../state/revoke.js';
import {type Selection, hiddenText} from '../state/rows.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';

/** The dialog's question: the row under the cursor is "this token", marked ones say so. */
export function revokeTitle({targets, marked}: Pick<RevokeState, 'targets' | 'marked'>): string {
	const count = targets.length;
	if (!marked) {
		return 'Revoke this token?';
	}

	return count === 1 ? 'Revoke the marked token?' : `Revoke the ${count} marked tokens?`;
}

export function RevokeView({state, width, height}: {state: RevokeState; width: number; height: number}) {
	const count = state.targets.length;
	const hidden = hiddenText(state);
	const room = Math.max(1, height - 10 - (hidden ? 1 : 0));
	const listed = state.targets.slice(0, room);
	if (state.step === 'done' && state.result) {
		const {revoked, missing} = state.result;
		return (
			<Frame height={height}>
				<Title>Revoke</Title>
				<Text> </Text>
				<Message kind="success">
					Revoked {revoked} token{revoked === 1 ? '' : 's'}.{missing > 0 ? ` ${missing} had already gone.` : ''} Requests with{' '}
					{revoked === 1 ? 'it' : 'them'} are refused from now on.
				</Message>
			</Frame>
		);
	}

	return (
		<Frame height={height}>
			<Title>{revokeTitle(state)}</Title>
			{hidden ? <Message kind="warning">{hidden}</Message> : null}
			<Text> </Text>
			{listed.map(target => (
				<Text key={target.id} wrap="truncate">
					{'   '}
					<Text color={theme.muted}>{target.id.slice(0, 12)}… </Text>
					{fit(target.description, Math.max(1, width - 20))}
				</Text>
			))}
			{count > listed.length ? <Text color={theme.muted}>{`   …and ${count - listed.length} more`}</Text> : null}
			<Text> </Text>
			<Message kind="warning">Apps using {count === 1 ? 'it' : 'them'} are refused at once. This cannot be undone.</Message>
			<Text> </Text>
			<Text wrap="truncate">
				{' '}
				Type <Text bold>{confirmationText(state.targets)}</Text> and press Enter to revoke. Enter alone or Esc cancels.
			</Text>
			<TextField label="Confirm" value={state.typed} width={width} />
			{state.step === 'revoking' ? <Message kind="info">Revoking…</Message> : null}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

export type RevokeScreenProps = {
	store: TokenStore;
	selection: Selection;
	width: number;
	height: number;
	onClose: (options: {reload?: boolean}) => void;
};

export function RevokeScreen({store, selection, width, height, onClose}: RevokeScreenProps) {
	const [state, dispatch, ref] = useRefReducer(revokeReducer, () => initialRevokeState(selection.targets, selection));

	useEffect(() => {
		if (state.step !== 'revoking') {
			return;
		}

		void (async () => {
			try {
				const {revoked, missing} = await store.revokeMany(ref.current.targets.map(target => target.id));
				dispatch({type: 'revoked', revoked: revoked.length, missing: missing.length});
			} catch (error) {
				dispatch({type: 'failed', message: `Could not revoke: ${failureText(error)}.`});
			}
		})();
	}, [state.step, store, dispatch, ref]);

	useKeypress(key => {
		dispatch({type: 'key', key});
		// Closed here, in the key's own turn, not in an effect after the next render: a key read
		// in the same burst (Esc, then n) must reach whatever is under the dialog.
		if (ref.current.done) {
			onClose({reload: ref.current.done === 'closed'});
		}

		return true;
	}, PRIORITY.dialog);

	return (
		<>
			<RevokeView state={state} width={width} height={height} />
			<Footer view={state.step === 'done' ? 'revoke-done' : 'revoke'} width={width} />
		</>
	);
}
