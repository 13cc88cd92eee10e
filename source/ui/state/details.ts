import {type TokenEntry, isPlainMap, isoTime, kindOf, recordProblem, toMillis} from '../../tokens/index.js';
import {INVALID_DATE, displayText, relativeTime} from '../../format/index.js';

const iso = (ms: number) => isoTime(ms) ?? INVALID_DATE;

/** Fields of one record shown before "…and N more fields": a record is a handful, a hostile one any number. */
export const MAX_DETAIL_FIELDS = 64;

/** A field name from Redis as a label: sanitised and short. */
const LABEL_LIMIT = 32;

/**
 * What each field of a record should hold (compatibility §2), in the words of the domain's `kindOf`;
 * a number account is EmailEngine's CLI quirk.
 */
const EXPECTED: Record<string, readonly string[]> = {
	created: ['a number', 'a date'],
	expires: ['a number', 'a date'],
	account: ['text', 'a number'],
	ip: ['text'],
	remoteAddress: ['text'],
	scopes: ['a list'],
	description: ['text'],
	metadata: ['text'],
	permissions: ['a map'],
};

/** A value of the wrong shape, quoted when text so that "api" does not read like a scope list. */
const malformed = (value: unknown, why: string) =>
	`malformed: ${typeof value === 'string' ? displayText(JSON.stringify(displayText(value, 200))) : displayText(value, 200)} (${why})`;

/**
 * An address or referrer list as EmailEngine reads it (compatibility §6.5, §2): absent, nil or empty
 * text restricts nothing; a list is checked (an empty address list refuses every request); anything
 * else is malformed, and EmailEngine refuses every request.
 */
function listText(value: unknown, kind: 'addresses' | 'referrers'): string {
	if (value === undefined || value === null || value === '' || value === false || value === 0) {
		return kind === 'addresses' ? 'any address' : 'any referrer';
	}

	if (!Array.isArray(value)) {
		return malformed(value, `${kindOf(value)}, not a list: every request is refused`);
	}

	if (value.length === 0) {
		return kind === 'addresses' ? 'none: every request is refused' : 'any referrer';
	}

	return displayText(
		value
			.slice(0, 64)
			.map(item => displayText(item, 200))
			.join(', ') + (value.length > 64 ? `, …and ${value.length - 64} more` : ''),
	);
}

function rateText(value: unknown): string {
	if (!value) {
		return 'none';
	}

	const rate = isPlainMap(value) ? value : undefined;
	const max = rate?.['maxRequests'];
	const window = rate?.['timeWindow'];
	if (typeof max === 'number' && Number.isFinite(max) && typeof window === 'number' && Number.isFinite(window)) {
		return `${max} requests per ${window} s`;
	}

	return malformed(value, 'not a map of maxRequests and timeWindow numbers');
}

/**
 * Restrictions as people read them, in the details view and in the issue wizard's review. Takes
 * whatever the record holds: every value is shown through displayText, wrong types as malformed.
 */
export function restrictionLines(restrictions: unknown): Array<[string, string]> {
	const map = isPlainMap(restrictions) ? restrictions : undefined;
	return [
		['IP allowlist', listText(map?.['addresses'], 'addresses')],
		['referrers', listText(map?.['referrers'], 'referrers')],
		['rate limit', rateText(map?.['rateLimit'])],
	];
}

/**
 * The details view's lines: the id, every field of the record in stored order (dates with their
 * relative time), restrictions spelled out, and the last use. Every label and value goes through
 * displayText, whatever its type: the record is whatever Redis holds.
 */
export function detailLines(entry: TokenEntry, now: number): Array<[string, string]> {
	const lines: Array<[string, string]> = [['id', displayText(entry.id, 128)]];
	if (entry.unreadable === undefined) {
		const problem = recordProblem(entry.record);
		if (problem !== undefined) {
			lines.push(['unusable', `${displayText(problem)}: EmailEngine refuses every request`]);
		}
	} else {
		// What follows is what could be read of it without decoding it (shallowFields).
		lines.push(['unreadable', `${displayText(entry.unreadable)}: the record cannot be decoded, every request is refused; d revokes it`]);
	}

	let fields = 0;
	let more = 0;
	for (const key in entry.record) {
		if (!Object.hasOwn(entry.record, key) || key === 'restrictions') {
			continue;
		}

		if (fields >= MAX_DETAIL_FIELDS) {
			more++;
			continue;
		}

		fields++;
		const value = entry.record[key];
		const expected = Object.hasOwn(EXPECTED, key) ? EXPECTED[key] : undefined;
		const kind = kindOf(value);
		const ms = key === 'created' || key === 'expires' ? toMillis(value) : undefined;
		const text =
			expected && value !== null && !expected.includes(kind)
				? malformed(value, `${kind}, not ${expected[0]}`)
				: ms === undefined
					? displayText(value)
					: `${iso(ms)} (${relativeTime(ms, now)})`;
		lines.push([displayText(key, LABEL_LIMIT), text]);
	}

	if (more > 0) {
		lines.push(['…', `and ${more} more fields`]);
	}

	const restrictions = entry.record['restrictions'];
	if (isPlainMap(restrictions)) {
		lines.push(['restrictions', '']);
		for (const [label, value] of restrictionLines(restrictions)) {
			lines.push([`  ${label}`, value]);
		}
	} else if (restrictions) {
		lines.push(['restrictions', malformed(restrictions, `${kindOf(restrictions)}, not a map`)]);
	} else {
		lines.push(['restrictions', 'none']);
	}

	const time = entry.lastUse?.time ?? undefined;
	lines.push(['last used', time === undefined ? 'never' : `${iso(time)} (${relativeTime(time, now)})`]);
	lines.push(['last used from', displayText(entry.lastUse?.ip ?? '—', 128)]);
	return lines;
}

/** Scroll position of a read-only view: clamped so the last page stays full. */
export function scrollBy(offset: number, delta: number, total: number, height: number): number {
	return Math.max(0, Math.min(Math.max(0, total - height), offset + delta));
}
