import {createRequire} from 'node:module';
import {TokenError} from './errors.js';
import type {RateLimit, Restrictions} from './record.js';
import {SCOPES, isScope} from './scopes.js';

/** Limits from EmailEngine's REST schema (spec §7), applied to every way of issuing a token. */
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

type IpAddr = typeof import('ipaddr.js');
let ipaddrModule: IpAddr | undefined;
/** Loaded on first use: most commands never look at an address, and every start pays for imports. */
const ipaddr = (): IpAddr => (ipaddrModule ??= createRequire(import.meta.url)('ipaddr.js') as IpAddr);

/** Scopes are lower-cased and de-duplicated; none given means all (`*`), as EmailEngine's CLI does. */
export function parseScopes(values: readonly string[]): string[] {
	const scopes: string[] = [];
	for (const raw of values) {
		for (const part of raw.split(',')) {
			const scope = part.trim().toLowerCase();
			if (!isScope(scope)) {
				throw usage(`Unknown scope: ${JSON.stringify(part.trim())} (allowed: ${SCOPES.map(s => `"${s}"`).join(', ')})`);
			}

			if (!scopes.includes(scope)) {
				scopes.push(scope);
			}
		}
	}

	return scopes.length > 0 ? scopes : ['*'];
}

export function parseDescription(value: string | undefined, now: number): string {
	const description = (value ?? '').trim();
	if (description.length > LIMITS.description) {
		throw usage(`Description is longer than ${LIMITS.description} characters`);
	}

	// EmailEngine's CLI names an undescribed token after its creation time.
	return description || `Generated at ${new Date(now).toISOString()}`;
}

/** An account id is any text up to 256 characters (spec §7); empty means an instance-wide token. */
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

/** `--ip`: an IPv4/IPv6 address or a CIDR range, as ipaddr.js (EmailEngine's matcher) reads them. */
export function parseAddress(value: string): string {
	const text = value.trim();
	const ok = text.includes('/') ? isCidr(text) : ipaddr().isValid(text);
	if (!ok) {
		throw usage(`Invalid IP address or CIDR range: ${JSON.stringify(text)}`);
	}

	return text;
}

function isCidr(text: string): boolean {
	try {
		ipaddr().parseCIDR(text);
		return true;
	} catch {
		return false;
	}
}

/** `--referrer`: a glob where `*` is any text; matched against the whole Referer header. */
export function parseReferrer(value: string): string {
	const text = value.trim();
	if (text === '') {
		throw usage('Empty referrer pattern');
	}

	return text;
}

/** `--rate-limit N/SECONDS`: at most N requests per fixed window of SECONDS. */
export function parseRateLimit(value: string): RateLimit {
	const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(?:s|sec|seconds?)?\s*$/i.exec(value);
	const maxRequests = Number(match?.[1]);
	const timeWindow = Number(match?.[2]);
	if (!match || !Number.isSafeInteger(maxRequests) || !Number.isSafeInteger(timeWindow) || maxRequests < 1 || timeWindow < 1) {
		throw usage(`Invalid rate limit ${JSON.stringify(value)}: use REQUESTS/SECONDS, e.g. 100/60`);
	}

	return {maxRequests, timeWindow};
}

export type RestrictionInput = {addresses?: readonly string[]; referrers?: readonly string[]; rateLimit?: string};

/** Only the restrictions that were asked for are written; absent and nil read the same (spec §2). */
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
