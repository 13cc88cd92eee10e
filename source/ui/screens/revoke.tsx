import {Text, useStdout} from 'ink';
import {useEffect, useMemo, useRef} from 'react';
import {type TokenStore, defaultJournalPath, revokeWithJournal} from '../../store/index.js';
import {copyToClipboard} from '../clipboard.js';
import {failureText} from '../errors.js';
import {Footer} from '../components/footer.js';
import {Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {Command, matches} from '../keymap.js';
import {type RevokeState, confirmationText, initialRevokeState, restoreCommand, revokeReducer} from '../state/revoke.js';
import {type Selection, hiddenText} from '../state/rows.js';
import {displayText, shortId, tokenCount} from '../../format/index.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';
import type {CloseDialog} from './close-options.js';
import {useEnvironment} from '../hooks/use-environment.js';

/** The dialog's question: the row under the cursor is "this token", marked ones say so. */
export function revokeTitle({targets, marked}: Pick<RevokeState, 'targets' | 'marked'>): string {
	const count = targets.length;
	if (!marked) {
		return 'Revoke this token?';
	}

	return count === 1 ? 'Revoke the marked token?' : `Revoke the ${count} marked tokens?`;
}

/** How many of the targets were revoked meanwhile (read when the plan was), or nothing. */
function goneText(gone: number, left: number): string | undefined {
	if (gone === 0) {
		return undefined;
	}

	return left === 0
		? `${gone === 1 ? 'It no longer exists' : 'None of them exists any more'} (revoked meanwhile); nothing was revoked.`
		: `${tokenCount(gone)} no longer ${gone === 1 ? 'exists' : 'exist'} (revoked meanwhile) and ${gone === 1 ? 'is' : 'are'} left out.`;
}

/** The result: how many went, and the journal that undoes it, as one line (wrapped, never cut: the path is to be copied). */
function RevokeDone({state}: {state: RevokeState}) {
	const {revoked, skipped, journal} = state.result!;
	const gone = goneText(state.gone, revoked + skipped.length);
	return (
		<>
			<Title>Revoke</Title>
			<Text> </Text>
			{journal === undefined ? null : (
				<Message kind="success">
					Revoked {tokenCount(revoked)}. Undo: {restoreCommand(displayText(journal, 4096))}
				</Message>
			)}
			{skipped.length > 0 ? (
				<Message kind="warning">
					{tokenCount(skipped.length)} changed after the plan and {skipped.length === 1 ? 'was' : 'were'} kept:{' '}
					{skipped.map(id => shortId(id)).join(', ')}
				</Message>
			) : null}
			{gone ? <Message kind={journal === undefined ? 'info' : 'warning'}>{gone}</Message> : null}
			<Text> </Text>
			{journal === undefined ? null : (
				<Message kind="hint">
					The journal (mode 0600) holds the exact stored bytes; restore puts them back byte for byte. Requests with the revoked{' '}
					{revoked === 1 ? 'token are' : 'tokens are'} refused from now on. c copies the command.
				</Message>
			)}
			{state.notice ? <Message kind="success">{state.notice}</Message> : null}
		</>
	);
}

export function RevokeView({state, width, height}: {state: RevokeState; width: number; height: number}) {
	if (state.step === 'done' && state.result) {
		return (
			<Frame height={height}>
				<RevokeDone state={state} />
			</Frame>
		);
	}

	const count = state.targets.length;
	const hidden = hiddenText(state);
	const gone = goneText(state.gone, count);
	const room = Math.max(1, height - 11 - (hidden ? 1 : 0) - (gone ? 1 : 0));
	const listed = state.targets.slice(0, room);
	return (
		<Frame height={height}>
			<Title>{revokeTitle(state)}</Title>
			{hidden ? <Message kind="warning">{hidden}</Message> : null}
			{gone ? <Message kind="warning">{gone}</Message> : null}
			<Text> </Text>
			{listed.map(target => (
				<Text key={target.id} wrap="truncate">
					{'   '}
					<Text color={theme.muted}>{shortId(target.id)} </Text>
					{fit(target.description, Math.max(1, width - 20))}
				</Text>
			))}
			{count > listed.length ? <Text color={theme.muted}>{`   …and ${count - listed.length} more`}</Text> : null}
			<Text> </Text>
			<Message kind="warning">Apps using {count === 1 ? 'it' : 'them'} are refused at once; an undo journal is written first.</Message>
			<Text> </Text>
			<Text wrap="truncate">
				{' '}
				Type <Text bold>{confirmationText(state.targets)}</Text> and press Enter to revoke. Enter alone or Esc cancels.
			</Text>
			<TextField label="Confirm" value={state.typed} caret={state.caret} width={width} />
			{state.step === 'planning' && state.error === undefined ? <Message kind="info">Reading the tokens as stored…</Message> : null}
			{state.step === 'revoking' ? <Message kind="info">Revoking…</Message> : null}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

export type RevokeScreenProps = {
	store: TokenStore;
	selection: Selection;
	/** The Redis URL (password masked) the journal records it came from, as the CLI's does. */
	endpoint: string;
	width: number;
	height: number;
	onClose: CloseDialog;
	/** Told once tokens are revoked, so the table and header behind the result count them gone at once. */
	onRevoked?: () => void;
	/** Where the journal goes (the CLI's default place); throws, naming why, when it cannot be made. */
	journalPath?: (now: number) => string;
	clock?: () => number;
};

/** Without a --journal flag in the app, the remedy for a journal directory that cannot be made. */
const APP_REMEDY = 'set XDG_STATE_HOME to a writable directory';

export function RevokeScreen({
	store,
	selection,
	endpoint,
	width,
	height,
	onClose,
	onRevoked,
	journalPath: givenJournalPath,
	clock = Date.now,
}: RevokeScreenProps) {
	const {stdout} = useStdout();
	const env = useEnvironment();
	const journalPath = useMemo(
		() => givenJournalPath ?? ((now: number) => defaultJournalPath(env, now, APP_REMEDY)),
		[givenJournalPath, env],
	);
	const [state, dispatch, ref] = useRefReducer(revokeReducer, () => initialRevokeState(selection.targets, selection));
	const reloaded = useRef(false);

	// The plan: the exact stored bytes of the targets as the dialog opens, as revoke --query plans.
	useEffect(() => {
		void (async () => {
			try {
				const {rows} = await store.storedByIds(ref.current.targets.map(target => target.id));
				dispatch({type: 'planned', planned: await store.snapshot(rows)});
			} catch (error) {
				dispatch({type: 'failed', message: `Could not read the tokens to revoke: ${failureText(error)}.`});
			}
		})();
	}, [store, dispatch, ref]);

	useEffect(() => {
		if (state.step !== 'revoking') {
			return;
		}

		void (async () => {
			try {
				const now = clock();
				const file = journalPath(now);
				const {revoked, skipped} = await revokeWithJournal(store, ref.current.planned, {
					file,
					header: {created: new Date(now).toISOString(), redis: endpoint, prefix: store.prefix},
				});
				dispatch({type: 'revoked', revoked: revoked.length, skipped, journal: file});
				if (onRevoked) {
					reloaded.current = true;
					onRevoked();
				}
			} catch (error) {
				dispatch({type: 'failed', message: `Could not revoke: ${failureText(error)}.`});
			}
		})();
	}, [state.step, store, endpoint, journalPath, clock, dispatch, ref, onRevoked]);

	useKeypress(key => {
		const current = ref.current;
		if (current.step === 'done' && current.result?.journal !== undefined && matches(Command.Copy, key)) {
			void copyToClipboard(restoreCommand(current.result.journal), 'the command', stdout, env).then(message =>
				dispatch({type: 'notice', message}),
			);
			return true;
		}

		dispatch({type: 'key', key});
		// Closed here, in the key's own turn, not in an effect after the next render: a key read
		// in the same burst (Esc, then n) must reach whatever is under the dialog.
		if (ref.current.done) {
			// A revoke that wrote nothing (cancelled before it ran) has nothing to reload, and one
			// already reloaded when it finished needs no second.
			const {done, result} = ref.current;
			const revoked = done === 'closed' ? result?.revoked : undefined;
			onClose({
				reload: done === 'closed' && !reloaded.current,
				said: revoked === undefined ? undefined : `Revoked ${revoked} ${revoked === 1 ? 'token' : 'tokens'}`,
			});
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
