// A little over 300 lines for a reason: the table's one reducer and the keys that drive it
// (tableIntent), which must change together.
import {EVERY_TOKEN, LIMITS, type TokenQuery, readQuery} from '../../tokens/index.js';
import {columnIndex} from '../../format/index.js';
import {Command, commandFor, commandIn, type KeyEvent, matches} from '../keymap.js';
import {editText} from './text-edit.js';

/**
 * The table screen's state: cursor and window over the visible rows, filter, sort and marks.
 * Marks are ids and outlive the filter: a token marked, then hidden by a filter, stays marked (the
 * status line says how many are hidden, dialogs list every marked token, `u` clears them all).
 */
export type TableState = {
	/** The filter's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	queryCaret?: number;
	cursor: number;
	offset: number;
	/** The filter as typed. */
	query: string;
	/**
	 * The filter in effect: every word and term of `query` that can be read. A term still being
	 * typed ("unused:>9") is left out rather than emptying the table on each key until it is whole,
	 * and filterError says why it is not applied yet.
	 */
	filter: TokenQuery;
	/** Why a term of `query` cannot be read (the usage error `list --query` would give), while one cannot. */
	filterError: string | undefined;
	/** Typing goes into the filter. */
	filtering: boolean;
	sortColumn: number | undefined;
	sortReverse: boolean;
	marks: ReadonlySet<string>;
	/** Expired tokens are rows too (x); hidden by default, as EmailEngine's listing hides them. */
	showExpired: boolean;
};

export const initialTableState: TableState = {
	cursor: 0,
	offset: 0,
	query: '',
	filter: EVERY_TOKEN,
	filterError: undefined,
	filtering: false,
	// Newest first: an order a person reads at once (#15), where the listing's own is by id.
	sortColumn: columnIndex('created'),
	sortReverse: true,
	marks: new Set(),
	showExpired: false,
};

export type TableAction =
	| {type: 'toggleExpired'}
	| {type: 'move'; delta: number; total: number; height: number}
	| {type: 'jump'; to: 'top' | 'bottom'; total: number; height: number}
	| {type: 'select'; index: number; total: number; height: number}
	| {type: 'startFilter'}
	| {type: 'endFilter'}
	| {type: 'setQuery'; query: string; caret?: number}
	| {type: 'clearFilter'}
	/** `shown`: the columns the table shows (format/'s shownColumns), the only ones s sorts by. */
	| {type: 'cycleSort'; shown: readonly number[]}
	| {type: 'reverseSort'}
	| {type: 'toggleMark'; id: string}
	| {type: 'setMarks'; ids: readonly string[]}
	| {type: 'clearMarks'};

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

/** The first visible row so that the cursor is on screen, moving the window as little as possible. */
export function windowStart(cursor: number, offset: number, height: number, total: number): number {
	if (total <= height) {
		return 0;
	}

	let start = clamp(offset, 0, total - height);
	if (cursor < start) {
		start = cursor;
	} else if (cursor >= start + height) {
		start = cursor - height + 1;
	}

	return clamp(start, 0, Math.max(0, total - height));
}

function place(state: TableState, cursor: number, total: number, height: number): TableState {
	const next = clamp(cursor, 0, Math.max(0, total - 1));
	return {...state, cursor: next, offset: windowStart(next, state.offset, Math.max(1, height), total)};
}

export function tableReducer(state: TableState, action: TableAction): TableState {
	switch (action.type) {
		case 'move': {
			return place(state, state.cursor + action.delta, action.total, action.height);
		}

		case 'jump': {
			return place(state, action.to === 'top' ? 0 : action.total - 1, action.total, action.height);
		}

		case 'select': {
			return place(state, action.index, action.total, action.height);
		}

		case 'startFilter': {
			// Typing into a kept filter goes on at its end, wherever the caret was left.
			return {...state, filtering: true, queryCaret: undefined};
		}

		case 'endFilter': {
			return {...state, filtering: false};
		}

		case 'setQuery': {
			if (action.query === state.query) {
				// The caret moved: the rows and the cursor stay.
				return {...state, queryCaret: action.caret};
			}

			const {query, problem} = readQuery(action.query);
			// A new query shows its first match first.
			return {...state, query: action.query, queryCaret: action.caret, filter: query, filterError: problem?.message, cursor: 0, offset: 0};
		}

		case 'clearFilter': {
			return {...state, query: '', filter: EVERY_TOKEN, filterError: undefined, filtering: false, cursor: 0, offset: 0};
		}

		case 'cycleSort': {
			// The next shown column, round: one the terminal is too narrow for is never sorted by unseen.
			const current = state.sortColumn ?? -1;
			const column = action.shown.find(index => index > current) ?? action.shown[0];
			return {...state, sortColumn: column, sortReverse: false, cursor: 0, offset: 0};
		}

		case 'toggleExpired': {
			return {...state, showExpired: !state.showExpired, cursor: 0, offset: 0};
		}

		case 'reverseSort': {
			return {...state, sortReverse: !state.sortReverse, cursor: 0, offset: 0};
		}

		case 'toggleMark': {
			const marks = new Set(state.marks);
			if (marks.has(action.id)) {
				marks.delete(action.id);
			} else {
				marks.add(action.id);
			}

			return {...state, marks};
		}

		case 'setMarks': {
			return {...state, marks: new Set(action.ids)};
		}

		case 'clearMarks': {
			return state.marks.size === 0 ? state : {...state, marks: new Set()};
		}
	}
}

/** The row moves; while the filter is typed only their non-text keys (arrows, pages) count. */
const MOVES = [Command.Up, Command.Down, Command.PageUp, Command.PageDown];

function movement(command: Command | undefined, total: number, height: number): TableAction | undefined {
	const delta =
		command === Command.Up
			? -1
			: command === Command.Down
				? 1
				: command === Command.PageUp
					? -height
					: command === Command.PageDown
						? height
						: 0;
	return delta === 0 ? undefined : {type: 'move', delta, total, height};
}

/** What a key press means for the table, for the app to act on. */
export type TableIntent =
	| {kind: 'action'; action: TableAction}
	| {kind: 'open'; what: 'details' | 'issue' | 'import' | 'export' | 'revoke' | 'copy' | 'help' | 'review'}
	| {kind: 'open'; what: 'rotate' | 'edit' | 'request-check'}
	| {kind: 'refresh'}
	| {kind: 'instances'}
	| {kind: 'mark'}
	| {kind: 'quit'}
	| {kind: 'none'};

/**
 * Maps a key press to an intent. While filtering, printable keys edit the query and only the
 * movement keys that cannot be text (arrows, pages) still move.
 */
export function tableIntent(
	state: TableState,
	key: KeyEvent,
	total: number,
	height: number,
	/** The columns the table shows at its width, the ones s cycles through. */
	shown: readonly number[],
): TableIntent {
	const action = (value: TableAction): TableIntent => ({kind: 'action', action: value});
	if (state.filtering) {
		const command = commandIn('filter', key);
		if (command === Command.ClearFilter) {
			return action({type: 'clearFilter'});
		}

		if (command === Command.FilterDone) {
			return action({type: 'endFilter'});
		}

		// The arrows and page keys still move; `j`, `k`, `g` are text here.
		const move = movement(commandFor(key, MOVES, {typing: true}), total, height);
		if (move) {
			return action(move);
		}

		// Typed or pasted text, or an erase: a paste is text here, the filter being the field in focus.
		const edited = editText(state.query, key, {maxLength: LIMITS.query, caret: state.queryCaret});
		if (edited !== undefined) {
			return action({type: 'setQuery', query: edited.value, caret: edited.caret});
		}

		return {kind: 'none'};
	}

	// A filter kept with Enter is cleared by Esc from the table too.
	if (state.query !== '' && matches(Command.ClearFilter, key)) {
		return action({type: 'clearFilter'});
	}

	const command = commandIn('table', key);
	const move = movement(command, total, height);
	if (move) {
		return action(move);
	}

	switch (command) {
		case Command.Top: {
			return action({type: 'jump', to: 'top', total, height});
		}

		case Command.Bottom: {
			return action({type: 'jump', to: 'bottom', total, height});
		}

		case Command.Filter: {
			return action({type: 'startFilter'});
		}

		case Command.Sort: {
			return action({type: 'cycleSort', shown});
		}

		case Command.SortReverse: {
			return action({type: 'reverseSort'});
		}

		case Command.Details: {
			return total > 0 ? {kind: 'open', what: 'details'} : {kind: 'none'};
		}

		case Command.Refresh: {
			return {kind: 'refresh'};
		}

		case Command.Mark: {
			return total > 0 ? {kind: 'mark'} : {kind: 'none'};
		}

		case Command.Instances: {
			return {kind: 'instances'};
		}

		case Command.CopyTo: {
			return total > 0 ? {kind: 'open', what: 'copy'} : {kind: 'none'};
		}

		case Command.ClearMarks: {
			return action({type: 'clearMarks'});
		}

		case Command.ShowExpired: {
			return action({type: 'toggleExpired'});
		}

		case Command.Review: {
			return {kind: 'open', what: 'review'};
		}

		case Command.Issue: {
			return {kind: 'open', what: 'issue'};
		}

		case Command.Import: {
			return {kind: 'open', what: 'import'};
		}

		case Command.Export: {
			return total > 0 ? {kind: 'open', what: 'export'} : {kind: 'none'};
		}

		case Command.Revoke: {
			return total > 0 ? {kind: 'open', what: 'revoke'} : {kind: 'none'};
		}

		case Command.Rotate: {
			return total > 0 ? {kind: 'open', what: 'rotate'} : {kind: 'none'};
		}

		case Command.Edit: {
			return total > 0 ? {kind: 'open', what: 'edit'} : {kind: 'none'};
		}

		case Command.CheckRequest: {
			return total > 0 ? {kind: 'open', what: 'request-check'} : {kind: 'none'};
		}

		case Command.Help: {
			return {kind: 'open', what: 'help'};
		}

		case Command.Quit: {
			return {kind: 'quit'};
		}

		default: {
			return {kind: 'none'};
		}
	}
}
