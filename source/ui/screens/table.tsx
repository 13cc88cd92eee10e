import {Box, Text} from 'ink';
import {memo} from 'react';
import {
	COLUMNS,
	type ColumnLayout,
	ID_SHOWN,
	RISK_MARK_WIDTH,
	displayText,
	idColumnFits,
	layoutColumns,
	riskMark,
	shownColumns,
} from '../../format/index.js';
import type {Level} from '../../tokens/index.js';
import {type TableData, cellsOf} from '../state/rows.js';
import type {TableState} from '../state/table.js';
import {windowStart} from '../state/table.js';
import {fit, textWidth} from '../../format/cells.js';
import {theme} from '../theme.js';

const SYMBOLS = 4; // selection symbol, mark symbol, problem symbol, space
const PREFIX = SYMBOLS + RISK_MARK_WIDTH; // then the risk marker (format/columns.ts)
/** The risk marker's colour, in addition to its letter. */
const RISK_COLOR: Record<Level, string | undefined> = {high: theme.danger, medium: theme.warning, low: undefined};

/** The id's cells before the columns when it shows (idColumnFits): its 12 characters and a gap. */
const idCells = (width: number) => (idColumnFits(width) ? ID_SHOWN + 1 : 0);

/**
 * Which columns are shown and how wide, for a terminal `width` cells wide (the rule is format/'s),
 * after the id when there is room for it besides them all.
 */
export const columnLayout = (width: number): ColumnLayout => layoutColumns(width - idCells(width), {lead: PREFIX, gap: 1});

export function headerLine(layout: ColumnLayout, sort: {column: number | undefined; reverse: boolean}, withId = false): string {
	return (
		`${' '.repeat(SYMBOLS)}${fit('R', RISK_MARK_WIDTH)}` +
		(withId ? `${fit('Id', ID_SHOWN)} ` : '') +
		layout
			.map(({column, width}) => {
				const arrow = sort.column === column ? (sort.reverse ? ' ▼' : ' ▲') : '';
				return fit(COLUMNS[column]!.title + arrow, width);
			})
			.join(' ')
	);
}

export function rowLine(
	cells: readonly string[],
	layout: ColumnLayout,
	selected: boolean,
	marked: boolean,
	problem = false,
	id?: string,
): string {
	const prefix = `${selected ? theme.symbols.selected : ' '}${marked ? theme.symbols.marked : ' '}${problem ? theme.symbols.problem : ' '} `;
	// An id is text from Redis like any other (a hostile writer's key can be anything).
	const shownId = id === undefined ? '' : `${fit(displayText(id.slice(0, ID_SHOWN)), ID_SHOWN)} `;
	return prefix + shownId + layout.map(({column, width}) => fit(cells[column]!, width)).join(' ');
}

/** The risk marker of a row, coloured when it is high or medium (the letter says it without colour). */
function RiskMark({risk}: {risk: Level | null | undefined}) {
	return <Text color={risk ? RISK_COLOR[risk] : undefined}>{riskMark(risk)}</Text>;
}

export type TableViewProps = {
	data: TableData;
	/** Visible row indices (sorted and filtered), in display order. */
	order: ArrayLike<number>;
	state: TableState;
	width: number;
	/** Lines for rows (the header line is extra). */
	height: number;
};

/** The token table: a header and only the rows in the window, however many tokens there are. */
export const TableView = memo(({data, order, state, width, height}: TableViewProps) => {
	const layout = columnLayout(width);
	const withId = idColumnFits(width);
	const start = windowStart(state.cursor, state.offset, height, order.length);
	const lines = [];
	for (let position = start; position < Math.min(order.length, start + height); position++) {
		const index = order[position]!;
		const row = data.rows.row(index)!;
		const selected = position === state.cursor;
		const text = rowLine(
			cellsOf(data, index),
			layout,
			selected,
			state.marks.has(row.id),
			row.problem !== undefined,
			withId ? row.id : undefined,
		);
		// The symbols, the risk marker, then the cells: the marker is a Text of its own for its colour.
		const symbols = text.slice(0, SYMBOLS);
		const cells = text.slice(SYMBOLS);
		lines.push(
			selected ? (
				<Text key={row.id} inverse bold wrap="truncate">
					{symbols}
					<RiskMark risk={row.risk} />
					{cells}
				</Text>
			) : (
				<Text
					key={row.id}
					wrap="truncate"
					color={state.marks.has(row.id) ? theme.warning : row.problem === undefined ? undefined : theme.danger}
				>
					{symbols}
					<RiskMark risk={row.risk} />
					{cells}
				</Text>
			),
		);
	}

	return (
		<Box flexDirection="column" height={height + 1} overflowY="hidden">
			<Text bold underline wrap="truncate">
				{fit(headerLine(layout, {column: state.sortColumn, reverse: state.sortReverse}, withId), width)}
			</Text>
			{lines}
			{order.length === 0 ? (
				<Text color={theme.muted}>
					{data.rows.length === 0 ? '   No tokens yet: press n to issue one or i to import one.' : '   No token matches the filter.'}
				</Text>
			) : null}
		</Box>
	);
});

/** The line under the table: the filter as it is typed with "N of M", or the sort and marks. */
export function StatusLine({
	state,
	shown,
	total,
	hidden = 0,
	width,
	loading,
	partOf,
	problems = 0,
	expired,
	said,
}: {
	state: TableState;
	shown: number;
	total: number;
	/** Marked tokens the filter hides. */
	hidden?: number;
	width: number;
	loading: boolean;
	/** Set while only the first rows of a listing this long are in. */
	partOf?: number;
	/** Rows that can never authenticate (marked with the problem symbol). */
	problems?: number;
	/** Expired rows, and whether they are shown (x). */
	expired?: {count: number; shown: boolean};
	/** What the last action did ("Issued …"): first after the count, until the next key. */
	said?: string;
}) {
	const parts: string[] = [];
	if (state.filtering || state.query !== '') {
		// While typing, the caret (▌) where the next character goes: UTF-16 units from the end, as
		// every field keeps it (state/text-edit.ts).
		const {query} = state;
		const at = Math.max(0, query.length - (state.queryCaret ?? 0));
		const typed = state.filtering
			? `${displayText(query.slice(0, at), 200)}▌${displayText(query.slice(at), 200)}`
			: displayText(state.query, 200);
		parts.push(`/${typed}  ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`);
	} else {
		parts.push(`${total === 0 ? 0 : Math.min(state.cursor + 1, shown).toLocaleString('en-US')}/${shown.toLocaleString('en-US')}`);
	}

	if (said !== undefined) {
		// It names a description, text from Redis.
		parts.push(`✓ ${displayText(said, 200)}`);
	}

	if (state.marks.size > 0) {
		parts.push(
			`${state.marks.size} marked${hidden > 0 ? `, ${hidden} hidden by the filter` : ''} (d revokes, e exports them, u unmarks all)`,
		);
	}

	if (expired && expired.count > 0) {
		parts.push(`${expired.count.toLocaleString('en-US')} expired ${expired.shown ? 'shown (x hides)' : 'hidden (x shows)'}`);
	}

	if (problems > 0) {
		parts.push(`${theme.symbols.problem} ${problems.toLocaleString('en-US')} can never authenticate (Enter says why)`);
	}

	if (partOf !== undefined) {
		parts.push(`loading the rest of ${partOf.toLocaleString('en-US')}…`);
	} else if (loading) {
		parts.push('loading…');
	}

	// Last: the header's arrow says it too while the column shows, and what comes before is news.
	if (state.sortColumn !== undefined) {
		// A column the window is too narrow for (the default's Created at 80 cells; s never picks one) is said.
		const unseen = shownColumns(width).includes(state.sortColumn) ? '' : ', not shown at this width';
		const column = COLUMNS[state.sortColumn]!;
		parts.push(`sorted by ${column.name}, ${column.order[state.sortReverse ? 1 : 0]}${unseen}`);
	}

	const color = state.filtering ? theme.accent : undefined;
	if (state.filterError === undefined) {
		return (
			<Text wrap="truncate" color={color}>
				{fit(` ${parts.join('   ')}`, width)}
			</Text>
		);
	}

	// A query that cannot be read yet (a term half typed) keeps the rows of the last one that could,
	// and says why right after the count: muted, as it is usually a term still being typed, and in
	// words, so it reads without colour too.
	const cut = (text: string, room: number) => fit(text, Math.min(room, textWidth(text)));
	const head = cut(` ${parts[0]!}`, width);
	const note = cut(`   not applied: ${displayText(state.filterError, 200)}`, width - textWidth(head));
	const tail = fit(parts.length > 1 ? `   ${parts.slice(1).join('   ')}` : '', width - textWidth(head) - textWidth(note));
	return (
		<Text wrap="truncate" color={color}>
			{head}
			<Text color={theme.muted}>{note}</Text>
			{tail}
		</Text>
	);
}
