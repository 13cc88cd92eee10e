import {type TokenRecord, toMillis} from './record.js';

/**
 * The fields `diff` and `sync` compare (issue #14): what a token may do and what it is called.
 * Not `created` (an import resets it, compatibility §3.3, so a copied token differs there by
 * design), not `metadata`, `ip` or `remoteAddress` (where and how it was made), nor unknown keys.
 */
export const COMPARED_FIELDS = ['description', 'scopes', 'account', 'restrictions', 'permissions', 'expires'] as const;

export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** One compared field that differs: its value on each side as stored (undefined: absent). */
export type FieldDifference = {field: ComparedField; from: unknown; to: unknown};

/**
 * The compared fields whose meaning differs between two records, in COMPARED_FIELDS' order; empty
 * when they agree. Values are compared as EmailEngine reads them, not as bytes: nil and an absent
 * key are alike (EmailEngine's REST API stores missing restrictions as nil, its CLI leaves them
 * out), the order of a map's keys is no difference, an unbound account is absent, nil or empty,
 * and an expiry of 0, nil or none is no expiry (compatibility §1.8). Lists keep their order.
 */
export function differingFields(from: TokenRecord, to: TokenRecord): FieldDifference[] {
	const differences: FieldDifference[] = [];
	for (const field of COMPARED_FIELDS) {
		if (!sameField(field, from[field], to[field])) {
			differences.push({field, from: from[field], to: to[field]});
		}
	}

	return differences;
}

function sameField(field: ComparedField, from: unknown, to: unknown): boolean {
	switch (field) {
		case 'account': {
			return sameValue(unboundAsAbsent(from), unboundAsAbsent(to));
		}

		case 'expires': {
			const [left, right] = [expiryOf(from), expiryOf(to)];
			// A value that is no time at all (text, a list) is compared as stored.
			return left === INVALID || right === INVALID ? sameValue(from, to) : left === right;
		}

		default: {
			return sameValue(from, to);
		}
	}
}

const unboundAsAbsent = (account: unknown) => (account === '' ? undefined : account);

const INVALID = Symbol('invalid expiry');

/** Milliseconds, 0 for none (absent, nil, 0), or INVALID for a value that is no time. */
function expiryOf(value: unknown): number | typeof INVALID {
	if (value === undefined || value === null) {
		return 0;
	}

	return toMillis(value) ?? INVALID;
}

const absent = (value: unknown) => value === undefined || value === null;

/** Deep equality of decoded msgpack values, nil alike to absent, map key order ignored. */
function sameValue(left: unknown, right: unknown): boolean {
	if (absent(left) || absent(right)) {
		return absent(left) && absent(right);
	}

	if (left instanceof Date || right instanceof Date) {
		return left instanceof Date && right instanceof Date && Object.is(left.getTime(), right.getTime());
	}

	if (left instanceof Uint8Array || right instanceof Uint8Array) {
		return left instanceof Uint8Array && right instanceof Uint8Array && Buffer.compare(left, right) === 0;
	}

	if (Array.isArray(left) || Array.isArray(right)) {
		return (
			Array.isArray(left) &&
			Array.isArray(right) &&
			left.length === right.length &&
			left.every((item, index) => sameValue(item, right[index]))
		);
	}

	if (typeof left === 'object' && typeof right === 'object') {
		const leftMap = left as Record<string, unknown>;
		const rightMap = right as Record<string, unknown>;
		const keys = new Set([...Object.keys(leftMap), ...Object.keys(rightMap)]);
		return [...keys].every(key => sameValue(leftMap[key], rightMap[key]));
	}

	return Object.is(left, right);
}
