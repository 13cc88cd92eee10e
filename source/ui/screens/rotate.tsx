import {Text} from 'ink';
import {useEffect} from 'react';
import {isoTime} from '../../tokens/index.js';
import {displayText, relativeTime} from '../../format/index.js';
import {failureText} from '../errors.js';
import {Footer} from '../components/footer.js';
import {Fields, Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {TokenShown} from '../components/token-shown.js';
import {type EntryState, useEntry} from '../hooks/use-entry.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {type RotateState, copiedLines, initialRotateState, rotateReducer, rotateView} from '../state/rotate.js';
import type {TokenDialogProps} from './token-dialog.js';
import {useShownOnceKeys} from '../hooks/use-shown-once-keys.js';

const GRACE_HELP = 'How long the old token keeps working: a duration (24h, 30m, 7d; units s m h d w y), or 0 to retire it at once.';

/** When the old token stops working, as the CLI says it. */
function retiresText(retiresAt: number, now: number): string {
	return retiresAt <= now ? 'at once' : `at ${isoTime(retiresAt) ?? 'an invalid date'} (${relativeTime(retiresAt, now)})`;
}

/** The dialog as it looks in one state (pure: tests render it without a store or keys). */
export function RotateView({
	state,
	entry,
	now,
	width,
	height,
}: {
	state: RotateState;
	entry: EntryState;
	now: number;
	width: number;
	height: number;
}) {
	if (state.step === 'shown' && state.issued && state.result) {
		const {retiresAt, keptEarlierExpiry, linked} = state.result;
		return (
			<Frame height={height}>
				<Title>Rotated: your new token</Title>
				<Text> </Text>
				<TokenShown shown={state.issued} notice={state.notice} width={width} />
				<Text wrap="truncate">
					{' '}
					The old token stops working {retiresText(retiresAt, now)}
					{keptEarlierExpiry ? ': its own, earlier expiry (a grace never extends a token)' : ''}.
				</Text>
				{linked ? null : (
					<Message kind="warning">
						Its metadata is not a JSON object, so the two tokens are not linked: details cannot tell whether the old one is still used.
					</Message>
				)}
			</Frame>
		);
	}

	const preview =
		entry.status === 'found'
			? copiedLines(entry.entry.record, now)
			: [
					['', entry.status === 'loading' ? 'Loading…' : entry.status === 'gone' ? 'This token no longer exists.' : entry.message] as [
						string,
						string,
					],
				];
	return (
		<Frame height={height}>
			<Title>Rotate token {displayText(state.id.slice(0, 12))}…</Title>
			<Text> </Text>
			<Text> The new token copies every field (an expiry as the same lifetime, from now):</Text>
			<Fields lines={preview} />
			<Text> </Text>
			{state.step === 'grace' ? (
				<>
					<Message kind="hint">{GRACE_HELP}</Message>
					<TextField label="Grace" value={state.grace} caret={state.caret} width={width} />
				</>
			) : (
				<>
					<Text wrap="truncate"> The old token stops working {retiresText(now + (state.graceMs ?? 0), now)}.</Text>
					<Text> Enter rotates, Esc goes back to change the grace.</Text>
				</>
			)}
			{state.step === 'rotating' ? <Message kind="info">Rotating…</Message> : null}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

/**
 * `R`: rotates one token through store.rotate, the CLI's own. The new raw token lives only in this
 * component's state, from the store's answer to the close of the shown-once step.
 */
export function RotateScreen({store, id, width, height, onClose, clock = Date.now}: TokenDialogProps) {
	const [state, dispatch, ref] = useRefReducer(rotateReducer, () => initialRotateState(id));
	const entry = useEntry(store, id, undefined);

	useEffect(() => {
		if (state.step !== 'rotating') {
			return;
		}

		const {graceMs} = ref.current;
		store
			.rotate(id, graceMs ?? 0)
			.then(rotated =>
				dispatch({
					type: 'rotated',
					token: rotated.rawToken,
					newId: rotated.id,
					retiresAt: rotated.retiresAt,
					keptEarlierExpiry: rotated.keptEarlierExpiry,
					linked: rotated.linked,
				}),
			)
			.catch((error: unknown) => dispatch({type: 'failed', message: `Could not rotate: ${failureText(error)}.`}));
	}, [state.step, store, id, dispatch, ref]);

	useShownOnceKeys(
		ref,
		dispatch,
		key => ({type: 'key' as const, key}),
		onClose,
		() => 'Rotation done: the new token is under the cursor',
	);

	return (
		<>
			<RotateView state={state} entry={entry} now={clock()} width={width} height={height} />
			<Footer view={rotateView(state.step)} width={width} />
		</>
	);
}
