import {Box, Text, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {TokenStore} from '../store/index.js';
import type {TokenEntry} from '../tokens/index.js';
import {Footer} from './components/footer.js';
import {Frame} from './components/frame.js';
import {Header} from './components/header.js';
import {KeypressProvider, PRIORITY, useKeypress} from './hooks/keypress.js';
import {isTooSmall, useTerminalSize} from './hooks/use-terminal-size.js';
import {useTokens} from './hooks/use-tokens.js';
import {Command, matches} from './keymap.js';
import {type TableData, buildTableData, filteredOrder, sortedOrder} from './state/rows.js';
import {type TableAction, initialTableState, tableIntent, tableReducer} from './state/table.js';
import {type Dialog, Dialogs, targetsFor} from './screens/dialogs.js';
import {StatusLine, TableView} from './screens/table.js';
import {TooSmall} from './screens/too-small.js';
import {CLEAR_SCREEN} from './terminal.js';
import {theme} from './theme.js';

export type AppProps = {
	store: TokenStore;
	/** The Redis URL with its password masked. */
	endpoint: string;
	prefix: string;
	/** Periodic refresh interval. */
	refreshMs?: number;
	/** The first list, already on its way while the UI loaded. */
	firstList?: Promise<TokenEntry[]>;
};

const EMPTY: TableData = buildTableData([], 0);

/** The app: header, the table or the open dialog, footer. Screens own their logic. */
export function App(props: AppProps) {
	return (
		<KeypressProvider>
			<Main {...props} />
		</KeypressProvider>
	);
}

function Main({store, endpoint, prefix, refreshMs, firstList}: AppProps) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const size = useTerminalSize();
	const tokens = useTokens(store, refreshMs, firstList);
	// The table state lives in a ref too: keys read in one burst see each other's effect.
	const tableRef = useRef(initialTableState);
	const [table, setTable] = useState(initialTableState);
	const dispatch = useCallback((action: TableAction) => {
		tableRef.current = tableReducer(tableRef.current, action);
		setTable(tableRef.current);
	}, []);
	const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
	const data = tokens.data ?? EMPTY;
	const order = useMemo(() => sortedOrder(data, {column: table.sortColumn, reverse: table.sortReverse}), [data, table.sortColumn, table.sortReverse]);
	const visible = useMemo(() => filteredOrder(data, order, table.query), [data, order, table.query]);
	const tooSmall = isTooSmall(size);

	const banner = tokens.connection === 'down';
	const bodyHeight = Math.max(1, size.rows - 1 - 2 - (banner ? 1 : 0));
	const rowsHeight = Math.max(1, bodyHeight - 2);
	const current = data.rows[visible[table.cursor] ?? -1];

	// Keep the cursor on the same token across reloads, and drop marks of tokens that are gone.
	const selectedId = useRef<string | undefined>(undefined);
	useEffect(() => {
		const wanted = selectedId.current;
		if (wanted !== undefined && current?.id !== wanted) {
			const index = visible.findIndex(position => data.rows[position]!.id === wanted);
			if (index !== -1) {
				dispatch({type: 'select', index, total: visible.length, height: rowsHeight});
				return;
			}
		}

		if (table.cursor >= visible.length && visible.length > 0) {
			dispatch({type: 'select', index: visible.length - 1, total: visible.length, height: rowsHeight});
		}

		if (table.marks.size > 0) {
			const ids = new Set(data.rows.map(row => row.id));
			const kept = [...table.marks].filter(id => ids.has(id));
			if (kept.length !== table.marks.size) {
				dispatch({type: 'setMarks', ids: kept});
			}
		}
		// Only when the data or the visible set changes.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [data, visible]);
	selectedId.current = current?.id;

	useKeypress(key => {
		if (matches(Command.ForceQuit, key)) {
			exit();
			return true;
		}

		if (tooSmall) {
			if (matches(Command.Quit, key)) {
				exit();
			}

			// Action keys do nothing here; a dialog underneath keeps its input.
			return true;
		}

		return false;
	}, PRIORITY.global);


	useKeypress(
		key => {
			const intent = tableIntent(tableRef.current, key, visible.length, rowsHeight);
			const here = data.rows[visible[tableRef.current.cursor] ?? -1];
			switch (intent.kind) {
				case 'action': {
					dispatch(intent.action);
					break;
				}

				case 'refresh': {
					tokens.refresh();
					break;
				}

				case 'mark': {
					if (here) {
						dispatch({type: 'toggleMark', id: here.id});
						dispatch({type: 'move', delta: 1, total: visible.length, height: rowsHeight});
					}

					break;
				}

				case 'quit': {
					exit();
					break;
				}

				case 'open': {
					if (intent.what === 'details' && here) {
						setDialog({kind: 'details', id: here.id});
					} else if (intent.what === 'export' || intent.what === 'revoke') {
						const marks = tableRef.current.marks;
						setDialog({kind: intent.what, targets: targetsFor(data, marks.size > 0 ? [...marks] : here ? [here.id] : [])});
					} else if (intent.what === 'help' || intent.what === 'issue' || intent.what === 'import') {
						setDialog({kind: intent.what});
					}

					break;
				}

				case 'none': {
					break;
				}
			}

			return true;
		},
		PRIORITY.screen,
		dialog === undefined,
	);

	const closeDialog = useCallback(
		(options: {repaint?: boolean; reload?: boolean; clearMarks?: boolean} = {}) => {
			if (options.repaint) {
				// The dialog showed a secret: wipe every cell, Ink then paints the next frame in full.
				stdout.write(CLEAR_SCREEN);
			}

			if (options.clearMarks) {
				dispatch({type: 'setMarks', ids: []});
			}

			setDialog(undefined);
			if (options.reload) {
				tokens.refresh();
			}
		},
		[stdout, tokens],
	);

	return (
		<Box flexDirection="column" width={size.columns}>
			{tooSmall ? <TooSmall size={size} /> : null}
			<Box flexDirection="column" display={tooSmall ? 'none' : 'flex'} height={size.rows - 1}>
				<Header width={size.columns} endpoint={endpoint} prefix={prefix} connection={tokens.connection} count={tokens.data?.rows.length} />
				{banner ? (
					<Text inverse color={theme.danger} wrap="truncate">
						{` Redis unavailable: ${tokens.error ?? 'connection lost'}. Retrying; nothing you typed is lost.`.padEnd(size.columns)}
					</Text>
				) : null}
				{dialog ? (
					<Dialogs dialog={dialog} store={store} data={data} width={size.columns} height={bodyHeight} onClose={closeDialog} onOpen={setDialog} />
				) : (
					<>
						<Frame height={bodyHeight}>
							{tokens.data ? (
								<TableView data={data} order={visible} state={table} width={size.columns} height={rowsHeight} />
							) : (
								<Box height={rowsHeight + 1}>
									<Text color={theme.muted}>{tokens.connection === 'down' ? '   Waiting for Redis…' : '   Loading tokens…'}</Text>
								</Box>
							)}
							<StatusLine state={table} shown={visible.length} total={data.rows.length} width={size.columns} loading={tokens.loading && !tokens.data} />
						</Frame>
						<Footer view={table.filtering ? 'filter' : 'table'} width={size.columns} />
					</>
				)}
			</Box>
		</Box>
	);
}
