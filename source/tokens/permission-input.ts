import {TokenError} from './errors.js';
import {
	ACTIONS,
	ADMIN_GROUP,
	GROUPS,
	type Permissions,
	PRESET_NAMES,
	isPreset,
	permissionAxes,
	presetOf,
	presetPermissions,
} from './permissions.js';
import {quoteTyped} from './typed-text.js';

/**
 * `--preset`, `--actions` and `--groups` (issue, edit) as a `permissions` map: a preset, or the axes
 * given (an axis left out does not narrow), each word checked against EmailEngine's vocabulary
 * (compatibility §2). Nothing given is undefined: the token is not narrowed.
 */

const usage = (message: string) => new TokenError('usage', message);

export type PermissionInput = {preset?: string; actions?: readonly string[]; groups?: readonly string[]};

export function parsePermissions(input: PermissionInput): Permissions | undefined {
	const hasAxes = (input.actions ?? []).length > 0 || (input.groups ?? []).length > 0;
	if (input.preset !== undefined) {
		if (hasAxes) {
			throw usage('Give --preset or --actions/--groups, not both: a preset already names both');
		}

		const preset = input.preset.trim().toLowerCase();
		if (!isPreset(preset)) {
			throw usage(`Unknown permission preset: ${quoteTyped(input.preset.trim())} (allowed: ${PRESET_NAMES.join(', ')})`);
		}

		return presetPermissions(preset);
	}

	if (!hasAxes) {
		return undefined;
	}

	const permissions: Permissions = {};
	if ((input.actions ?? []).length > 0) {
		permissions.actions = axisWords(input.actions!, 'action', ACTIONS);
	}

	if ((input.groups ?? []).length > 0) {
		permissions.groups = axisWords(input.groups!, 'group', GROUPS);
	}

	return permissions;
}

/** One axis: comma-separated or repeated words, lower-cased and de-duplicated, in the order typed. */
function axisWords(values: readonly string[], kind: 'action' | 'group', vocabulary: readonly string[]): string[] {
	const allowed = `(allowed: ${vocabulary.join(', ')})`;
	const words: string[] = [];
	for (const raw of values) {
		for (const part of raw.split(',')) {
			const word = part.trim().toLowerCase();
			if (word === '') {
				// `--groups account,` or `--groups ,`: an empty item is neither "all" nor "none".
				throw usage(`Empty ${kind} in ${quoteTyped(raw)} ${allowed}`);
			}

			if (kind === 'group' && word === ADMIN_GROUP) {
				throw usage(`The admin group is never granted: EmailEngine refuses its routes to every token with permissions ${allowed}`);
			}

			if (!vocabulary.includes(word)) {
				throw usage(`Unknown ${kind}: ${quoteTyped(part.trim())} ${allowed}`);
			}

			if (!words.includes(word)) {
				words.push(word);
			}
		}
	}

	return words;
}

/** How the app's fields spell permissions: a preset, `none`, or `ACTIONS / GROUPS`. */
export const PERMISSION_TEXT_HELP = `a preset (${PRESET_NAMES.join(', ')}), none, or ACTIONS / GROUPS, e.g. read,write / account,message (a side left empty does not narrow)`;

/**
 * A permissions field of the app (the issue wizard's custom step, the edit form): `none` is null
 * (no permissions), a preset name its map, `ACTIONS / GROUPS` the axes given, each checked as
 * `--actions` and `--groups` are. Anything else, or both sides empty, is refused.
 */
export function parsePermissionText(text: string): Permissions | null {
	const value = text.trim().toLowerCase();
	if (value === 'none') {
		return null;
	}

	if (isPreset(value)) {
		return presetPermissions(value);
	}

	const slash = value.indexOf('/');
	if (slash === -1) {
		throw usage(`Permissions: type ${PERMISSION_TEXT_HELP}`);
	}

	const words = (side: string) => side.split(/[\s,]+/).filter(Boolean);
	const permissions = parsePermissions({actions: words(value.slice(0, slash)), groups: words(value.slice(slash + 1))});
	if (!permissions) {
		throw usage(`Permissions: give actions, groups or both around the /; or type ${PRESET_NAMES.join(', ')} or none`);
	}

	return permissions;
}

/**
 * A stored `permissions` value as such a field is prefilled: its preset, none, or ACTIONS / GROUPS;
 * '' when malformed or when an axis is an empty list. The field reads an empty side as "not
 * narrowed", so prefilling an empty list as one would widen a token that allows nothing the moment
 * the other side is edited: the operator types both sides instead.
 */
export function permissionText(permissions: unknown): string {
	if (permissions === undefined || permissions === null) {
		return 'none';
	}

	const preset = presetOf(permissions);
	if (preset) {
		return preset;
	}

	const axes = permissionAxes(permissions);
	if (!axes || axes.actions?.length === 0 || axes.groups?.length === 0) {
		return '';
	}

	return `${(axes.actions ?? []).join(',')} / ${(axes.groups ?? []).join(',')}`;
}
