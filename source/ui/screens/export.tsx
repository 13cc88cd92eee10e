import {failureText} from '../errors.js';
import {Text, useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {TokenError} from '../../tokens/index.js';
import {displayText} from '../../format/index.js';
import {copyToClipboard} from '../clipboard.js';
import {Footer} from '../components/footer.js';
import {Frame, Message, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandFor, commandsOf} from '../keymap.js';
import {type Selection, type Target, hiddenText} from '../state/rows.js';
import {chunk, fit} from '../../format/cells.js';
import {theme} from '../theme.js';

export type Exported = Target & {exportString: string};

export type ExportState =
	| {status: 'loading'}
	/** `unreadable`: the targets left out because their records cannot be read. */
	| {status: 'ready'; items: Exported[]; unreadable?: Target[]}
	| {status: 'error'; message: string};

const isUnreadable = (error: unknown) => error instanceof TokenError && error.code === 'unreadable';

/** The records the dialog cannot export, and what is left to do with them: d revokes them (the table's key). */
function cannotRead(targets: readonly Target[]): string {
	const ids = targets.map(target => shortId(target.id)).join(', ');
	return targets.length === 1
		? `${ids}: its record cannot be read; Esc, then d revokes it`
		: `${ids}: their records cannot be read; Esc, then d revokes them`;
}

const shortId = (id: string) => displayText(id, 12);

/** What `c` copies: one string, or one per line for several (what `ee-tokens import -` reads). */
export const copyText = (items: readonly Exported[]): string => items.map(item => item.exportString).join('\n');

export function ExportView({
	state,
	width,
	height,
	notice,
	selection,
}: {
	state: ExportState;
	width: number;
	height: number;
	notice?: string;
	/** Whether these are the marked tokens, and how many the filter hides; one token under the cursor when not given. */
	selection?: Pick<Selection, 'marked' | 'hidden'>;
}) {
	const marked = selection?.marked ?? false;
	if (state.status !== 'ready') {
		return (
			<Frame height={height}>
				<Title>Export</Title>
				<Text> </Text>
				{state.status === 'loading' ? <Text> Loading…</Text> : <Message kind="error">{state.message}</Message>}
			</Frame>
		);
	}

	const {items} = state;
	const hidden = hiddenText({targets: items, hidden: selection?.hidden ?? 0, marked});
	const unreadable = state.unreadable?.length ? `Left out ${cannotRead(state.unreadable)}.` : undefined;
	const inner = Math.max(10, width - 4);
	if (items.length === 1) {
		const [item] = items as [Exported];
		const lines = chunk(item.exportString, inner);
		const command = chunk(`ee-tokens import -t ${item.exportString}`, inner);
		const room = Math.max(2, Math.floor((height - 9 - (hidden ? 1 : 0)) / 2));
		return (
			<Frame height={height}>
				<Title>
					Export {marked ? 'the marked token ' : ''}“{item.description}”
				</Title>
				{hidden ? <Message kind="warning">{hidden}</Message> : null}
				{unreadable ? <Message kind="warning">{unreadable}</Message> : null}
				<Text color={theme.muted}> The export string carries the token's record, not the token itself: the holder still needs it.</Text>
				<Text> </Text>
				{lines.slice(0, room).map((line, index) => (
					<Text key={index} color={theme.accent}>{`  ${line}`}</Text>
				))}
				{lines.length > room ? (
					<Text color={theme.muted}>{`  … ${item.exportString.length} characters in all; c copies it whole`}</Text>
				) : null}
				<Text> </Text>
				<Text bold> Import it elsewhere with</Text>
				{command.slice(0, room).map((line, index) => (
					<Text key={index}>{`  ${line}`}</Text>
				))}
				{notice ? <Message kind="success">{notice}</Message> : null}
			</Frame>
		);
	}

	const room = Math.max(1, height - 8 - (hidden ? 1 : 0));
	return (
		<Frame height={height}>
			<Title>Export the {items.length} marked tokens</Title>
			{hidden ? <Message kind="warning">{hidden}</Message> : null}
			{unreadable ? <Message kind="warning">{unreadable}</Message> : null}
			<Text color={theme.muted}> c copies them, one export string per line.</Text>
			<Text> </Text>
			{items.slice(0, room).map(item => (
				<Text key={item.id} wrap="truncate">
					{'  '}
					{fit(item.description, 24)} <Text color={theme.accent}>{fit(item.exportString, Math.max(8, width - 30))}</Text>
				</Text>
			))}
			{items.length > room ? <Text color={theme.muted}>{`  …and ${items.length - room} more`}</Text> : null}
			<Text> </Text>
			<Text bold> Import them elsewhere with</Text>
			<Text>{'  ee-tokens import -t - < tokens.txt'}</Text>
			{notice ? <Message kind="success">{notice}</Message> : null}
		</Frame>
	);
}

export type ExportScreenProps = {
	store: TokenStore;
	selection: Selection;
	width: number;
	height: number;
	onClose: () => void;
};

export function ExportScreen({store, selection, width, height, onClose}: ExportScreenProps) {
	const {targets} = selection;
	const {stdout} = useStdout();
	const [state, setState] = useState<ExportState>({status: 'loading'});
	const [notice, setNotice] = useState<string | undefined>(undefined);
	useEffect(() => {
		let live = true;
		// A record that cannot be read has no export string: the others are exported, and it is named.
		const exported = async (target: Target) =>
			store.exportString(target.id).then(
				exportString => ({...target, exportString}),
				(error: unknown) => {
					if (isUnreadable(error)) {
						return undefined;
					}

					throw error;
				},
			);
		Promise.all(targets.map(exported))
			.then(results => {
				const items = results.filter(item => item !== undefined);
				const unreadable = targets.filter((_, index) => results[index] === undefined);
				if (!live) {
					return;
				}

				setState(
					items.length === 0
						? {status: 'error', message: `Could not export: ${cannotRead(unreadable)}.`}
						: {status: 'ready', items, unreadable},
				);
			})
			.catch((error: unknown) => live && setState({status: 'error', message: `Could not export: ${failureText(error)}`}));
		return () => {
			live = false;
		};
	}, [store, targets]);

	useKeypress(key => {
		const command = commandFor(key, commandsOf('export'));
		if (command === Command.Close) {
			onClose();
		} else if (command === Command.Copy && state.status === 'ready') {
			void copyToClipboard(copyText(state.items), stdout).then(setNotice);
		}

		return true;
	}, PRIORITY.dialog);

	return (
		<>
			<ExportView state={state} width={width} height={height} notice={notice} selection={selection} />
			<Footer view="export" width={width} />
		</>
	);
}
