import {ADMIN_GROUP, permissionAxes} from '../tokens/index.js';

/**
 * Permission narrowing (compatibility §2, §6.2 step 5): a token's optional `permissions` map can only take
 * away. Only as much as the bundled routes need: each route names one action and one group. The
 * vocabulary and the shape of the map are the domain's (tokens/permissions.ts).
 */

export type Permission = {action: string; group: string};

/** Why a narrowed token was refused; these are also the audit-log reasons (compatibility §1.7). */
export type PermissionDenial = 'malformed' | 'restricted' | 'action' | 'group';

/**
 * `undefined` when the request may proceed, else the reason it may not. Absent or nil permissions
 * narrow nothing; anything else must be a well-formed map (permissionAxes), or it denies
 * everything: a non-map, `{}`, an unknown key, a non-array axis or an unknown value. So does a
 * present value that is falsy (false, 0, ''), which EmailEngine reads as "not narrowed": a field
 * that is plainly broken never widens a token. An empty axis allows nothing; the admin group
 * refuses any token that carries permissions at all.
 */
export function checkPermission(permissions: unknown, required: Permission): PermissionDenial | undefined {
	if (permissions === undefined || permissions === null) {
		return undefined;
	}

	if (required.group === ADMIN_GROUP) {
		return 'restricted';
	}

	const axes = permissionAxes(permissions);
	if (!axes) {
		return 'malformed';
	}

	if (axes.actions && !axes.actions.includes(required.action)) {
		return 'action';
	}

	if (axes.groups && !axes.groups.includes(required.group)) {
		return 'group';
	}

	return undefined;
}
