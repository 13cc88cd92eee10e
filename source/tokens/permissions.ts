import {isPlainMap} from './msgpack.js';

/**
 * The vocabulary and shape of a token's `permissions` map (compatibility §2): it can only take away. The
 * server checks a request against it (server/permissions.ts); import refuses a malformed one.
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

/** The two axes of a well-formed map, each absent (nil) or a list of its vocabulary. */
export type PermissionAxes = {actions: readonly string[] | undefined; groups: readonly string[] | undefined};

const present = (value: unknown) => value !== undefined && value !== null;

/**
 * The axes of a `permissions` value that is present, or undefined when it is malformed: not a map,
 * `{}`, an unknown key, an axis that is not a list, a value outside the vocabulary, or both axes
 * nil. A malformed map denies everything (compatibility §2).
 */
export function permissionAxes(permissions: unknown): PermissionAxes | undefined {
	if (!isPlainMap(permissions)) {
		return undefined;
	}

	const keys = Object.keys(permissions);
	if (keys.length === 0 || keys.some(key => key !== 'actions' && key !== 'groups')) {
		return undefined;
	}

	const axis = (key: 'actions' | 'groups', vocabulary: readonly string[]): readonly string[] | false | undefined => {
		const value = permissions[key];
		if (!present(value)) {
			return undefined;
		}

		return Array.isArray(value) && value.every(item => typeof item === 'string' && vocabulary.includes(item)) ? (value as string[]) : false;
	};

	const actions = axis('actions', ACTIONS);
	// `admin` is recognised in stored data, never granted by it.
	const groups = axis('groups', [...GROUPS, ADMIN_GROUP]);
	if (actions === false || groups === false || (actions === undefined && groups === undefined)) {
		return undefined;
	}

	return {actions, groups};
}
