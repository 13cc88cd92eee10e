import {NO_EXPIRY, displayText, relativeTime, shortDate} from './display.js';
import {
	type Level,
	type ProblemField,
	type TokenSummary,
	UNREADABLE_TIME,
	describeScopes,
	problemIsAbout,
	shownAccount,
	shownDescription,
	shownScopes,
} from '../tokens/index.js';

/**
 * The columns of every token table (`list` on a terminal and the app): one owner for how a field
 * reads to a person and how it sorts. Every text goes through displayText, since it comes from
 * Redis: sanitised, and at most DISPLAY_LIMIT characters (no cell shows more, and a 1 MB
 * description costs what a cell costs). Tables hold summaries, not records: these are all the
 * fields a row needs.
 */
export type Column = {
	key: 'description' | 'scopes' | 'account' | 'created' | 'lastUsed' | 'expires';
	/** The header, with any unit its cells are in ("Created (UTC)"). */
	title: string;
	/** The column as a sentence names it ("sorted by created"). */
	name: string;
	/** The two orders in words, ascending then descending ("sorted by created, newest first"). */
	order: readonly [string, string];
	text: (token: TokenSummary, now: number) => string;
	/** Sort key; undefined sorts last. */
	sortKey: (token: TokenSummary) => string | number | undefined;
};

/** Whether the row's problem is about this field: its cell then says so instead of a default. */
const malformed = (token: TokenSummary, field: ProblemField) => problemIsAbout(token.problem, field);
const MALFORMED = 'malformed';

/** Nothing of a record that cannot be read is known but its id: its cells say so, not a default. */
const unknown = (token: TokenSummary) => malformed(token, 'record');
const UNKNOWN = '—';

// The words of the first three cells are the domain's (shownDescription…), so the filter finds them.
const description = (token: TokenSummary) => displayText(shownDescription(token));
const expires = (token: TokenSummary) => token.expires || undefined;

const ALPHABETICAL = ['A to Z', 'Z to A'] as const;

export const COLUMNS: readonly Column[] = [
	{
		key: 'description',
		title: 'Description',
		name: 'description',
		order: ALPHABETICAL,
		text: description,
		sortKey: token => description(token).toLowerCase(),
	},
	{
		key: 'scopes',
		name: 'scopes',
		order: ALPHABETICAL,
		title: 'Scopes',
		text: token => displayText(shownScopes(token)),
		sortKey: token => describeScopes(token.scopes),
	},
	{
		key: 'account',
		name: 'account',
		order: ALPHABETICAL,
		title: 'Account',
		text: token => displayText(shownAccount(token)),
		sortKey: token => token.account?.toLowerCase(),
	},
	{
		key: 'created',
		name: 'created',
		order: ['oldest first', 'newest first'],
		// The table's times are UTC (shortDate), as every other time ee-tokens prints: the title says so.
		title: 'Created (UTC)',
		text: token => (token.created === undefined ? '—' : shortDate(token.created)),
		sortKey: token => token.created,
	},
	{
		key: 'lastUsed',
		name: 'last used',
		order: ['least recent first', 'most recent first'],
		title: 'Last used',
		text: (token, now) =>
			token.lastUsed === undefined ? 'never' : token.lastUsed === UNREADABLE_TIME ? 'unreadable' : relativeTime(token.lastUsed, now),
		// Unknown sorts with never: neither is a time.
		sortKey: token => (token.lastUsed === UNREADABLE_TIME ? undefined : token.lastUsed),
	},
	{
		key: 'expires',
		name: 'expires',
		order: ['soonest first', 'latest first'],
		title: 'Expires',
		text(token, now) {
			if (unknown(token)) {
				return UNKNOWN;
			}

			if (malformed(token, 'expires')) {
				return MALFORMED;
			}

			const time = expires(token);
			if (time === undefined) {
				return NO_EXPIRY;
			}

			return time <= now ? 'expired' : relativeTime(time, now);
		},
		sortKey: expires,
	},
];

/** Where a column is in COLUMNS, by its key. */
export const columnIndex = (key: Column['key']): number => COLUMNS.findIndex(column => column.key === key);

/**
 * The risk marker before a row of the app's table: review's most severe finding (summary.risk) as
 * a letter, so it reads with NO_COLOR too (colour only adds to it), and a space. It sits in the
 * row's lead, which RECKONED_LEAD below already allows for, so the columns shown at each width
 * (80 included) are the same as without it; the description gives up its two cells.
 */
export const RISK_MARKS: Readonly<Record<Level, string>> = {high: 'H', medium: 'M', low: 'L'};
export const RISK_MARK_WIDTH = 2;
export const riskMark = (risk: TokenSummary['risk']): string => `${risk ? RISK_MARKS[risk] : ' '} `;

type FixedKey = Exclude<Column['key'], 'description'>;

/** Cells a fixed column gets on a terminal: its usual text whole ("in 59 minutes", "2026-11-22 08:14"). */
const FIXED_WIDTH: Record<FixedKey, number> = {scopes: 16, account: 18, created: 16, lastUsed: 14, expires: 13};
/** The narrowest description worth a column: below it the next column in DROP_ORDER goes. */
export const MIN_DESCRIPTION_WIDTH = 12;
/**
 * The columns that go, in this order, when a terminal is too narrow for them all: Created first
 * (the least an operator acts on), then Expires, then Last used, then Account. Description and
 * Scopes stay: what a token is and what it may do.
 */
const DROP_ORDER: readonly FixedKey[] = ['created', 'expires', 'lastUsed', 'account'];
/**
 * Which columns show depends on the width alone, so that both tables show the same ones at one
 * width: it is reckoned with the wider front end's frame (list's 12-character id and two-space
 * gaps; the app's row symbols and one-space gaps take less, and the rest goes to the description).
 */
const RECKONED_LEAD = 14;
const RECKONED_GAP = 2;

/** The columns a token table shows on a terminal `width` cells wide (indices into COLUMNS). */
export function shownColumns(width: number): number[] {
	const shown = new Set<Column['key']>(COLUMNS.map(column => column.key));
	const needed = () =>
		RECKONED_LEAD +
		MIN_DESCRIPTION_WIDTH +
		[...shown].reduce((sum, key) => (key === 'description' ? sum : sum + FIXED_WIDTH[key] + RECKONED_GAP), 0);
	for (const key of DROP_ORDER) {
		if (needed() <= width) {
			break;
		}

		shown.delete(key);
	}

	return COLUMNS.flatMap((column, index) => (shown.has(column.key) ? [index] : []));
}

/** A token id as tables show it: its first 12 characters (a prefix of 8 or more finds the token anywhere). */
export const ID_SHOWN = 12;

/** An id cut to its first ID_SHOWN characters, as display text: a hash field is whatever a writer put there. */
export const shortId = (id: string): string => `${displayText(id.slice(0, ID_SHOWN))}…`;

/**
 * Whether a table `width` cells wide has room for the id besides every column: `list` always shows
 * it (the first column, what scripts and people copy), the app from that width on (126 cells), where
 * it costs no other column.
 */
export const idColumnFits = (width: number): boolean => shownColumns(width - ID_SHOWN - RECKONED_GAP).length === COLUMNS.length;

export type ColumnLayout = ReadonlyArray<{column: number; width: number}>;

/**
 * The shown columns and their widths on a terminal `width` cells wide. `lead` is what the table
 * puts before the first column, `gap` what it puts between two. Each fixed column gets its usual
 * width, or `natural[index]` (its widest cell) when that is less; the description gets the rest
 * (at most its own natural width when given: `list` sizes to its content, the app fills the line).
 */
export function layoutColumns(width: number, {lead, gap, natural}: {lead: number; gap: number; natural?: readonly number[]}): ColumnLayout {
	const layout = shownColumns(width).map(column => {
		const {key} = COLUMNS[column]!;
		const usual = key === 'description' ? 0 : FIXED_WIDTH[key];
		return {column, width: Math.min(usual, natural?.[column] ?? usual)};
	});
	const room = width - lead - layout.reduce((sum, {width: cells}) => sum + cells, 0) - gap * (layout.length - 1);
	const description = layout.find(({column}) => COLUMNS[column]!.key === 'description')!;
	description.width = Math.min(natural?.[description.column] ?? Number.POSITIVE_INFINITY, Math.max(MIN_DESCRIPTION_WIDTH, room));
	return layout;
}
