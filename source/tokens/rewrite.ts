import {TokenError} from './errors.js';
import {reckonedExpiry} from './expiry.js';
import {isPlainMap} from './msgpack.js';
import {type Permissions, permissionAxes} from './permissions.js';
import {type RateLimit, type TokenRecord, toMillis, withFields} from './record.js';
import {expiryOf, importProblem, recordProblem} from './record-shape.js';
import {type RotationLink, rotationLinkOf, withRotationLink} from './rotation-link.js';
import {isoTime} from './time.js';

/**
 * Rotating and editing a stored token (issue #12 §3, §4): what the record becomes, worked out
 * here, without I/O, from the record as read; the store writes it back only if the stored bytes are
 * still the ones read (compare-and-set).
 */

/**
 * Why a stored record may not be rotated or edited, or undefined. A token whose fields can never
 * authenticate, or that no writer of EmailEngine's would have stored (recordProblem, importProblem),
 * should be revoked, not copied or patched into one that works; an expired one has stopped working.
 */
export function rewriteProblem(record: TokenRecord): string | undefined {
	const problem = recordProblem(record) ?? importProblem(record);
	if (problem !== undefined) {
		return `its record is malformed (${problem}); a token that cannot work should be revoked, not copied or patched`;
	}

	return undefined;
}

/** Refuses an expired token: it no longer works, and neither rotation nor an edit brings it back. */
export function refuseExpired(id: string, record: TokenRecord, now: number, what: string): void {
	const expires = expiryOf(record);
	if (expires !== undefined && expires !== null && now >= expires) {
		throw new TokenError(
			'refused',
			`Token ${id} expired at ${isoTime(expires) ?? 'an invalid date'}; an expired token cannot be ${what}: issue a new one (ee-tokens issue) instead`,
		);
	}
}

/** How long an old token keeps working after a rotation when no grace is given (rotate --grace, the app's R). */
export const DEFAULT_GRACE = '24h';

export type RotationPlan = {
	/** The new token's record: every field of the old one, `created` now, the same lifetime, linked to the old one. */
	successor: TokenRecord;
	/** The old token's record: retired at `retiresAt`, linked to the new one. */
	retired: TokenRecord;
	retiresAt: number;
	/** The old token expired before now + grace, and keeps that earlier expiry. */
	keptEarlierExpiry: boolean;
	/** Whether the metadata of both records carries the link (not when it is not a JSON object). */
	linked: boolean;
};

/**
 * What a rotation writes. The new token gets every field of the old one as stored (description,
 * scopes, account, ip, remoteAddress, restrictions, permissions, metadata, and keys only an import
 * brought), `created` now and, when the old one expires, the same lifetime counted from now. The old
 * one expires at now + grace, unless it expires earlier: a grace never extends a token.
 */
export function planRotation(old: {id: string; record: TokenRecord}, newId: string, now: number, graceMs: number): RotationPlan {
	const {record} = old;
	const expires = expiryOf(record);
	const changes: Record<string, unknown> = {created: now};
	if (expires !== undefined && expires !== null) {
		const created = toMillis(record['created']);
		if (created === undefined || expires <= created) {
			throw new TokenError(
				'unreadable',
				`Token ${old.id} cannot be rotated: its ${created === undefined ? 'created time is missing or not a time' : 'expiry is not after its creation'}, so its lifetime cannot be carried over; revoke it and issue a new one`,
			);
		}

		changes['expires'] = reckonedExpiry(now + (expires - created), 'The new token');
	}

	const oldLink = rotationLinkOf(record['metadata']);
	const successorMetadata = withRotationLink(record['metadata'], {rotatedFrom: old.id});
	const retiredLink: RotationLink = {...(oldLink?.rotatedFrom ? {rotatedFrom: oldLink.rotatedFrom} : {}), replacedBy: newId};
	const retiredMetadata = withRotationLink(record['metadata'], retiredLink);
	const linked = successorMetadata !== undefined && retiredMetadata !== undefined;
	if (linked) {
		changes['metadata'] = successorMetadata;
	}

	const graceEnd = now + graceMs;
	const keptEarlierExpiry = expires !== undefined && expires !== null && expires < graceEnd;
	const retiresAt = keptEarlierExpiry ? expires : graceEnd;
	return {
		successor: withFields(record, changes),
		retired: withFields(record, {expires: retiresAt, ...(linked ? {metadata: retiredMetadata} : {})}),
		retiresAt,
		keptEarlierExpiry,
		linked,
	};
}

/**
 * An edit, with every value already validated (the same parsers as issue). A field left undefined is
 * not changed; `null` removes it (`--no-expiry`, `--no-ip`, …).
 */
export type TokenEdit = {
	description?: string;
	/** A new expiry time (ms), or null for none. */
	expires?: number | null;
	/** Added to the current expiry. */
	extendMs?: number;
	addresses?: string[] | null;
	referrers?: string[] | null;
	rateLimit?: RateLimit | null;
	/** The permissions, replaced as a whole, or null for none (not narrowed). */
	permissions?: Permissions | null;
	/**
	 * `permissions` names one axis only (`edit --groups`): the stored other axis is kept. Left out,
	 * it would allow everything on that axis, widening the token without a word.
	 */
	keepOtherAxis?: boolean;
	metadata?: string;
};

/** Whether an edit asks for anything at all. */
export const editIsEmpty = (edit: TokenEdit): boolean => Object.values(edit).every(value => value === undefined);

/**
 * The record an edit writes: only the fields asked for change, in place; `created`, the account,
 * the scopes and every other key keep their bytes. Restrictions keep their shape: a key of a map
 * that holds all three (as EmailEngine's REST writes it) is set to nil when removed, as REST stores
 * a restriction not given; otherwise it is left out, and a map left with nothing is removed.
 */
export function editedRecord(id: string, record: TokenRecord, edit: TokenEdit): TokenRecord {
	const changes: Record<string, unknown> = {};
	if (edit.description !== undefined) {
		changes['description'] = edit.description;
	}

	if (edit.expires !== undefined) {
		changes['expires'] = edit.expires ?? undefined;
	}

	if (edit.extendMs !== undefined) {
		const expires = expiryOf(record);
		if (expires === undefined || expires === null) {
			throw new TokenError('usage', `Token ${id} has no expiry to extend; give --expires instead`);
		}

		changes['expires'] = reckonedExpiry(expires + edit.extendMs, `Token ${id}`);
	}

	const restrictionChanges: Array<[string, unknown]> = [
		['referrers', edit.referrers],
		['addresses', edit.addresses],
		['rateLimit', edit.rateLimit],
	];
	if (restrictionChanges.some(([, value]) => value !== undefined)) {
		changes['restrictions'] = editedRestrictions(record['restrictions'], restrictionChanges);
	}

	if (edit.permissions !== undefined) {
		changes['permissions'] =
			edit.permissions && edit.keepOtherAxis ? withOtherAxis(id, record['permissions'], edit.permissions) : (edit.permissions ?? undefined);
	}

	if (edit.metadata !== undefined) {
		changes['metadata'] = edit.metadata;
	}

	return withFields(record, changes);
}

/** One axis edited onto the stored permissions: the other axis as stored (none stored: not narrowed). */
function withOtherAxis(id: string, stored: unknown, edited: Permissions): Permissions {
	if (stored === undefined || stored === null) {
		return edited;
	}

	const axes = permissionAxes(stored);
	if (!axes) {
		throw new TokenError(
			'usage',
			`Token ${id}'s stored permissions cannot be read, so one axis cannot be kept: give both --actions and --groups, or --preset`,
		);
	}

	const actions = edited.actions ?? axes.actions;
	const groups = edited.groups ?? axes.groups;
	return {...(actions ? {actions: [...actions]} : {}), ...(groups ? {groups: [...groups]} : {})};
}

const RESTRICTION_ORDER = ['referrers', 'addresses', 'rateLimit'];

function editedRestrictions(stored: unknown, changes: ReadonlyArray<[string, unknown]>): Record<string, unknown> | undefined {
	// rewriteProblem has refused restrictions that are not a map; absent or nil is an empty one.
	const current: Record<string, unknown> = isPlainMap(stored) ? stored : {};
	const restShape = RESTRICTION_ORDER.every(key => Object.hasOwn(current, key));
	const fieldChanges: Record<string, unknown> = {};
	for (const [key, value] of changes) {
		if (value !== undefined) {
			fieldChanges[key] = value ?? (restShape ? null : undefined);
		}
	}

	// The map's own keys keep their order; a new one goes after those it follows in issue's order.
	const keys = Object.keys(current).filter(key => !(Object.hasOwn(fieldChanges, key) && fieldChanges[key] === undefined));
	for (const key of RESTRICTION_ORDER) {
		if (!keys.includes(key) && fieldChanges[key] !== undefined) {
			const after = keys.reduce(
				(last, existing, index) => (RESTRICTION_ORDER.indexOf(existing) < RESTRICTION_ORDER.indexOf(key) ? index : last),
				-1,
			);
			keys.splice(after + 1, 0, key);
		}
	}

	const result: Record<string, unknown> = {};
	for (const key of keys) {
		result[key] = Object.hasOwn(fieldChanges, key) ? fieldChanges[key] : current[key];
	}

	return Object.values(result).some(value => value !== null && value !== undefined) ? result : undefined;
}
