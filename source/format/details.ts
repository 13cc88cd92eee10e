import {
	type TokenEntry,
	accountProblem,
	describeScopes,
	expiresProblem,
	expiryOf,
	isPlainMap,
	isoTime,
	kindOf,
	listField,
	permissionAxes,
	permissionWarnings,
	recordProblem,
	restrictionsField,
	scopesProblem,
	toMillis,
} from '../tokens/index.js';
import {DISPLAY_LIMIT, INVALID_DATE, NO_EXPIRY, displayText, relativeTime} from './display.js';
import {permissionSentence} from './permissions.js';

/*
 * A token's fields as people read them, judged by the domain's rules (tokens/record-shape.ts): the
 * app's details view and its wizards, and `ee-tokens show`, say every field the same way.
 */

const iso = (ms: number) => isoTime(ms) ?? INVALID_DATE;

/** Fields that hold text people read, and decide nothing: shown as malformed when they are not text. */
const TEXT_FIELDS = new Set(['description', 'metadata', 'ip', 'remoteAddress']);

/** A value of the wrong shape, quoted when text so that "api" does not read like a scope list. */
export const malformed = (value: unknown, why: string) =>
	`malformed: ${typeof value === 'string' ? displayText(JSON.stringify(displayText(value, 200))) : displayText(value, 200)} (${why})`;

/** One axis of well-formed permissions: its words, "none" when empty, "any" when absent (it narrows nothing). */
const axisText = (axis: readonly string[] | undefined) =>
	axis === undefined ? 'any' : axis.length === 0 ? 'none' : displayText(axis.join(', '));

/** A field's problem in the domain's words ("scopes is text, not a list"), without the field's name. */
const whyOf = (field: string, problem: string) => (problem.startsWith(`${field} is `) ? problem.slice(field.length + 4) : problem);

/** What an unbound token reaches, as `list` and the table say it. */
const ALL_ACCOUNTS = 'all accounts';

/** The fields every token is read by, first and in this order, whether or not the record holds them. */
const LEADING_FIELDS = ['description', 'scopes', 'account', 'created', 'expires'] as const;

export const EVERY_REQUEST_REFUSED = 'every request is refused';

/**
 * An address or referrer list as the server reads it (listField, compatibility §6.5): absent or nil
 * restricts nothing; a list is checked (an empty address list refuses every request, an empty
 * referrer list restricts nothing); anything else, false, 0 and '' included, refuses every request.
 */
function listText(value: unknown, kind: 'addresses' | 'referrers'): string {
	const list = listField(value);
	if (list === null) {
		return malformed(value, `${kindOf(value)}, not a list: ${EVERY_REQUEST_REFUSED}`);
	}

	if (list === undefined || (list.length === 0 && kind === 'referrers')) {
		return kind === 'addresses' ? 'any address' : 'any referrer';
	}

	if (list.length === 0) {
		return `none: ${EVERY_REQUEST_REFUSED}`;
	}

	return displayText(
		list
			.slice(0, 64)
			.map(item => displayText(item, 200))
			.join(', ') + (list.length > 64 ? `, …and ${list.length - 64} more` : ''),
	);
}

/** A rate limit: absent or nil is none; anything else but a map of two numbers limits every request. */
function rateText(value: unknown): string {
	if (value === undefined || value === null) {
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
 * Restrictions as people read them, in the details view and in the issue wizard's review: a
 * restrictions map (restrictionsField) or none. Every value is shown through displayText, wrong
 * types as malformed.
 */
export function restrictionLines(restrictions: Readonly<Record<string, unknown>> | undefined): Array<[string, string]> {
	return [
		['IP allowlist', listText(restrictions?.['addresses'], 'addresses')],
		['referrers', listText(restrictions?.['referrers'], 'referrers')],
		['rate limit', rateText(restrictions?.['rateLimit'])],
	];
}

/** One field's value as the details view shows it, judged by the domain's rules (tokens/record-shape.ts). */
/** `limit`: how much of a value is shown (the app's screen: DISPLAY_LIMIT; `show`, which prints data, all of it). */
export function fieldText(key: string, value: unknown, now: number, limit = DISPLAY_LIMIT): string {
	const date = (ms: number) => `${iso(ms)} (${relativeTime(ms, now)})`;
	switch (key) {
		case 'expires': {
			const expires = expiryOf({expires: value});
			if (expires === undefined || expires === null) {
				return expires === undefined ? NO_EXPIRY : malformed(value, whyOf(key, expiresProblem(value)!));
			}

			// Said in words, not left to the reader's arithmetic: an expired token authenticates nowhere.
			return expires <= now ? `${date(expires)}: expired` : date(expires);
		}

		case 'created': {
			const ms = toMillis(value);
			return ms !== undefined ? date(ms) : value === null ? displayText(value) : malformed(value, `${kindOf(value)}, not a number`);
		}

		case 'account': {
			const problem = accountProblem(value);
			return problem === undefined
				? value === null || value === ''
					? ALL_ACCOUNTS
					: displayText(value)
				: malformed(value, whyOf(key, problem));
		}

		case 'scopes': {
			const problem = scopesProblem(value);
			// Read as words, as the table says them ("api, smtp", "all scopes"), not as a JSON list.
			return problem === undefined ? displayText(describeScopes(value as string[] | undefined)) : malformed(value, whyOf(key, problem));
		}

		case 'permissions': {
			if (value === null || value === undefined) {
				return displayText(value);
			}

			// Read as words, like scopes: a JSON list of thirteen groups has no space to wrap at.
			const axes = permissionAxes(value);
			return axes ? `actions ${axisText(axes.actions)}; groups ${axisText(axes.groups)}` : malformed(value, EVERY_REQUEST_REFUSED);
		}

		default: {
			return TEXT_FIELDS.has(key) && value !== null && typeof value !== 'string'
				? malformed(value, `${kindOf(value)}, not text`)
				: displayText(value, limit);
		}
	}
}

/** What a leading field's absence means, as its row says it. */
const ABSENT: Record<(typeof LEADING_FIELDS)[number], string> = {
	description: '(none)',
	scopes: `${describeScopes(undefined)}: every scope is allowed`,
	account: ALL_ACCOUNTS,
	created: '(not recorded)',
	expires: NO_EXPIRY,
};

/** Fields of one record shown before "…and N more fields": a record is a handful, a hostile one any number. */
export const MAX_DETAIL_FIELDS = 64;

/** A field name from Redis as a label: sanitised and short. */
const LABEL_LIMIT = 32;

/**
 * A token's lines, in the app's details view and in `show`: the id, the fields a token is read by
 * (LEADING_FIELDS), every other field of the record in stored order (dates with their relative time, an expiry that has passed marked expired),
 * restrictions spelled out, and the last use. Every label and value goes through displayText,
 * whatever its type: the record is whatever Redis holds. `revokeHint` says how the front end
 * revokes an unreadable record.
 */
export function recordLines(entry: TokenEntry, now: number, revokeHint: string, limit = DISPLAY_LIMIT): Array<[string, string]> {
	const lines: Array<[string, string]> = [['id', displayText(entry.id, 128)]];
	if (entry.unreadable === undefined) {
		const problem = recordProblem(entry.record);
		if (problem !== undefined) {
			lines.push(['unusable', `${displayText(problem)}: EmailEngine refuses every request`]);
		}
	} else {
		// What follows is what could be read of it without decoding it (shallowFields).
		lines.push(['unreadable', `${displayText(entry.unreadable)}: the record cannot be decoded, every request is refused; ${revokeHint}`]);
	}

	// The fields a person reads a token by come first, always in one order, and always there: an
	// unbound token has no account field and one that never expires no expires field (EmailEngine
	// leaves them out), so their rows say what the absence means. The rest follow in stored order.
	const readable = entry.unreadable === undefined;
	for (const key of LEADING_FIELDS) {
		if (Object.hasOwn(entry.record, key)) {
			lines.push([key, fieldText(key, entry.record[key], now, limit)]);
		} else if (readable) {
			lines.push([key, ABSENT[key]]);
		}
	}

	let fields = 0;
	let more = 0;
	for (const key in entry.record) {
		if (!Object.hasOwn(entry.record, key) || key === 'restrictions' || (LEADING_FIELDS as readonly string[]).includes(key)) {
			continue;
		}

		if (fields >= MAX_DETAIL_FIELDS) {
			more++;
			continue;
		}

		fields++;
		lines.push([displayText(key, LABEL_LIMIT), fieldText(key, entry.record[key], now, limit)]);
	}

	if (more > 0) {
		lines.push(['…', `and ${more} more fields`]);
	}

	const restrictions = restrictionsField(entry.record);
	if (restrictions) {
		lines.push(['restrictions', '']);
		for (const [label, value] of restrictionLines(restrictions)) {
			lines.push([`  ${label}`, value]);
		}
	} else if (restrictions === null) {
		lines.push(['restrictions', malformed(entry.record['restrictions'], `${kindOf(entry.record['restrictions'])}, not a map`)]);
	} else if (entry.unreadable === undefined) {
		// An unreadable record's restrictions are not known: "none" would read as "unrestricted".
		lines.push(['restrictions', 'none']);
	}

	if (entry.unreadable === undefined) {
		// What the permissions let it do, said plainly: the map itself is above, as stored.
		lines.push(['may do', permissionSentence(entry.record['permissions'])]);
		for (const warning of permissionWarnings(entry.record['scopes'], entry.record['permissions'])) {
			lines.push(['warning', warning]);
		}
	}

	const time = entry.lastUse?.time ?? undefined;
	lines.push([
		'last used',
		entry.lastUse?.unreadable
			? 'unknown (the stored last use cannot be read)'
			: time === undefined
				? 'never'
				: `${iso(time)} (${relativeTime(time, now)})`,
	]);
	lines.push(['last used from', displayText(entry.lastUse?.ip ?? '—', 128)]);
	return lines;
}
