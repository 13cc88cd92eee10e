import {failureText} from '../errors.js';
import {Text} from 'ink';
import {useEffect} from 'react';
import type {TokenStore} from '../../store/index.js';
import {Footer} from '../components/footer.js';
import {Fields, Frame, Message, Title} from '../components/frame.js';
import {TextField} from '../components/text-field.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {type ImportState, importReducer, importView, initialImportState, previewLines} from '../state/import-wizard.js';
import {theme} from '../theme.js';
import type {CloseDialog} from './close-options.js';

export function ImportWizardView({state, width, height}: {state: ImportState; width: number; height: number}) {
	if (state.step === 'done') {
		return (
			<Frame height={height}>
				<Title>Import a token</Title>
				<Text> </Text>
				{state.outcome === 'imported' ? (
					<Message kind="success">Imported. The token works here now for whoever holds it.</Message>
				) : (
					<Message kind="warning">Already present: a live token with this id exists here, and it was left as it is.</Message>
				)}
			</Frame>
		);
	}

	return (
		<Frame height={height}>
			<Title>Import a token{state.step === 'input' ? '' : ': confirm'}</Title>
			<Text color={theme.muted}> Paste an export string (from `ee-tokens export` or `emailengine tokens export`).</Text>
			<Text> </Text>
			<TextField label="Export string" value={state.text} caret={state.caret} width={width} />
			<Text> </Text>
			{state.decoded ? (
				<>
					<Text bold> Decoded</Text>
					<Fields lines={previewLines(state.decoded)} />
					<Text> </Text>
					{state.step === 'input' ? <Text> Enter to continue.</Text> : <Text bold> Import this token? Enter imports, Esc goes back.</Text>}
				</>
			) : null}
			{state.step === 'importing' ? <Message kind="info">Importing…</Message> : null}
			{state.error ? <Message kind="error">{state.error}</Message> : null}
		</Frame>
	);
}

export type ImportWizardProps = {
	store: TokenStore;
	width: number;
	height: number;
	onClose: CloseDialog;
};

export function ImportWizard({store, width, height, onClose}: ImportWizardProps) {
	const [state, dispatch, ref] = useRefReducer(importReducer, initialImportState);

	useEffect(() => {
		if (state.step !== 'importing') {
			return;
		}

		store
			.import(ref.current.text)
			.then(({status}) => dispatch({type: 'result', outcome: status}))
			.catch((error: unknown) => dispatch({type: 'failed', message: `Could not import: ${failureText(error)}.`}));
	}, [state.step, store, dispatch, ref]);

	useKeypress(key => {
		dispatch({type: 'key', key});
		// Closed here, in the key's own turn, not in an effect after the next render: a key read
		// in the same burst (Esc, then n) must reach whatever is under the dialog.
		const {done, outcome, decoded} = ref.current;
		if (done) {
			// The cursor goes to the token, imported now or already there.
			const closed = done === 'closed';
			const description = typeof decoded?.fields['description'] === 'string' ? decoded.fields['description'] : 'the token';
			onClose({
				reload: closed && outcome === 'imported',
				select: closed ? decoded?.id : undefined,
				said: closed ? (outcome === 'imported' ? `Imported "${description}"` : `"${description}" was already there`) : undefined,
			});
		}

		return true;
	}, PRIORITY.dialog);

	return (
		<>
			<ImportWizardView state={state} width={width} height={height} />
			<Footer view={importView(state)} width={width} />
		</>
	);
}
