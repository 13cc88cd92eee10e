import {displayText, relativeTime, shortDate} from './display.js';
import {type ProblemField, type TokenSummary, describeScopes, problemIsAbout} from '../tokens/index.js';

/**
 * The columns of every token table (`list` on a terminal and the app): one owner for how a field
 * reads to a person and how it sorts. Every text goes through displayText, since it comes from
 * Redis: sanitised, and at most DISPLAY_LIMIT characters (no cell shows more, and a 1 MB
 * description costs what a cell costs). Tables hold summaries, not records: these are all the
 * fields a row needs.
 */
export type Column = {
	key: 'description' | 'scopes' | 'account' | 'created' | 'lastUsed' | 'expires';
	title: string;
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

const description = (token: TokenSummary) => (unknown(token) ? '(record cannot be read)' : displayText(token.description ?? ''));
const expires = (token: TokenSummary) => token.expires || undefined;

export const COLUMNS: readonly Column[] = [
	{key: 'description', title: 'Description', text: description, sortKey: token => description(token).toLowerCase()},
	{
		key: 'scopes',
		title: 'Scopes',
		text: token => (unknown(token) ? UNKNOWN : malformed(token, 'scopes') ? MALFORMED : displayText(describeScopes(token.scopes))),
		sortKey: token => describeScopes(token.scopes),
	},
	{
		key: 'account',
		title: 'Account',
		text(token) {
			if (unknown(token)) {
				return UNKNOWN;
			}

			if (malformed(token, 'account')) {
				// A summary keeps an account only when it is text or a number: here, a number, which
				// EmailEngine's CLI writes (`-a 12345`) and no request ever names (compatibility §2).
				return token.account === undefined ? MALFORMED : `${displayText(token.account)} (a number)`;
			}

			return displayText(token.account ?? 'all accounts');
		},
		sortKey: token => token.account?.toLowerCase(),
	},
	{
		key: 'created',
		title: 'Created',
		text: token => (token.created === undefined ? '—' : shortDate(token.created)),
		sortKey: token => token.created,
	},
	{
		key: 'lastUsed',
		title: 'Last used',
		text: (token, now) => (token.lastUsed === undefined ? 'never' : relativeTime(token.lastUsed, now)),
		sortKey: token => token.lastUsed,
	},
	{
		key: 'expires',
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
				return 'never';
			}

			return time <= now ? 'expired' : relativeTime(time, now);
		},
		sortKey: expires,
	},
];
