import {failureText} from '../errors.js';
import path from 'node:path';
import {Box, Text, useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {TokenError} from '../../tokens/index.js';
import {displayText, shellWord} from '../../format/index.js';
import {copyToClipboard} from '../clipboard.js';
import {Footer} from '../components/footer.js';
import {Frame, Message, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandIn} from '../keymap.js';
import {type Selection, type Target, hiddenText} from '../state/rows.js';
import {chunk} from '../../format/cells.js';
import {EXPORT_FILE_NAME, type WriteOutcome, writeExportFile} from '../export-file.js';
import {theme} from '../theme.js';
import {useEnvironment, useWorkingDirectory} from '../hooks/use-environment.js';

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

export type ExportNotice = {kind: 'success' | 'warning' | 'error'; text: string};

/**
 * The rows an export string takes on a screen `width` cells wide: whole, from the first column,
 * one column spare (terminals that wrap at the last column). Never cut with "…" nor indented, so a
 * selection across the rows is the string with line breaks only, which import takes (compatibility
 * §3.3 strings hold no whitespace; decodeExportString drops it).
 */
const rowsOf = (text: string, width: number) => chunk(text, Math.max(10, width - 1));

/** The command shown to import one string: quoted, so that pasted with its line breaks it is still one argument. */
export const importCommand = (exportString: string) => `ee-tokens import -t '${exportString}'`;

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
	notice?: ExportNotice | undefined;
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
	const shownNotice = notice ? <Message kind={notice.kind}>{notice.text}</Message> : null;
	if (items.length === 1) {
		const [item] = items as [Exported];
		const lines = rowsOf(item.exportString, width);
		const command = rowsOf(importCommand(item.exportString), width);
		// The string first, whole when it fits; then the command, whole or not at all (a command cut
		// short and copied would import nothing), with a line saying where the rest is.
		const available = Math.max(3, height - 5 - (hidden ? 1 : 0) - (unreadable ? 1 : 0) - (notice ? 2 : 0));
		const stringFits = lines.length + 1 <= available;
		const shownLines = stringFits ? lines : lines.slice(0, Math.max(1, available - 2));
		const commandFits = stringFits && lines.length + command.length <= available;
		return (
			<Frame height={height}>
				<Title>
					Export {marked ? 'the marked token ' : ''}“{item.description}”
				</Title>
				{hidden ? <Message kind="warning">{hidden}</Message> : null}
				{unreadable ? <Message kind="warning">{unreadable}</Message> : null}
				<Text color={theme.muted} wrap="truncate">
					{' '}
					The export string carries the token's record, not the token itself: the holder still needs it.
				</Text>
				<Text> </Text>
				{shownLines.map((line, index) => (
					<Text key={index} color={theme.accent}>
						{line}
					</Text>
				))}
				{stringFits ? null : (
					<Text
						color={theme.muted}
						wrap="truncate"
					>{` … ${item.exportString.length} characters in all; c copies it, w writes it whole`}</Text>
				)}
				<Text> </Text>
				<Text bold> Import it elsewhere with</Text>
				{commandFits ? (
					command.map((line, index) => <Text key={index}>{line}</Text>)
				) : (
					<Text color={theme.muted} wrap="truncate">{` ee-tokens import -t '…': too long here, w writes it`}</Text>
				)}
				{shownNotice}
			</Frame>
		);
	}

	// Each string whole on the rows it takes, under its token's description, as many as fit.
	const budget = Math.max(2, height - 8 - (hidden ? 1 : 0) - (unreadable ? 1 : 0) - (notice ? 2 : 0));
	const blocks: Array<{item: Exported; rows: string[]}> = [];
	let used = 0;
	for (const item of items) {
		let rows = rowsOf(item.exportString, width);
		if (used + 1 + rows.length > budget) {
			if (blocks.length > 0) {
				break;
			}

			// Not even the first fits (a long one on a small screen): its first rows, and where the rest is.
			rows = [...rows.slice(0, Math.max(1, budget - 2)), `… ${item.exportString.length} characters in all: c copies, w writes`];
		}

		blocks.push({item, rows});
		used += 1 + rows.length;
	}

	return (
		<Frame height={height}>
			<Title>Export the {items.length} marked tokens</Title>
			{hidden ? <Message kind="warning">{hidden}</Message> : null}
			{unreadable ? <Message kind="warning">{unreadable}</Message> : null}
			<Text color={theme.muted} wrap="truncate">
				{' '}
				c copies them, w writes them to a file, one per line.
			</Text>
			<Text> </Text>
			{blocks.map(({item, rows}) => (
				<Box key={item.id} flexDirection="column" flexShrink={0}>
					<Text bold wrap="truncate">{` ${item.description}`}</Text>
					{rows.map((line, index) => (
						<Text key={index} color={theme.accent}>
							{line}
						</Text>
					))}
				</Box>
			))}
			{items.length > blocks.length ? <Text color={theme.muted}>{`  …and ${items.length - blocks.length} more`}</Text> : null}
			<Text> </Text>
			<Text bold> Import them elsewhere with</Text>
			<Text>{`  ee-tokens import -t - < ${EXPORT_FILE_NAME}`}</Text>
			{shownNotice}
		</Frame>
	);
}

/** What `w` did, in one line that stays on screen with the path. */
function writeNotice(outcome: WriteOutcome, count: number): ExportNotice {
	switch (outcome.status) {
		case 'written': {
			return {
				kind: 'success',
				// Quoted for the shell it is pasted into: the directory the app started in may hold a space or a `$(…)`.
				text: `Wrote ${count === 1 ? 'the export string' : `${count} export strings`} to ${displayText(outcome.file)} (mode 0600); import with ee-tokens import -t - < ${displayText(shellWord(outcome.file))}`,
			};
		}

		case 'exists': {
			return {kind: 'warning', text: `${outcome.file} exists: w again replaces it; any other key keeps it.`};
		}

		case 'failed': {
			return {kind: 'error', text: outcome.message};
		}
	}
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
	const env = useEnvironment();
	const cwd = useWorkingDirectory();
	const [state, setState] = useState<ExportState>({status: 'loading'});
	const [notice, setNotice] = useState<ExportNotice | undefined>(undefined);
	/** Set after `w` found a file at the name: the next `w` replaces it, any other key forgets it. */
	const [replaceAsked, setReplaceAsked] = useState(false);
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
		const command = commandIn('export', key);
		setReplaceAsked(command === Command.WriteFile && replaceAsked);
		if (command === Command.Close) {
			onClose();
		} else if (command === Command.Copy && state.status === 'ready') {
			const what = state.items.length === 1 ? 'the export string' : 'each export string';
			void copyToClipboard(copyText(state.items), what, stdout, env).then(text => setNotice({kind: 'success', text}));
		} else if (command === Command.WriteFile && state.status === 'ready') {
			const outcome = writeExportFile(path.resolve(cwd, EXPORT_FILE_NAME), `${copyText(state.items)}\n`, {replace: replaceAsked});
			setNotice(writeNotice(outcome, state.items.length));
			setReplaceAsked(outcome.status === 'exists');
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
