import {relativeTime, sanitizeText, shortDate} from './display.js';
import {describeScopes} from './scopes.js';
import type {TokenSummary} from './summary.js';

/**
 * The columns of every token table (`list` on a terminal and the app): one owner for how a field
 * reads to a person and how it sorts. Every text is sanitised, since it comes from Redis. Tables
 * hold summaries, not records: these are all the fields a row needs.
 */
export type Column = {
	key: 'description' | 'scopes' | 'account' | 'created' | 'lastUsed' | 'expires';
	title: string;
	text(token: TokenSummary, now: number): string;
	/** Sort key; undefined sorts last. */
	sortKey(token: TokenSummary): string | number | undefined;
};

const description = (token: TokenSummary) => sanitizeText(token.description ?? '');
const expires = (token: TokenSummary) => token.expires || undefined;

export const COLUMNS: readonly Column[] = [
	{key: 'description', title: 'Description', text: description, sortKey: token => description(token).toLowerCase()},
	{
		key: 'scopes',
		title: 'Scopes',
		text: token => sanitizeText(describeScopes(token.scopes)),
		sortKey: token => describeScopes(token.scopes),
	},
	{
		key: 'account',
		title: 'Account',
		text: token => sanitizeText(token.account ?? 'all accounts'),
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
