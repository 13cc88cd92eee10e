import {relativeTime, sanitizeText, shortDate} from './display.js';
import {accountOf, scopesOf, stringField, toMillis} from './record.js';
import {describeScopes} from './scopes.js';
import type {TokenEntry} from './view.js';

/**
 * The columns of every token table (`list` on a terminal and the app): one owner for how a field
 * reads to a person and how it sorts. Every text is sanitised, since it comes from Redis.
 */
export type Column = {
	key: 'description' | 'scopes' | 'account' | 'created' | 'lastUsed' | 'expires';
	title: string;
	text(entry: TokenEntry, now: number): string;
	/** Sort key; undefined sorts last. */
	sortKey(entry: TokenEntry): string | number | undefined;
};

const description = (entry: TokenEntry) => sanitizeText(stringField(entry.record, 'description') ?? '');
const account = (entry: TokenEntry) => accountOf(entry.record);
const lastUsed = (entry: TokenEntry) => entry.lastUse?.time ?? undefined;
const expires = (entry: TokenEntry) => toMillis(entry.record['expires']) || undefined;

export const COLUMNS: readonly Column[] = [
	{key: 'description', title: 'Description', text: description, sortKey: entry => description(entry).toLowerCase()},
	{
		key: 'scopes',
		title: 'Scopes',
		text: entry => sanitizeText(describeScopes(scopesOf(entry.record))),
		sortKey: entry => describeScopes(scopesOf(entry.record)),
	},
	{
		key: 'account',
		title: 'Account',
		text: entry => sanitizeText(account(entry) ?? 'all accounts'),
		sortKey: entry => account(entry)?.toLowerCase(),
	},
	{
		key: 'created',
		title: 'Created',
		text(entry) {
			const created = toMillis(entry.record['created']);
			return created === undefined ? '—' : shortDate(created);
		},
		sortKey: entry => toMillis(entry.record['created']),
	},
	{
		key: 'lastUsed',
		title: 'Last used',
		text(entry, now) {
			const time = lastUsed(entry);
			return time === undefined ? 'never' : relativeTime(time, now);
		},
		sortKey: lastUsed,
	},
	{
		key: 'expires',
		title: 'Expires',
		text(entry, now) {
			const time = expires(entry);
			if (time === undefined) {
				return 'never';
			}

			return time <= now ? 'expired' : relativeTime(time, now);
		},
		sortKey: expires,
	},
];
