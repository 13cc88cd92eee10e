// Over 300 lines for a reason: the review's rules are one table of kinds, levels and sentences,
// and each rule reads best beside the others it is ranked against.
import {familyAllowedWhole} from './address.js';
import {permissionWarnings} from './permissions.js';
import {expiryOf, listField, recordProblem, restrictionsField} from './record-shape.js';
import {type LastUse, type TokenRecord, boundAccountOf, toMillis} from './record.js';
import {isoTime} from './time.js';

/**
 * Review: what about a token is a risk, each as a level and one plain sentence (`ee-tokens review`,
 * and `risk:` in the filter language). Pure: the store gives each token's record, last use and
 * whether its account still exists; this says what is wrong with it. Levels (README "Review"):
 * high: it reaches everything (every scope, or the api scope unnarrowed, on every account);
 * medium: act soon (unused, expiring, bound to a deleted account, restrictions that restrict
 * nothing, a record that cannot work); low: hygiene (no expiry, old, expired but stored, agent tokens).
 */

export type Level = 'high' | 'medium' | 'low';

/** Most severe first: the order findings and reviewed tokens are listed in. */
export const LEVELS: readonly Level[] = ['high', 'medium', 'low'];

export type FindingCode =
	| 'unreadable'
	| 'malformed'
	| 'expired'
	| 'all-scopes'
	| 'instance-wide-api'
	| 'account-deleted'
	| 'allows-everything'
	| 'unusable-scope'
	| 'expiring-soon'
	| 'unused'
	| 'never-used'
	| 'last-use-unreadable'
	| 'older'
	| 'no-expiry'
	| 'mcp-agent';

export type Finding = {code: FindingCode; level: Level; sentence: string};

/**
 * A token as review reports it: its id, its stored description and account as they are (untrusted:
 * presentation sanitises them; the account is null when unbound), and its findings.
 */
export type ReviewedToken = {id: string; description: unknown; account: unknown; findings: readonly Finding[]};

export type ReviewInput = {
	/** The record as decoded; undefined when it cannot be read (then `unreadable` says why). */
	record: TokenRecord | undefined;
	unreadable?: string;
	lastUse?: LastUse | undefined;
	/** Whether the account a token is bound to still exists; undefined when not known (no finding). */
	accountExists?: boolean | undefined;
	now: number;
};

export type ReviewOptions = {
	/** A token last used this many days ago or more is unused (default 90). */
	unusedDays?: number;
	/** A token created this many days ago or more is old (default 365). */
	olderDays?: number;
};

export const DEFAULT_UNUSED_DAYS = 90;
export const DEFAULT_OLDER_DAYS = 365;
/** An expiry this close is said ahead of time. */
export const EXPIRING_SOON_DAYS = 7;

const DAY = 86_400_000;

/** Whole days from `then` to `now` (floor): exactly 90 days is 90. */
const daysSince = (then: number, now: number) => Math.floor((now - then) / DAY);
const days = (count: number) => `${count.toLocaleString('en-US')} day${count === 1 ? '' : 's'}`;
/** `2026-12-04 10:00 UTC`, or undefined for a time no calendar holds. */
const when = (ms: number) => {
	const iso = isoTime(ms);
	return iso === undefined ? undefined : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
};

const finding = (code: FindingCode, level: Level, sentence: string): Finding => ({code, level, sentence});

/**
 * Sentences that do not depend on the token are made once: at 100,000 tokens most findings are
 * these, and every one would otherwise be an object and a string of its own.
 */
const FIXED = {
	allScopesUnbound: finding(
		'all-scopes',
		'high',
		'Has every scope (*) and no account binding: it reaches every mailbox, the metrics and the token routes.',
	),
	noScopeLimitUnbound: finding(
		'all-scopes',
		'high',
		'Has no scopes field, which allows every scope, and no account binding: it reaches every mailbox.',
	),
	allScopesBound: finding('all-scopes', 'medium', 'Has every scope (*) on its account: the API, SMTP, the IMAP proxy and MCP.'),
	noScopeLimitBound: finding('all-scopes', 'medium', 'Has no scopes field, which allows every scope on its account.'),
	instanceWideApi: finding(
		'instance-wide-api',
		'high',
		'Has the api scope on every account with no address, referrer or permission limit: it reaches every mailbox from anywhere.',
	),
	accountDeleted: finding(
		'account-deleted',
		'medium',
		'Is bound to an account that no longer exists; it works again if an account with that id is added.',
	),
	noExpiry: finding('no-expiry', 'low', 'Never expires.'),
	mcpAgent: finding(
		'mcp-agent',
		'low',
		'Is an MCP agent token (issuer mcp-oauth), which EmailEngine issues without an expiry; revoke it when the agent is retired.',
	),
	neverUsedUnknownAge: finding('never-used', 'medium', 'Has never been used.'),
	lastUseUnreadable: finding(
		'last-use-unreadable',
		'low',
		'Its stored last use cannot be read, so when it was last used is unknown; EmailEngine rewrites it on its next request.',
	),
} as const;

/**
 * Findings whose sentence names a number of days, made once per count: a large instance repeats a
 * few hundred. Each kind keeps its own cache keyed by the number alone, as review asks for two of
 * these for nearly every token (a key string made per call was most of review's rule time).
 */
function countedFinding(code: FindingCode, level: Level, sentence: (count: number) => string): (count: number) => Finding {
	const made = new Map<number, Finding>();
	return count => {
		let found = made.get(count);
		if (!found) {
			found = finding(code, level, sentence(count));
			if (made.size < 10_000) {
				made.set(count, found);
			}
		}

		return found;
	};
}

const neverUsedLong = countedFinding('never-used', 'medium', count => `Has never been used in the ${days(count)} since it was created.`);
const neverUsedYet = countedFinding(
	'never-used',
	'low',
	count => `Has not been used yet (created ${count === 0 ? 'today' : `${days(count)} ago`}).`,
);
const unused = countedFinding('unused', 'medium', count => `Has not been used for ${days(count)}.`);
/** Per --older-days, which its sentence names too. */
const olderThan = new Map<number, (count: number) => Finding>();
function older(olderDays: number): (count: number) => Finding {
	let kind = olderThan.get(olderDays);
	if (!kind) {
		kind = countedFinding('older', 'low', count => `Was created ${days(count)} ago, more than ${days(olderDays)}; rotate it.`);
		if (olderThan.size < 100) {
			olderThan.set(olderDays, kind);
		}
	}

	return kind;
}

/** What restrictions there are that narrow who may use the token, and which of them narrow nothing. */
const UNRESTRICTED = Object.freeze({narrows: false, allowsEverything: Object.freeze([]) as unknown as string[]});

function restrictionFacts(record: TokenRecord): {narrows: boolean; allowsEverything: string[]} {
	const restrictions = restrictionsField(record);
	if (!restrictions) {
		// Most tokens (every one EmailEngine's CLI makes) have none: nothing to build.
		return UNRESTRICTED;
	}

	const addresses = restrictions ? listField(restrictions['addresses']) : undefined;
	const referrers = restrictions ? listField(restrictions['referrers']) : undefined;
	const allowsEverything: string[] = [];
	const families = new Set<string>();
	for (const entry of addresses ?? []) {
		const family = typeof entry === 'string' ? familyAllowedWhole(entry) : undefined;
		if (family && !families.has(family)) {
			families.add(family);
			allowsEverything.push(family === 'IPv4' ? 'every IPv4 address (0.0.0.0/0)' : 'every IPv6 address (::/0)');
		}
	}

	// A referrer of nothing but `*` matches every Referer and a request without one (compatibility §6.5).
	if ((referrers ?? []).some(pattern => typeof pattern === 'string' && /^\*+$/.test(pattern))) {
		allowsEverything.push('every referrer (*)');
	}

	// An address list is checked whenever it is there, even empty; a referrer list when it has entries.
	const narrows = addresses !== undefined || (referrers !== undefined && referrers !== null && referrers.length > 0);
	return {narrows, allowsEverything};
}

/** Whether `metadata` is JSON text naming the MCP OAuth issuer (compatibility §2). */
function isMcpAgent(metadata: unknown): boolean {
	// The substring first: most tokens have no metadata, and JSON.parse of a hostile megabyte is not free.
	if (typeof metadata !== 'string' || !metadata.includes('mcp-oauth')) {
		return false;
	}

	try {
		const parsed: unknown = JSON.parse(metadata);
		return typeof parsed === 'object' && parsed !== null && (parsed as Record<string, unknown>)['issuer'] === 'mcp-oauth';
	} catch {
		return false;
	}
}

/**
 * The findings of one token, most severe first. A token that cannot authenticate (a record that
 * cannot be read, a field of the wrong type, an expiry passed) gets only the findings that say why:
 * what it could reach matters once it works again, and a broken token must not fail `--fail-on high`.
 */
export function reviewToken(input: ReviewInput, options: ReviewOptions = {}): Finding[] {
	const {record, now} = input;
	if (!record) {
		return [
			finding(
				'unreadable',
				'medium',
				`Its record cannot be read (${input.unreadable ?? 'unreadable'}), so it can never authenticate; revoke it.`,
			),
		];
	}

	const unusedDays = options.unusedDays ?? DEFAULT_UNUSED_DAYS;
	const olderDays = options.olderDays ?? DEFAULT_OLDER_DAYS;
	const findings: Finding[] = [];
	const problem = recordProblem(record);
	const expires = expiryOf(record);
	const expired = typeof expires === 'number' && now >= expires;
	if (problem !== undefined) {
		findings.push(finding('malformed', 'medium', `Can never authenticate, as EmailEngine refuses it: ${problem}.`));
	}

	if (expired) {
		const date = when(expires);
		findings.push(
			finding('expired', 'low', `Expired${date ? ` on ${date}` : ''} and can no longer be used, but its record is still stored.`),
		);
	}

	if (problem !== undefined || expired) {
		return sortFindings(findings);
	}

	const account = boundAccountOf(record);
	// Not null here: scopes that are no list are a problem, and such a token returned above.
	const scopes = listField(record['scopes']);
	const allScopes = scopes === undefined || scopes?.includes('*') === true;
	const {narrows, allowsEverything} = restrictionFacts(record);
	if (allScopes) {
		findings.push(
			account === undefined
				? scopes === undefined
					? FIXED.noScopeLimitUnbound
					: FIXED.allScopesUnbound
				: scopes === undefined
					? FIXED.noScopeLimitBound
					: FIXED.allScopesBound,
		);
	} else if (
		scopes?.includes('api') &&
		account === undefined &&
		!narrows &&
		(record['permissions'] === undefined || record['permissions'] === null)
	) {
		findings.push(FIXED.instanceWideApi);
	}

	if (account !== undefined && input.accountExists === false) {
		findings.push(FIXED.accountDeleted);
	}

	// A scope the permissions make useless (smtp without send on submit): it was meant to work.
	for (const warning of permissionWarnings(record['scopes'], record['permissions'])) {
		findings.push(finding('unusable-scope', 'medium', `${warning}.`));
	}

	if (allowsEverything.length > 0) {
		findings.push(finding('allows-everything', 'medium', `Its restrictions let through ${allowsEverything.join(', ')}.`));
	}

	if (typeof expires === 'number' && expires - now <= EXPIRING_SOON_DAYS * DAY) {
		findings.push(finding('expiring-soon', 'medium', `Expires within ${EXPIRING_SOON_DAYS} days, on ${when(expires)}.`));
	}

	const created = toMillis(record['created']);
	const lastUsed = input.lastUse?.time ?? undefined;
	if (input.lastUse?.unreadable) {
		findings.push(FIXED.lastUseUnreadable);
	} else if (lastUsed === undefined) {
		if (created === undefined) {
			findings.push(FIXED.neverUsedUnknownAge);
		} else {
			const age = Math.max(0, daysSince(created, now));
			findings.push(age >= unusedDays ? neverUsedLong(age) : neverUsedYet(age));
		}
	} else if (daysSince(lastUsed, now) >= unusedDays) {
		findings.push(unused(daysSince(lastUsed, now)));
	}

	if (created !== undefined && daysSince(created, now) >= olderDays) {
		findings.push(older(olderDays)(daysSince(created, now)));
	}

	const agent = isMcpAgent(record['metadata']);
	if (agent) {
		findings.push(FIXED.mcpAgent);
	} else if (expires === undefined) {
		findings.push(FIXED.noExpiry);
	}

	return sortFindings(findings);
}

const RANKS: Readonly<Record<Level, number>> = {high: 0, medium: 1, low: 2};
const rank = (level: Level) => RANKS[level];

/**
 * Most severe first; findings of one level keep the order reviewToken made them in (a stable sort).
 * Most lists are in that order already, and a sort with a comparator costs more than this look.
 */
function sortFindings(findings: Finding[]): Finding[] {
	for (let index = 1; index < findings.length; index++) {
		if (rank(findings[index]!.level) < rank(findings[index - 1]!.level)) {
			return findings.sort((a, b) => rank(a.level) - rank(b.level));
		}
	}

	return findings;
}

/** The most severe level among findings, or undefined for none. */
export function highestLevel(findings: readonly Finding[]): Level | undefined {
	let highest: Level | undefined;
	for (const {level} of findings) {
		if (highest === undefined || rank(level) < rank(highest)) {
			highest = level;
		}
	}

	return highest;
}

/** Whether `level` is `threshold` or more severe (`--fail-on`, `risk:`). */
export const atLeast = (level: Level | undefined, threshold: Level): boolean => level !== undefined && rank(level) <= rank(threshold);

export const isLevel = (value: string): value is Level => (LEVELS as readonly string[]).includes(value);

/**
 * Reviewed tokens most severe first (by their highest level), tokens of one level in the order
 * given (the listing's, id descending), those without findings last. In place. `levelOf` is for a
 * caller that has each token's highest level already.
 */
export function sortBySeverity<T extends {findings: readonly Finding[]}>(
	tokens: T[],
	levelOf: (token: T) => Level | undefined = token => highestLevel(token.findings),
): T[] {
	// One bucket per level (and one for none), filled in order: stable, and linear at 100,000 tokens.
	const buckets: T[][] = [[], [], [], []];
	for (const token of tokens) {
		const highest = levelOf(token);
		buckets[highest === undefined ? LEVELS.length : rank(highest)]!.push(token);
	}

	tokens.length = 0;
	for (const bucket of buckets) {
		for (const token of bucket) {
			tokens.push(token);
		}
	}

	return tokens;
}
