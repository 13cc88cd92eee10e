import {isPlainMap} from '../tokens/index.js';

/**
 * Permission narrowing (spec §2, §6.2 step 5): a token's optional `permissions` map can only take
 * away. Only as much as the bundled routes need: each route names one action and one group.
 */

export const ACTIONS = ['read', 'write', 'send', 'destructive'] as const;
export const GROUPS = [
	'account',
	'mailbox',
	'message',
	'submit',
	'outbox',
	'export',
	'template',
	'blocklist',
	'webhook',
	'gateway',
	'events',
	'diagnostics',
	'logs',
] as const;

/** Recognised in stored permissions but never grantable; the token admin routes belong to it. */
export const ADMIN_GROUP = 'admin';

export type Permission = {action: string; group: string};

/** Why a narrowed token was refused; these are also the audit-log reasons (spec §1.7). */
export type PermissionDenial = 'malformed' | 'restricted' | 'action' | 'group';

const present = (value: unknown) => value !== undefined && value !== null;

/**
 * `undefined` when the request may proceed, else the reason it may not. Absent or nil permissions
 * narrow nothing; a non-map, `{}`, an unknown key, a non-array axis or an unknown value is
 * malformed and denies everything; an empty axis allows nothing; the admin group refuses any
 * token that carries permissions at all.
 */
export function checkPermission(permissions: unknown, required: Permission): PermissionDenial | undefined {
	if (!present(permissions) || permissions === false || permissions === 0 || permissions === '') {
		// JS truthiness, as EmailEngine reads fields (spec §2).
		return undefined;
	}

	if (required.group === ADMIN_GROUP) {
		return 'restricted';
	}

	if (!isPlainMap(permissions)) {
		return 'malformed';
	}

	const keys = Object.keys(permissions);
	if (keys.length === 0 || keys.some(key => key !== 'actions' && key !== 'groups')) {
		return 'malformed';
	}

	const axis = (key: 'actions' | 'groups', vocabulary: readonly string[]): string[] | 'malformed' | undefined => {
		const value = permissions[key];
		if (!present(value)) {
			return undefined;
		}

		if (!Array.isArray(value) || value.some(item => typeof item !== 'string' || !vocabulary.includes(item))) {
			return 'malformed';
		}

		return value as string[];
	};

	const actions = axis('actions', ACTIONS);
	// `admin` is recognised in stored data, never granted by it.
	const groups = axis('groups', [...GROUPS, ADMIN_GROUP]);
	if (actions === 'malformed' || groups === 'malformed' || (actions === undefined && groups === undefined)) {
		return 'malformed';
	}

	if (actions && !actions.includes(required.action)) {
		return 'action';
	}

	if (groups && !groups.includes(required.group)) {
		return 'group';
	}

	return undefined;
}
