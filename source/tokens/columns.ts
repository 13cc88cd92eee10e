import {displayText, relativeTime, shortDate} from './display.js';
import {describeScopes} from './scopes.js';
import type {TokenSummary} from './summary.js';

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
	text(token: TokenSummary, now: number): string;
	/** Sort key; undefined sorts last. */
	sortKey(token: TokenSummary): string | number | undefined;
};

const description = (token: TokenSummary) => displayText(token.description ?? '');
const expires = (token: TokenSummary) => token.expires || undefined;

export const COLUMNS: readonly Column[] = [
	{key: 'description', title: 'Description', text: description, sortKey: token => description(token).toLowerCase()},
	{
		key: 'scopes',
		title: 'Scopes',
		text: token => displayText(describeScopes(token.scopes)),
		sortKey: token => describeScopes(token.scopes),
	},
	{
		key: 'account',
		title: 'Account',
		text: token => displayText(token.account ?? 'all accounts'),
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
			const time = expires(token);
			if (time === undefined) {
				return 'never';
			}

			return time <= now ? 'expired' : relativeTime(time, now);
		},
		sortKey: expires,
	},
];
