// Over 300 lines for a reason: what every decision-making field of a stored record means when it
// holds the wrong type, for the server, the listings and import alike: one owner, read together.
import {isPlainMap} from './msgpack.js';
import {permissionAxes} from './permissions.js';
import {type RateLimit, type TokenRecord, boundAccountOf, toMillis} from './record.js';
import {SCOPES} from './scopes.js';
import {parseAddress} from './address.js';
import {LIMITS} from './validation.js';

/**
 * What the fields that decide what a token may do mean when a stored record holds something of the
 * wrong type in them. EmailEngine reads fields with JavaScript truthiness (compatibility §2), so there a
 * broken field can widen a token or fail the request with a 500 (compatibility §2). Here absent and nil
 * are the only "not set" (plus the documented never-expires values), and anything else of the
 * wrong type refuses. One owner for the server's checks, the listings' "unusable" marks and the
 * stricter rules an import applies (importProblem).
 */

/**
 * `expires` as a time in ms: undefined when the token never expires (absent, nil, 0, or '':
 * compatibility §1.8, §2), null when the field is no time at all (a numeric string, `true`, a map…): the server
 * refuses such a token as it refuses an expired one (compatibility §2).
 */
export const expiryOf = (record: TokenRecord): number | null | undefined => timeOrNever(record['expires']);

function timeOrNever(value: unknown): number | null | undefined {
	if (value === undefined || value === null || value === 0 || value === '') {
		return undefined;
	}

	return toMillis(value) ?? null;
}

/** A list field (scopes, addresses, referrers): undefined when absent or nil, null when it is not a list. */
export const listField = (value: unknown): readonly unknown[] | null | undefined =>
	value === undefined || value === null ? undefined : Array.isArray(value) ? value : null;

/** `restrictions`: undefined when absent or nil, null when it is not a map. */
export function restrictionsField(record: TokenRecord): Record<string, unknown> | null | undefined {
	const value = record['restrictions'];
	if (value === undefined || value === null) {
		return undefined;
	}

	return isPlainMap(value) ? value : null;
}

/** EmailEngine's window when `timeWindow` is absent (compatibility §6.6). */
const DEFAULT_RATE_WINDOW = 180;

const isSafePositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * `restrictions.rateLimit` as the limit the server applies: undefined when absent or nil (no limit).
 * Only a safe positive integer is a limit: a `maxRequests` that is anything else ("Infinity",
 * "1e9", true, [5], 1.5, 0, missing) admits no request (maxRequests 0) instead of being read with
 * Number(), which would lift the limit; so does a `timeWindow` that is present and anything else.
 * An absent or nil `timeWindow` is EmailEngine's 180 seconds. A rateLimit that is not a map at all
 * limits like a missing maxRequests (compatibility §2, §6.6).
 */
export function rateLimitOf(value: unknown): RateLimit | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	const {maxRequests, timeWindow} = isPlainMap(value) ? value : {maxRequests: undefined, timeWindow: undefined};
	const windowOk = timeWindow === undefined || timeWindow === null || isSafePositiveInteger(timeWindow);
	return {
		maxRequests: windowOk && isSafePositiveInteger(maxRequests) ? maxRequests : 0,
		timeWindow: isSafePositiveInteger(timeWindow) ? timeWindow : DEFAULT_RATE_WINDOW,
	};
}

/** Why a stored rateLimit admits no request (rateLimitOf), in recordProblem's words. */
function rateLimitProblems(value: unknown): string[] {
	if (value === undefined || value === null) {
		return [];
	}

	if (!isPlainMap(value)) {
		return [`restrictions.rateLimit is ${kindOf(value)}, not a map`];
	}

	const problems: string[] = [];
	if (!isSafePositiveInteger(value['maxRequests'])) {
		problems.push(`restrictions.rateLimit.maxRequests is ${kindOf(value['maxRequests'])}, not a positive integer`);
	}

	const timeWindow = value['timeWindow'];
	if (timeWindow !== undefined && timeWindow !== null && !isSafePositiveInteger(timeWindow)) {
		problems.push(`restrictions.rateLimit.timeWindow is ${kindOf(timeWindow)}, not a positive integer`);
	}

	return problems;
}

/** How a value of the wrong type is named in a message, without echoing the value itself. */
export function kindOf(value: unknown): string {
	if (Array.isArray(value)) {
		return 'a list';
	}

	if (value instanceof Uint8Array) {
		return 'binary data';
	}

	if (value instanceof Date) {
		return 'a date';
	}

	if (isPlainMap(value)) {
		return 'a map';
	}

	switch (typeof value) {
		case 'string': {
			return 'text';
		}

		case 'number': {
			return Number.isFinite(value) ? 'a number' : 'not a number';
		}

		case 'boolean': {
			return value ? 'true' : 'false';
		}

		default: {
			return 'nil';
		}
	}
}

/**
 * Why a readable record can never authenticate (every field of the wrong type, in one line), or
 * undefined when the fields that decide what it may do are all of their type: the server refuses every request on such a token, so listings
 * mark it. An integer account is one of these: EmailEngine's CLI writes them (`-a 12345`), and
 * neither EmailEngine nor this server ever matches one (compatibility §2).
 */
export function recordProblem(record: TokenRecord): string | undefined {
	const problems = [accountProblem(record['account']), scopesProblem(record['scopes']), expiresProblem(record['expires'])];
	const restrictions = restrictionsField(record);
	if (restrictions === null) {
		problems.push(`restrictions is ${kindOf(record['restrictions'])}, not a map`);
	}

	for (const key of ['addresses', 'referrers'] as const) {
		if (restrictions && listField(restrictions[key]) === null) {
			problems.push(`restrictions.${key} is ${kindOf(restrictions[key])}, not a list`);
		}
	}

	problems.push(...rateLimitProblems(restrictions?.['rateLimit']));

	const permissions = record['permissions'];
	if (permissions !== undefined && permissions !== null && !permissionAxes(permissions)) {
		problems.push('permissions is malformed');
	}

	return joinProblems(problems);
}

/** Every problem of a record, in one line, in recordProblem's order; undefined when there is none. */
export function joinProblems(problems: ReadonlyArray<string | undefined>): string | undefined {
	const named = problems.filter(problem => problem !== undefined);
	return named.length === 0 ? undefined : named.join(PROBLEM_SEPARATOR);
}

const PROBLEM_SEPARATOR = '; ';

/** The problem of a record that cannot be read at all (a listing shows it as a row of its own). */
export const unreadableProblem = (reason: string): string => `record cannot be read: ${reason}`;

/** The fields a problem line (recordProblem, unreadableProblem) is about: the cells that say so. */
export type ProblemField = 'record' | 'account' | 'scopes' | 'expires' | 'restrictions' | 'permissions';

export function problemIsAbout(problem: string | undefined, field: ProblemField): boolean {
	return (
		problem !== undefined && problem.split(PROBLEM_SEPARATOR).some(part => part.startsWith(`${field} `) || part.startsWith(`${field}.`))
	);
}

/**
 * The problems of single fields, given their stored values, in recordProblem's words: the
 * listing's fast reader (summary.ts) names them without building a record.
 */
export const accountProblem = (account: unknown): string | undefined =>
	boundAccountOf({account}) === null ? `account is ${kindOf(account)}, which no request names` : undefined;

export const scopesProblem = (scopes: unknown): string | undefined =>
	listField(scopes) === null ? `scopes is ${kindOf(scopes)}, not a list` : undefined;

export const expiresProblem = (expires: unknown): string | undefined =>
	timeOrNever(expires) === null ? `expires is ${kindOf(expires)}, not a time` : undefined;

const isAbsent = (value: unknown) => value === undefined || value === null;
const isText = (value: unknown, max: number) => typeof value === 'string' && value.length <= max;

/** An IP address or CIDR range exactly as ipaddr.js reads it, and as `issue --ip` takes it. */
function isAddressOrRange(value: unknown, range: boolean): boolean {
	if (typeof value !== 'string' || value.length > LIMITS.restrictionEntryLength || (!range && value.includes('/'))) {
		return false;
	}

	try {
		return parseAddress(value) === value;
	} catch {
		return false;
	}
}

/** The problem with a list of restriction entries, or undefined when each one passes `valid`. */
function entriesProblem(
	path: string,
	value: unknown,
	valid: (entry: unknown) => boolean,
	[one, many]: [string, string],
): string | undefined {
	if (isAbsent(value)) {
		return undefined;
	}

	if (!Array.isArray(value)) {
		return `"${path}" must be a list of ${many}`;
	}

	if (value.length > LIMITS.restrictionEntries) {
		return `"${path}" has more than ${LIMITS.restrictionEntries} entries`;
	}

	const bad = value.findIndex(entry => !valid(entry));
	return bad === -1 ? undefined : `"${path}[${bad}]" is not ${one}`;
}

const RESTRICTION_KEYS = new Set(['referrers', 'addresses', 'rateLimit']);

function restrictionsProblem(value: unknown): string | undefined {
	if (isAbsent(value)) {
		return undefined;
	}

	if (!isPlainMap(value)) {
		return '"restrictions" must be a map';
	}

	const unknown = Object.keys(value).find(key => !RESTRICTION_KEYS.has(key));
	if (unknown !== undefined) {
		// The key is the string's, so it is not repeated: only that there is one.
		return '"restrictions" has a key other than referrers, addresses and rateLimit';
	}

	const rateLimit = value['rateLimit'];
	const rateLimitOk =
		isAbsent(rateLimit) ||
		(isPlainMap(rateLimit) &&
			Object.keys(rateLimit).length === 2 &&
			isSafePositiveInteger(rateLimit['maxRequests']) &&
			isSafePositiveInteger(rateLimit['timeWindow']));
	return (
		entriesProblem(
			'restrictions.referrers',
			value['referrers'],
			entry => typeof entry === 'string' && entry.trim() !== '' && entry.length <= LIMITS.restrictionEntryLength,
			['a referrer pattern', 'referrer patterns'],
		) ??
		entriesProblem('restrictions.addresses', value['addresses'], entry => isAddressOrRange(entry, true), [
			'an IP address or CIDR range',
			'IP addresses or CIDR ranges',
		]) ??
		(rateLimitOk ? undefined : '"restrictions.rateLimit" must be {maxRequests, timeWindow}, two positive integers')
	);
}

/**
 * Why an export string's fields cannot be imported, or undefined when every known field has the
 * shape EmailEngine's own writers give it: its REST schema's types and limits (compatibility §7),
 * plus the integer account its CLI writes. EmailEngine's import takes anything with an id
 * (compatibility §3.3); this one refuses what would be stored broken, widened or unusable, and keeps unknown keys.
 */
export function importProblem(fields: TokenRecord): string | undefined {
	const {created, expires, account, description, metadata, ip, remoteAddress, scopes, restrictions, permissions} = fields;
	if (!isAbsent(created) && toMillis(created) === undefined) {
		return '"created" must be a date';
	}

	if (!isAbsent(expires) && toMillis(expires) === undefined) {
		return '"expires" must be a date';
	}

	if (!isAbsent(account) && !isText(account, LIMITS.account) && !Number.isSafeInteger(account)) {
		return typeof account === 'string' ? `"account" is longer than ${LIMITS.account} characters` : '"account" must be text';
	}

	if (!isAbsent(description) && !isText(description, LIMITS.description)) {
		return typeof description === 'string' ? `"description" is longer than ${LIMITS.description} characters` : '"description" must be text';
	}

	if (!isAbsent(metadata) && !isText(metadata, LIMITS.metadata)) {
		return typeof metadata === 'string' ? `"metadata" is longer than ${LIMITS.metadata} characters` : '"metadata" must be text';
	}

	for (const [key, value] of [
		['ip', ip],
		['remoteAddress', remoteAddress],
	] as const) {
		if (!isAbsent(value) && !isAddressOrRange(value, false)) {
			return `"${key}" must be an IP address`;
		}
	}

	if (!isAbsent(scopes) && !(Array.isArray(scopes) && scopes.every(scope => (SCOPES as readonly unknown[]).includes(scope)))) {
		return `"scopes" must be a list of ${SCOPES.map(scope => `"${scope}"`).join(', ')}`;
	}

	return (
		restrictionsProblem(restrictions) ?? (isAbsent(permissions) || permissionAxes(permissions) ? undefined : '"permissions" is malformed')
	);
}
