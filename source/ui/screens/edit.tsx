import {Text} from 'ink';
import {useEffect} from 'react';
import {
	type TokenEdit,
	TokenError,
	type TokenRecord,
	expiryOf,
	isoTime,
	permissionWarnings,
	restrictionWarnings,
} from '../../tokens/index.js';
import {NO_EXPIRY, displayText, permissionSentence, spanText} from '../../format/index.js';
import {failureText} from '../errors.js';
import {Footer} from '../components/footer.js';
import {Fields, Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {fieldText, wrappedLines} from '../state/details.js';
import {EDIT_FIELDS, EDIT_HELP, EDIT_TITLES, type EditState, editReducer, editView, initialEditState} from '../state/edit.js';
import {theme} from '../theme.js';
import type {TokenDialogProps} from './token-dialog.js';

const listText = (list: readonly string[] | null | undefined, none: string) => (list ? list.join(', ') : none);

/** What the review says will change, in the edit's own values (sanitised). */
function changeLines(edit: TokenEdit, base: TokenRecord): Array<[string, string]> {
	const lines: Array<[string, string]> = [];
	if (edit.description !== undefined) {
		lines.push(['description', edit.description]);
	}

	if (edit.expires !== undefined) {
		// ISO time: its Z is the zone, and the only one said.
		lines.push(['expires', edit.expires === null ? NO_EXPIRY : (isoTime(edit.expires) ?? '')]);
	}

	if (edit.extendMs !== undefined) {
		const expires = expiryOf(base);
		// As typed ("+12h" is 12 hours, not "1 days"): spanText, the table's words for a length of time.
		const later = `${spanText(edit.extendMs)} later`;
		lines.push(['expires', typeof expires === 'number' ? `${isoTime(expires + edit.extendMs) ?? ''} (${later})` : later]);
	}

	if (edit.addresses !== undefined) {
		lines.push(['IP allowlist', listText(edit.addresses, 'any address')]);
	}

	if (edit.referrers !== undefined) {
		lines.push(['referrers', listText(edit.referrers, 'any referrer')]);
	}

	if (edit.rateLimit !== undefined) {
		lines.push(['rate limit', edit.rateLimit ? `${edit.rateLimit.maxRequests} requests per ${edit.rateLimit.timeWindow} s` : 'none']);
	}

	if (edit.permissions !== undefined) {
		lines.push(...wrappedLines('may do', permissionSentence(edit.permissions)));
	}

	if (edit.metadata !== undefined) {
		lines.push(['metadata', edit.metadata]);
	}

	return lines;
}

/** The form as it looks in one state (pure: tests render it without a store or keys). */
export function EditView({state, now, width, height}: {state: EditState; now: number; width: number; height: number}) {
	const {base, step} = state;
	const index = EDIT_FIELDS.indexOf(step as (typeof EDIT_FIELDS)[number]);
	const progress = index === -1 ? '' : ` — field ${index + 1} of ${EDIT_FIELDS.length}`;
	const fixed: Array<[string, string]> = base
		? [
				[
					'account',
					base['account'] === undefined || base['account'] === null ? 'all accounts' : fieldText('account', base['account'], now),
				],
				['scopes', fieldText('scopes', base['scopes'], now)],
			]
		: [];
	let body;
	if (base === undefined) {
		body = <Text> Loading…</Text>;
	} else if (index === -1) {
		const changes = state.edit ? changeLines(state.edit, base) : [];
		const warnings = state.edit
			? [
					...restrictionWarnings({addresses: state.edit.addresses ?? undefined, referrers: state.edit.referrers ?? undefined}),
					...(state.edit.permissions ? permissionWarnings(base['scopes'], state.edit.permissions) : []),
				]
			: [];
		body = (
			<>
				{/* Keys wait while a save or a reload runs (editReducer), so Enter is offered only when it acts. */}
				<Text>
					{' '}
					{step === 'conflict'
						? 'Enter reloads the token, keeping what you typed; Esc cancels.'
						: step === 'review'
							? 'Enter saves these changes, Esc goes back.'
							: 'Keys wait until this is done.'}
				</Text>
				<Text> </Text>
				{changes.length > 0 ? <Fields lines={changes} /> : <Text color={theme.muted}> Nothing changed.</Text>}
				{warnings.map(warning => (
					<Message key={warning} kind="warning">
						Warning: {warning}
					</Message>
				))}
				{step === 'saving' ? <Message kind="info">Saving…</Message> : null}
				{step === 'reloading' ? <Message kind="info">Reloading…</Message> : null}
			</>
		);
	} else {
		const field = EDIT_FIELDS[index]!;
		body = (
			<>
				<Message kind="hint">{EDIT_HELP[field]}</Message>
				<Text> </Text>
				<TextField label={EDIT_TITLES[field]} value={state.fields[field]} caret={state.caret} width={width} />
			</>
		);
	}

	return (
		<Frame height={height}>
			<Title>
				Edit token {displayText(state.id.slice(0, 12))}…{progress}
			</Title>
			<Fields lines={fixed} />
			{base ? <Message kind="hint">Account and scopes cannot change here: rotate (R) or issue a new token.</Message> : null}
			<Text> </Text>
			{body}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

/** `E`: edits one token in place through store.edit, the CLI's own, based on the record the form shows. */
export function EditScreen({store, id, width, height, onClose, clock = Date.now}: TokenDialogProps) {
	const [state, dispatch, ref] = useRefReducer(editReducer, () => initialEditState(id));

	// The record, read when the form opens and again to reload it after a conflict.
	useEffect(() => {
		if (state.base !== undefined && state.step !== 'reloading') {
			return;
		}

		store
			.resolve(id)
			.then(entry => dispatch({type: 'loaded', record: entry.record, now: clock()}))
			.catch((error: unknown) => dispatch({type: 'failed', message: `Could not read the token: ${failureText(error)}.`, conflict: false}));
		// Read on open and on reload only.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [state.step === 'reloading', store, id, dispatch]);

	useEffect(() => {
		if (state.step !== 'saving') {
			return;
		}

		const {edit, base} = ref.current;
		if (!edit || !base) {
			return;
		}

		store
			.edit(id, edit, {basedOn: base})
			.then(() => dispatch({type: 'saved'}))
			.catch((error: unknown) => {
				const conflict = error instanceof TokenError && error.code === 'conflict';
				dispatch({
					type: 'failed',
					message: conflict
						? 'Another operator changed this token since the form was filled; nothing was written.'
						: `Could not save: ${failureText(error)}.`,
					conflict,
				});
			});
	}, [state.step, store, id, dispatch, ref]);

	useKeypress(key => {
		dispatch({type: 'key', key, now: clock()});
		// Closed in the key's own turn (see the issue wizard).
		const {done} = ref.current;
		if (done) {
			onClose({reload: false});
		}

		return true;
	}, PRIORITY.dialog);

	// Saved: closed once the write is done, and the table reloaded to show it.
	useEffect(() => {
		if (state.done === 'saved') {
			const description = state.edit?.description ?? state.base?.['description'];
			onClose({reload: true, said: `Saved the changes to "${typeof description === 'string' ? description : 'the token'}"`});
		}
	}, [state.done, state.edit, state.base, onClose]);

	return (
		<>
			<EditView state={state} now={clock()} width={width} height={height} />
			<Footer view={editView(state.step)} width={width} />
		</>
	);
}
