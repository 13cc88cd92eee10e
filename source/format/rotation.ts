import {type JsonOptions, type LastUse, type RotationFacts, type TokenRecord, accessJson, expiryOf, isoTime} from '../tokens/index.js';
import {relativeTime} from './display.js';

/**
 * What a token's details say about a rotation (issue #12 §3), from the link in its metadata
 * (tokens/rotation-link.ts): on the new token, whether the old one is still used and when it stops
 * working; on the old one, what replaced it. Both front ends show these.
 */

const when = (time: number, now: number) => `${relativeTime(time, now)} (${isoTime(time) ?? 'invalid date'})`;

/** "stops working in 23 hours (…)" / "stopped working 2 hours ago (…)" / "never expires". */
function retirement(record: TokenRecord, now: number): string {
	const expires = expiryOf(record);
	if (expires === undefined) {
		return 'never stops working';
	}

	if (expires === null) {
		return 'has an expiry that is not a time, so it cannot authenticate';
	}

	return expires <= now ? `stopped working ${when(expires, now)}` : `stops working ${when(expires, now)}`;
}

function lastUseText(lastUse: LastUse | undefined, now: number): string {
	if (lastUse?.unreadable) {
		return 'last used at an unknown time (its stored last use cannot be read)';
	}

	if (!lastUse || lastUse.time === null) {
		return 'never used';
	}

	return `last used ${relativeTime(lastUse.time, now)}${lastUse.ip ? ` from ${lastUse.ip}` : ''}`;
}

/** `key: text` lines for a details view; text still to be sanitised by the caller like every value. */
export function rotationLines(facts: RotationFacts, own: TokenRecord, now: number): Array<[string, string]> {
	const lines: Array<[string, string]> = [];
	const {rotatedFrom, replacedBy} = facts;
	if (rotatedFrom) {
		lines.push([
			'rotated from',
			rotatedFrom.record
				? `${rotatedFrom.id}: the old token was ${lastUseText(rotatedFrom.lastUse, now)} and ${retirement(rotatedFrom.record, now)}`
				: `${rotatedFrom.id}: the old token is gone (revoked, expired and removed, or its record cannot be read)`,
		]);
	}

	if (replacedBy) {
		lines.push(['replaced by', `${replacedBy.id}${replacedBy.record ? '' : ' (since revoked)'}: this token ${retirement(own, now)}`]);
	}

	return lines;
}

const expiresJson = (record: TokenRecord): string | null => {
	const expires = expiryOf(record);
	return expires === undefined || expires === null ? null : (isoTime(expires) ?? null);
};

/** The same facts for `--json`: `{rotatedFrom?: {id, present, expires, access}, replacedBy?: {id, present}}`. */
export function rotationJson(facts: RotationFacts, options: JsonOptions = {}): Record<string, unknown> {
	const json: Record<string, unknown> = {};
	if (facts.rotatedFrom) {
		const {id, record, lastUse} = facts.rotatedFrom;
		json['rotatedFrom'] = record
			? {id, present: true, expires: expiresJson(record), access: accessJson(lastUse, options)}
			: {id, present: false, expires: null, access: null};
	}

	if (facts.replacedBy) {
		json['replacedBy'] = {id: facts.replacedBy.id, present: facts.replacedBy.record !== undefined};
	}

	return json;
}
