import type {Level} from './findings.js';
import {problemIsAbout, recordProblem, unreadableProblem} from './record-shape.js';
import {describeScopes} from './scopes.js';
import {type LastUse, type TokenRecord, accountOf, expiredAt, scopesOf, stringField, toMillis} from './record.js';

/**
 * What a token table shows of one token: the fields of its row, nothing else. A screen of 100,000
 * rows keeps these instead of whole records (metadata, restrictions…), and they are read straight
 * out of the msgpack bytes without building the record: the listing's hot path. The whole record
 * is read again when someone opens one token.
 */
export type TokenSummary = {
	id: string;
	/** Non-empty string or undefined (stringField). */
	description: string | undefined;
	/** A string, or an integer account as text (accountOf). */
	account: string | undefined;
	/** The string members of `scopes`, or undefined when the record has no scopes array (scopesOf). */
	scopes: readonly string[] | undefined;
	/** Milliseconds (toMillis). */
	created: number | undefined;
	expires: number | undefined;
	/** Milliseconds of the last authenticated request; undefined when never used (lastUsedTime). */
	lastUsed: LastUsed;
	/**
	 * Why the token can never authenticate (a field of the wrong type: recordProblem), for a mark
	 * in tables; undefined for a usable token.
	 */
	problem: string | undefined;
	/**
	 * What review needs of the record beyond the fields above (tokens/summary-risk.ts), kept only
	 * by the reader and only for the few records that have it: restrictions, permissions or
	 * metadata (the whole record when it has a problem). Undefined for the plain record EmailEngine's
	 * CLI writes, whose review the fields above say whole. Never packed for another thread.
	 */
	review: TokenRecord | undefined;
	/**
	 * The most severe review finding's level (null: none), once a listing asked for it
	 * (listing.ts withRisk); undefined when not reckoned.
	 */
	risk: Level | null | undefined;
};

/** The fields review reads that a summary does not hold: restrictions, permissions, metadata (and odd times, below). */
const REVIEW_ONLY_FIELDS = ['restrictions', 'permissions', 'metadata'] as const;

/** Review reads metadata for the MCP issuer alone (findings.ts); the reader keeps it only when it may name it. */
export const MCP_ISSUER = 'mcp-oauth';

/** A last use that is stored but says no time (LastUse.unreadable): not "never used". */
export const UNREADABLE_TIME = 'unreadable';

/** When a token was last used: milliseconds, undefined for never, or unknown (UNREADABLE_TIME). */
export type LastUsed = number | undefined | typeof UNREADABLE_TIME;

/** The last use a summary's time stands for, as the review reads it. */
export const lastUseOfSummary = (lastUsed: LastUsed): LastUse | undefined =>
	lastUsed === UNREADABLE_TIME ? {time: null, ip: null, unreadable: true} : lastUsed === undefined ? undefined : {time: lastUsed, ip: null};
const mayNameMcpIssuer = (metadata: unknown) => typeof metadata === 'string' && metadata.includes(MCP_ISSUER);

function reviewFieldsOf(record: TokenRecord, problem: string | undefined): TokenRecord | undefined {
	if (problem !== undefined) {
		return record;
	}

	let fields: TokenRecord | undefined;
	for (const field of REVIEW_ONLY_FIELDS) {
		if (record[field] !== undefined && record[field] !== null && (field !== 'metadata' || mayNameMcpIssuer(record[field]))) {
			fields ??= {};
			fields[field] = record[field];
		}
	}

	// A time stored as a Date is kept as stored (the epoch's Date(0) is an expiry, the number 0 is
	// none), so review reads what EmailEngine reads.
	for (const field of ['created', 'expires'] as const) {
		if (record[field] instanceof Date) {
			fields ??= {};
			fields[field] = record[field];
		}
	}

	return fields;
}

/** The summary of a record already decoded: the reference the fast reader below must agree with. */
export function summaryOf(id: string, record: TokenRecord, lastUse?: LastUse): TokenSummary {
	const problem = recordProblem(record);
	return {
		id,
		description: stringField(record, 'description'),
		account: accountOf(record),
		scopes: scopesOf(record),
		created: toMillis(record['created']),
		expires: toMillis(record['expires']),
		lastUsed: lastUse?.unreadable ? UNREADABLE_TIME : (lastUse?.time ?? undefined),
		problem,
		review: reviewFieldsOf(record, problem),
		risk: undefined,
	};
}

/**
 * The row of a record that cannot be read at all (nested too deep, too large, not a map): nothing
 * of it but its id, and why. Tables list it, so it can be seen and revoked like any other.
 */
export const unreadableSummary = (id: string, reason: string): TokenSummary => emptySummary(id, undefined, unreadableProblem(reason));

/** A summary with nothing known but its id (every field present, so every summary has one shape). */
export const emptySummary = (id: string, lastUsed: LastUsed, problem: string | undefined): TokenSummary => ({
	id,
	description: undefined,
	account: undefined,
	scopes: undefined,
	created: undefined,
	expires: undefined,
	lastUsed,
	problem,
	review: undefined,
	risk: undefined,
});

/** Compatibility §1.8 on a summary: expired when `expires` is truthy and now >= expires. */
export const summaryExpired = (summary: TokenSummary, now: number): boolean => expiredAt(summary.expires, now);

/**
 * The words of a row's Description, Scopes and Account cells before sanitising (format/columns.ts
 * shows them through displayText): one owner for what a row says, so that the filter language's
 * plain words (query.ts) find what the table shows and nothing it does not.
 */
const MALFORMED = 'malformed';
/** Nothing of a record that cannot be read is known but its id: its cells say so, not a default. */
const UNKNOWN = '—';
const unknown = (token: TokenSummary) => problemIsAbout(token.problem, 'record');

export const shownDescription = (token: TokenSummary): string => (unknown(token) ? '(record cannot be read)' : (token.description ?? ''));

export const shownScopes = (token: TokenSummary): string =>
	unknown(token) ? UNKNOWN : problemIsAbout(token.problem, 'scopes') ? MALFORMED : describeScopes(token.scopes);

export function shownAccount(token: TokenSummary): string {
	if (unknown(token)) {
		return UNKNOWN;
	}

	if (problemIsAbout(token.problem, 'account')) {
		// A summary keeps an account only when it is text or a number: here, a number, which
		// EmailEngine's CLI writes (`-a 12345`) and no request ever names (compatibility §2).
		return token.account === undefined ? MALFORMED : `${token.account} (a number)`;
	}

	return token.account ?? 'all accounts';
}

/** Whitespace collapsed and lower case, so "My  Token" finds "my token" (compatibility §7 listing search). */
export const normaliseQuery = (text: string): string => text.replaceAll(/\s+/g, ' ').trim().toLowerCase();

/**
 * A capital dotted İ lower-cases to i and a combining dot above (U+0307), so "izmir" would never
 * find İZMİR: the filter language (not EmailEngine's listing search, which `serve` keeps as it is)
 * folds the pair to a plain i, in the rows' text and in what is typed alike.
 */
const foldDottedI = (lower: string) => (lower.includes('\u0307') ? lower.replaceAll('i\u0307', 'i') : lower);

/** A plain word or phrase of the filter language as it is searched for (normaliseQuery, dotted i folded). */
export const normaliseWord = (text: string): string => foldDottedI(normaliseQuery(text));

// Any whitespace but a single inner space: only then is the regex replace worth its cost.
const NEEDS_NORMALISING = /[^\S ]| {2}|^ | $/;
const normalised = (text: string) => {
	const lower = text.toLowerCase();
	return NEEDS_NORMALISING.test(lower) ? normaliseQuery(lower) : lower;
};
const normalisedShown = (text: string) => foldDottedI(normalised(text));

/**
 * What the app's `/` and `list --query` search with their plain words (query.ts): the Description,
 * Scopes and Account cells as the table shows them, each normalised, joined by a newline so that a
 * phrase never spans two cells. Not the id, which the app never shows (query.ts matches a whole id
 * on its own).
 */
export const visibleTextOf = (summary: TokenSummary): string => visibleCellsOf(summary).join('\n');

/**
 * The three parts of visibleTextOf(), Description, Scopes and Account. A normalised query word has
 * no newline, so the joined text includes a word exactly when one of these does: a table can search
 * them where it keeps them (store/summary-table.ts) instead of joining a string per row.
 */
export const visibleCellsOf = (summary: TokenSummary): [description: string, scopes: string, account: string] => [
	normalisedShown(shownDescription(summary)),
	normalisedShown(shownScopes(summary)),
	normalisedShown(shownAccount(summary)),
];

/**
 * Of a run of descriptions and accounts stored one after the other (`text`, cell `index` ending at
 * `ends[index]`), the cells that are not their visible cell lower-cased character for character:
 * any character outside printable ASCII (lower-casing it can change the length, or depend on the
 * next character, as Greek capital sigma does), or whitespace for normalised() to collapse. The
 * others can be searched in a lower-cased copy of the run at the same offsets. One regular
 * expression scan of the run, not a loop over its characters: 1,000,000 rows in tens of
 * milliseconds.
 */
export function cellsNotLoweredInPlace(text: string, ends: ArrayLike<number>): Set<number> {
	const found = new Set<number>();
	let cell = 0;
	for (const match of text.matchAll(/[^ -~]| {2}/g)) {
		while (ends[cell]! <= match.index) {
			cell++;
		}

		found.add(cell);
		// A double space at the end of a cell is also a space at the start of the next one (found below).
	}

	for (let index = 0, start = 0; index < ends.length; start = ends[index]!, index++) {
		const end = ends[index]!;
		if (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(end - 1) === 32)) {
			found.add(index);
		}
	}

	return found;
}

/** A summary's visible text as matchesQuery() asks for it, a word at a time: made once, at the first word. */
export function showsOf(summary: TokenSummary): (word: string) => boolean {
	let text: string | undefined;
	return word => (text ??= visibleTextOf(summary)).includes(word);
}

/**
 * What EmailEngine's listing search (the REST route of `serve`, `export --all --query`) looks in besides the id: description and
 * account, each normalised, joined by a newline (and the normalised id first, in the rare case it
 * differs from the id). A normalised query has no newline, so a match never spans two fields, as
 * in EmailEngine, which matches each field on its own. The id itself is not copied in: a table
 * keeps one of these per row, and 64 characters each is 7 MB at 100,000 tokens.
 */
export function searchTextOf(summary: TokenSummary): string {
	const id = normalised(summary.id);
	// join() builds one flat string; a template literal would leave a rope for the first search to flatten.
	const fields = [normalised(summary.description ?? ''), normalised(summary.account ?? '')];
	return (id === summary.id ? fields : [id, ...fields]).join('\n');
}

/** Whether a summary matches a normalised query, given its searchTextOf(). */
export const matchesSearch = (summary: TokenSummary, searchText: string, needle: string): boolean =>
	searchText.includes(needle) || summary.id.includes(needle);
