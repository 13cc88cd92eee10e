import {ACTIONS, GROUPS, permissionAxes} from '../tokens/index.js';

/**
 * What a token's `permissions` let it do, in one plain sentence both front ends show (the details
 * view, `show`, review): read by the domain's rules (tokens/permissions.ts, compatibility §2).
 */

const VERBS: Readonly<Record<string, string>> = {read: 'read', write: 'change', send: 'send', destructive: 'delete'};

const NOUNS: Readonly<Record<string, string>> = {
	account: 'accounts',
	mailbox: 'folders',
	message: 'messages',
	submit: 'outgoing mail',
	outbox: 'the outbox',
	export: 'exports',
	template: 'templates',
	blocklist: 'blocklists',
	webhook: 'webhook routes',
	gateway: 'gateways',
	events: 'the change stream',
	diagnostics: 'diagnostics',
	logs: 'account logs',
	admin: 'the admin routes',
};

/** What no token with permissions ever reaches (compatibility §7). */
const ADMIN_ROUTES = 'the admin routes (tokens, settings, OAuth2 apps, licence)';

export const PERMISSIONS_UNREADABLE = 'Unreadable restriction: EmailEngine refuses every request';
export const PERMISSIONS_NOTHING = 'Allows nothing: this token cannot make any request';
export const PERMISSIONS_NOT_NARROWED = 'Not narrowed: whatever its scopes reach';
/** false, 0 or '': EmailEngine reads them as absent; serve refuses them (server/permissions.ts). */
export const PERMISSIONS_FALSY = 'Read by EmailEngine as not narrowed (whatever its scopes reach); ee-tokens serve refuses every request';

/** "a, b and c". */
const listed = (words: readonly string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);

/**
 * The sentence for a `permissions` value: not narrowed (absent or nil), unreadable (malformed:
 * every request refused), nothing (an empty axis), or "Can read and change accounts, folders and
 * messages". Words outside the vocabulary never reach here (they make the map malformed).
 */
export function permissionSentence(permissions: unknown): string {
	if (permissions === undefined || permissions === null) {
		return PERMISSIONS_NOT_NARROWED;
	}

	if (permissions === false || permissions === 0 || permissions === '') {
		return PERMISSIONS_FALSY;
	}

	const axes = permissionAxes(permissions);
	if (!axes) {
		return PERMISSIONS_UNREADABLE;
	}

	const {actions, groups} = axes;
	const grantable = groups?.filter(group => group !== 'admin');
	if (actions?.length === 0 || grantable?.length === 0) {
		return PERMISSIONS_NOTHING;
	}

	const allActions = actions === undefined || ACTIONS.every(action => actions.includes(action));
	const allGroups = grantable === undefined || GROUPS.every(group => grantable.includes(group));
	if (allActions && allGroups) {
		return `Can use every route except ${ADMIN_ROUTES}`;
	}

	const verbs = allActions ? 'do anything with' : listed(ACTIONS.filter(action => actions.includes(action)).map(action => VERBS[action]!));
	const nouns = allGroups
		? `everything but ${ADMIN_ROUTES}`
		: listed(GROUPS.filter(group => grantable.includes(group)).map(group => NOUNS[group]!));
	return `Can ${verbs} ${nouns}`;
}
