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

/** A `permissions` map as ee-tokens writes it: the axes given, `actions` first (compatibility §2). */
export type Permissions = {actions?: string[]; groups?: string[]};

/**
 * The presets of `issue --preset` and the app's issue wizard. EmailEngine's admin form offers presets
 * too, but their content is not part of the compatibility contract, so these are ee-tokens' own
 * (README "Permission presets"). Every preset names both axes in full: a group EmailEngine adds
 * later is then not granted by a token issued today.
 */
export const PERMISSION_PRESETS = {
	'read-only': {actions: ['read'], groups: [...GROUPS]},
	'mail-agent': {actions: ['read', 'write', 'send'], groups: ['account', 'mailbox', 'message', 'submit', 'outbox', 'template']},
	'send-only': {actions: ['send'], groups: ['submit']},
	everything: {actions: [...ACTIONS], groups: [...GROUPS]},
} as const satisfies Record<string, {actions: readonly string[]; groups: readonly string[]}>;

export type PermissionPreset = keyof typeof PERMISSION_PRESETS;

export const PRESET_NAMES = Object.keys(PERMISSION_PRESETS) as PermissionPreset[];

export const isPreset = (value: string): value is PermissionPreset => Object.hasOwn(PERMISSION_PRESETS, value);

/** A preset's map, as a fresh object the caller may keep. */
export const presetPermissions = (preset: PermissionPreset): Permissions => ({
	actions: [...PERMISSION_PRESETS[preset].actions],
	groups: [...PERMISSION_PRESETS[preset].groups],
});

/** The preset a well-formed map is exactly (same words, same order), if any: how the wizard names a stored map. */
export function presetOf(permissions: unknown): PermissionPreset | undefined {
	const axes = permissionAxes(permissions);
	if (!axes || !isPlainMap(permissions) || Object.keys(permissions).join() !== 'actions,groups') {
		return undefined;
	}

	return PRESET_NAMES.find(name => {
		const preset = PERMISSION_PRESETS[name];
		return axes.actions?.join() === preset.actions.join() && axes.groups?.join() === preset.groups.join();
	});
}

/**
 * The grants a login surface needs before it admits a narrowed token: SMTP and the IMAP proxy are
 * checked once at login against everything their session can do, and /metrics is an ordinary route
 * needing read on diagnostics (compatibility §2, §6.8). A token holding such a scope without these
 * grants is refused there.
 */
export const SURFACE_GRANTS: Readonly<Record<string, ReadonlyArray<{action: string; group: string}>>> = {
	metrics: [{action: 'read', group: 'diagnostics'}],
	smtp: [{action: 'send', group: 'submit'}],
	'imap-proxy': [
		{action: 'read', group: 'message'},
		{action: 'write', group: 'message'},
		{action: 'destructive', group: 'message'},
		{action: 'write', group: 'mailbox'},
		{action: 'destructive', group: 'mailbox'},
	],
};

/** Whether well-formed axes allow one action on one group (an absent axis does not narrow). */
export const axesAllow = (axes: PermissionAxes, action: string, group: string): boolean =>
	(axes.actions === undefined || axes.actions.includes(action)) && (axes.groups === undefined || axes.groups.includes(group));

/**
 * The scopes of a token that its permissions make useless, each with the grants it lacks: a scope
 * named in `scopes` (not `*`, which grants whatever is usable) whose surface needs grants the
 * permissions do not allow. Nothing when the permissions are absent (not narrowed) or malformed
 * (every request is refused anyway, said elsewhere).
 */
export function unusableScopes(scopes: unknown, permissions: unknown): Array<{scope: string; missing: string[]}> {
	if (!Array.isArray(scopes) || permissions === undefined || permissions === null) {
		return [];
	}

	const axes = permissionAxes(permissions);
	if (!axes) {
		return [];
	}

	const unusable: Array<{scope: string; missing: string[]}> = [];
	for (const scope of new Set(scopes.filter((value): value is string => typeof value === 'string'))) {
		const missing = (SURFACE_GRANTS[scope] ?? [])
			.filter(({action, group}) => !axesAllow(axes, action, group))
			.map(({action, group}) => `${action} on ${group}`);
		if (missing.length > 0) {
			unusable.push({scope, missing});
		}
	}

	return unusable;
}

/** The sentences that say, for people, which scopes cannot work with these permissions. */
export function permissionWarnings(scopes: unknown, permissions: unknown): string[] {
	return unusableScopes(scopes, permissions).map(
		({scope, missing}) => `The ${scope} scope cannot work: it needs ${missing.join(', ')}, which these permissions do not allow`,
	);
}
