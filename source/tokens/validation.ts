import {familyAllowedWhole, parseAddress} from './address.js';
import {TokenError} from './errors.js';
import type {RateLimit, Restrictions} from './record.js';
import {SCOPES, type Scope, isScope} from './scopes.js';
import {quoteTyped} from './typed-text.js';

/** Limits from EmailEngine's REST schema (compatibility §7), applied to every way of issuing a token. */
export const LIMITS = {
	description: 1024,
	account: 256,
	/** The listing's search text. */
	query: 1024,
	metadata: 1024 * 1024,
	restrictionEntries: 256,
	restrictionEntryLength: 1024,
} as const;

const usage = (message: string) => new TokenError('usage', message);

/** Scopes are lower-cased and de-duplicated; none given means all (`*`), as EmailEngine's CLI does. */
export function parseScopes(values: readonly string[]): string[] {
	const scopes: string[] = [];
	for (const raw of values) {
		for (const part of raw.split(',')) {
			const scope = part.trim().toLowerCase();
			if (scope === '') {
				// `-s api,` or `-s ,`: an empty item is not "all scopes".
				throw usage(`Empty scope in ${quoteTyped(raw)} (allowed: ${SCOPES.map(s => `"${s}"`).join(', ')})`);
			}

			if (!isScope(scope)) {
				throw usage(`Unknown scope: ${quoteTyped(part.trim())} (allowed: ${SCOPES.map(s => `"${s}"`).join(', ')})`);
			}

			if (!scopes.includes(scope)) {
				scopes.push(scope);
			}
		}
	}

	return scopes.length > 0 ? scopes : ['*'];
}

/**
 * The scope a listing is filtered by (`list --scope`, `export --all --scope`): one known scope, in
 * any case. An unknown one is refused: a typo must not print an empty listing that passes for
 * "no token has this scope".
 */
export function parseScopeFilter(value: string | undefined): Scope | undefined {
	if (value === undefined) {
		return undefined;
	}

	const scope = value.trim().toLowerCase();
	if (!isScope(scope)) {
		throw usage(`Unknown scope: ${quoteTyped(value.trim())} (allowed: ${SCOPES.map(s => `"${s}"`).join(', ')})`);
	}

	return scope;
}

export function parseDescription(value: string | undefined, now: number): string {
	const description = (value ?? '').trim();
	if (description.length > LIMITS.description) {
		throw usage(`Description is longer than ${LIMITS.description} characters`);
	}

	// EmailEngine's CLI names an undescribed token after its creation time.
	return description || `Generated at ${new Date(now).toISOString()}`;
}

/** An account id is any text up to 256 characters (compatibility §7); empty means an instance-wide token. */
export function parseAccount(value: string | undefined): string | undefined {
	const account = (value ?? '').trim();
	if (account.length > LIMITS.account) {
		throw usage(`Account id is longer than ${LIMITS.account} characters`);
	}

	return account || undefined;
}

function checkListSize(kind: string, values: readonly string[]): void {
	if (values.length > LIMITS.restrictionEntries) {
		throw usage(`Too many ${kind} entries (at most ${LIMITS.restrictionEntries})`);
	}

	const long = values.find(value => value.length > LIMITS.restrictionEntryLength);
	if (long !== undefined) {
		throw usage(`A ${kind} entry is longer than ${LIMITS.restrictionEntryLength} characters`);
	}
}

/**
 * `--referrer`: a glob where `*` is any text, matched case-sensitively against the whole Referer
 * header. A header never holds whitespace or control characters, so a pattern with them could
 * only ever refuse; it is refused here instead, where the typo can be seen.
 */
export function parseReferrer(value: string): string {
	const text = value.trim();
	if (text === '') {
		throw usage('Empty referrer pattern');
	}

	// eslint-disable-next-line no-control-regex
	if (/[\s\u0000-\u001F\u007F-\u009F]/.test(text)) {
		throw usage(`Invalid referrer pattern ${quoteTyped(text)}: a Referer never contains spaces or control characters`);
	}

	return text;
}

/**
 * The largest count and window: the API server's rate-limit window stops at 2^31-1 seconds (a
 * Redis EXPIRE a 32-bit client can set), so a larger one would not mean what was typed.
 */
const RATE_LIMIT_MAX = 2_147_483_647;

/**
 * `--rate-limit N/SECONDS`: at most N requests per fixed window of SECONDS. Plain decimal digits
 * only (Number() would read 1e3 and 0x10), each from 1 to 2147483647.
 */
export function parseRateLimit(value: string): RateLimit {
	const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(?:s|sec|seconds?)?\s*$/i.exec(value);
	const maxRequests = Number(match?.[1]);
	const timeWindow = Number(match?.[2]);
	const inRange = (number: number) => Number.isSafeInteger(number) && number >= 1 && number <= RATE_LIMIT_MAX;
	if (!match || !inRange(maxRequests) || !inRange(timeWindow)) {
		throw usage(
			`Invalid rate limit ${quoteTyped(value.trim())}: use REQUESTS/SECONDS in decimal digits, e.g. 100/60, each from 1 to ${RATE_LIMIT_MAX}`,
		);
	}

	return {maxRequests, timeWindow};
}

export type RestrictionInput = {addresses?: readonly string[]; referrers?: readonly string[]; rateLimit?: string};

/** Only the restrictions that were asked for are written; absent and nil read the same (compatibility §2). */
export function parseRestrictions(input: RestrictionInput): Restrictions | undefined {
	const restrictions: Restrictions = {};
	if (input.referrers && input.referrers.length > 0) {
		checkListSize('referrer', input.referrers);
		restrictions.referrers = input.referrers.map(parseReferrer);
	}

	if (input.addresses && input.addresses.length > 0) {
		checkListSize('IP', input.addresses);
		restrictions.addresses = input.addresses.map(parseAddress);
	}

	if (input.rateLimit !== undefined && input.rateLimit !== '') {
		restrictions.rateLimit = parseRateLimit(input.rateLimit);
	}

	return Object.keys(restrictions).length > 0 ? restrictions : undefined;
}

/**
 * What a person should know before issuing with these restrictions: entries that are accepted but
 * restrict nothing. Both front ends show these sentences (the CLI on stderr, the wizard's review).
 */
export function restrictionWarnings(restrictions: Restrictions | undefined): string[] {
	const warnings: string[] = [];
	for (const entry of restrictions?.addresses ?? []) {
		const family = familyAllowedWhole(entry);
		if (family) {
			warnings.push(`IP allowlist entry ${entry} allows every ${family} address`);
		}
	}

	for (const pattern of restrictions?.referrers ?? []) {
		if (/^\*+$/.test(pattern)) {
			warnings.push(`Referrer pattern ${pattern} allows every request, even one without a Referer`);
		}
	}

	return warnings;
}

/**
 * `edit --metadata`: JSON text of at most 1 MiB, stored as typed (EmailEngine's REST rule and
 * message, compatibility §7).
 */
export function parseMetadata(value: string): string {
	if (value.length > LIMITS.metadata) {
		throw usage(`Metadata is longer than ${LIMITS.metadata} characters`);
	}

	try {
		JSON.parse(value);
	} catch {
		throw usage('Metadata must be a valid JSON string');
	}

	return value;
}
