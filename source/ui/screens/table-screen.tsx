import {Box, Text} from 'ink';
import {useEffect, useMemo, useRef} from 'react';
import {shownColumns} from '../../format/index.js';
import {Footer} from '../components/footer.js';
import {Frame} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useRefReducer} from '../hooks/use-ref-reducer.js';
import {type RowOrder, type TableData, filteredOrder, hiddenMarks, single, sortedOrder, targetOf} from '../state/rows.js';
import {type TableAction, initialTableState, tableIntent, tableReducer} from '../state/table.js';
import {theme} from '../theme.js';
import {type Dialog, targetsFor} from './dialogs.js';
import {StatusLine, TableView} from './table.js';

export type TableScreenProps = {
	data: TableData | undefined;
	waiting: string;
	loading: boolean;
	width: number;
	/** Lines for the body (table header, rows, status line); the footer comes on top. */
	height: number;
	/** False while a dialog is open: the table keeps its state but takes no keys. */
	active: boolean;
	onOpen: (dialog: Dialog) => void;
	onRefresh: () => void;
	/** p: the instance picker. */
	onPicker: () => void;
	onQuit: () => void;
	/** What the last action did, for the status line (the app clears it on the next key). */
	said?: string;
	/** A token to put the cursor on once the table shows it (one just issued, imported or rotated in); a new object each time. */
	select?: {id: string};
};

/** Actions that reorder or refill the rows: the cursor stays on the token it was on, wherever that lands. */
const KEEPS_THE_TOKEN = new Set<TableAction['type']>(['cycleSort', 'reverseSort', 'clearFilter', 'toggleExpired']);

/**
 * The token table with its cursor, filter, sort and marks. It stays mounted under dialogs, so
 * closing one comes back to the same place.
 */
export function TableScreen({
	data,
	waiting,
	loading,
	width,
	height,
	active,
	onOpen,
	onRefresh,
	onPicker,
	onQuit,
	select,
	said,
}: TableScreenProps) {
	const [table, dispatch, ref] = useRefReducer(tableReducer, initialTableState);
	const rowsHeight = Math.max(1, height - 2);
	const order = useMemo(
		() => (data ? sortedOrder(data, {column: table.sortColumn, reverse: table.sortReverse}) : new Int32Array(0)),
		[data, table.sortColumn, table.sortReverse],
	);
	const visible = useMemo(
		() => (data ? filteredOrder(data, order, table.filter, table.showExpired) : new Int32Array(0)),
		[data, order, table.filter, table.showExpired],
	);
	const current = data?.rows.row(visible[table.cursor] ?? -1);
	const hidden = useMemo(() => (data ? hiddenMarks(data, visible, table.marks) : 0), [data, visible, table.marks]);

	// Keep the cursor on the same token across reloads, sorts, a filter cleared and expired rows
	// shown or hidden, land it on a token a dialog made, and drop marks of tokens that are gone. A
	// filter being typed is the exception: a new query shows its first match first.
	// The table as the last render showed it: the cursor's token is read in it, at the cursor as it
	// is now. A key that moved the cursor in the same render as a new table arrived moved it in the
	// table the operator saw; the id of the last render's cursor row would undo that move (the next
	// Space then unmarked the row just marked).
	const shown = useRef<{data: TableData; visible: RowOrder} | undefined>(undefined);
	/** The token to land on, and the table it was asked in: one not in the next table is given up (a filter hides it). */
	const follow = useRef<{id: string; data: TableData | undefined} | undefined>(undefined);
	const firstMatch = useRef(false);
	useEffect(() => {
		if (!select) {
			return;
		}

		// Already shown (an import of a token that was there): land now, as no new table may come.
		const index = data ? visible.findIndex(position => data.rows.hasIdAt(position, select.id)) : -1;
		if (index === -1) {
			follow.current = {id: select.id, data};
		} else {
			follow.current = undefined;
			dispatch({type: 'select', index, total: visible.length, height: rowsHeight});
		}
		// Only when a dialog asks.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [select]);
	useEffect(() => {
		if (!data) {
			return;
		}

		const before = shown.current;
		// A large instance's first screen is the rows HSCAN found first (TokenStore.sample), so its top
		// row can be anywhere in the whole table: left at its top, the whole table opens at its top.
		const untouchedFirstScreen = before?.data.partOf !== undefined && ref.current.cursor === 0;
		const onCursor = before && !untouchedFirstScreen ? before.data.rows.row(before.visible[ref.current.cursor] ?? -1)?.id : undefined;
		const wanted = firstMatch.current ? undefined : (follow.current?.id ?? onCursor);
		if (wanted !== undefined && current?.id !== wanted) {
			const index = visible.findIndex(position => data.rows.hasIdAt(position, wanted));
			if (index !== -1) {
				follow.current = undefined;
				dispatch({type: 'select', index, total: visible.length, height: rowsHeight});
				return;
			}
		}

		if (follow.current && (follow.current.id === current?.id || follow.current.data !== data)) {
			follow.current = undefined;
		}

		if (ref.current.cursor >= visible.length && visible.length > 0) {
			dispatch({type: 'select', index: visible.length - 1, total: visible.length, height: rowsHeight});
		}

		if (ref.current.marks.size > 0) {
			const ids = data.rows.indexesOf(ref.current.marks);
			const kept = [...ref.current.marks].filter(id => ids.has(id));
			if (kept.length !== ref.current.marks.size) {
				dispatch({type: 'setMarks', ids: kept});
			}
		}
		// Only when the data or the visible set changes.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [data, visible]);
	// After the effect above, so that it still sees the table the render before this one showed.
	useEffect(() => {
		shown.current = data ? {data, visible} : undefined;
		firstMatch.current = false;
	});

	useKeypress(
		key => {
			const intent = tableIntent(ref.current, key, visible.length, rowsHeight, shownColumns(width));
			const position = visible[ref.current.cursor] ?? -1;
			const here = data?.rows.row(position);
			switch (intent.kind) {
				case 'action': {
					if (KEEPS_THE_TOKEN.has(intent.action.type) && here) {
						follow.current = {id: here.id, data};
					} else {
						// The operator put the cursor somewhere: a landing still waiting for a reload is given up.
						follow.current = undefined;
						firstMatch.current = intent.action.type === 'setQuery';
					}

					dispatch(intent.action);
					break;
				}

				case 'refresh': {
					onRefresh();
					break;
				}

				case 'instances': {
					onPicker();
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
					onQuit();
					break;
				}

				case 'open': {
					if (intent.what === 'details' || intent.what === 'rotate' || intent.what === 'edit' || intent.what === 'request-check') {
						// One token, the one under the cursor: rotate, edit and the request check take no marks.
						if (here) {
							onOpen({kind: intent.what, id: here.id});
						}
					} else if (intent.what === 'export' || intent.what === 'revoke' || intent.what === 'copy') {
						// The marked tokens, all of them, hidden or not (the dialog lists them and says
						// how many the filter hides); else the one under the cursor (in hand: no lookup).
						const {marks} = ref.current;
						if (data && marks.size > 0) {
							onOpen({
								kind: intent.what,
								selection: {targets: targetsFor(data, [...marks]), marked: true, hidden: hiddenMarks(data, visible, marks)},
							});
						} else if (data && here) {
							onOpen({kind: intent.what, selection: single(targetOf(data, position))});
						}
					} else if (intent.what === 'review') {
						onOpen({kind: 'review', cursor: 0});
					} else {
						onOpen({kind: intent.what});
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
		active,
	);

	return (
		<Box flexDirection="column" display={active ? 'flex' : 'none'}>
			<Frame height={height}>
				{data ? (
					<TableView data={data} order={visible} state={table} width={width} height={rowsHeight} />
				) : (
					<Box height={rowsHeight + 1}>
						<Text color={theme.muted}>{`   ${waiting}`}</Text>
					</Box>
				)}
				<StatusLine
					said={said}
					state={table}
					shown={visible.length}
					total={data?.rows.length ?? 0}
					hidden={hidden}
					width={width}
					loading={loading}
					partOf={data?.partOf}
					problems={data?.problems}
					expired={data ? {count: data.expired, shown: table.showExpired} : undefined}
				/>
			</Frame>
			<Footer view={table.filtering ? 'filter' : 'table'} width={width} />
		</Box>
	);
}
