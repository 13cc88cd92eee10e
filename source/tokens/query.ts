// Over 300 lines for a reason: the grammar, every term and the matcher are one language, read best together.
import {TokenError} from './errors.js';
import {durationMs, isoInstant} from './expiry.js';
import {atLeast, isLevel} from './findings.js';
import {SCOPES, isScope} from './scopes.js';
import {type TokenSummary, normaliseWord, summaryExpired, showsOf} from './summary.js';
import {quoteTyped} from './typed-text.js';
import {isIdPrefix} from './raw-token.js';
import {LIMITS} from './validation.js';

/**
 * The filter language of `list --query`, the app's `/` and revoke by query: plain words, which
 * find what a row shows (visibleTextOf: description, scopes and account as the table writes them),
 * and `key:value` terms about facts (scope, account, expiry, last use, creation), all combined
 * with AND. A term that cannot be read is a usage error naming it, never a silent empty result.
 *
 * The REST listing of `serve` does NOT use this: it keeps EmailEngine's own search (a substring of
 * id, description or account: summary.ts matchesSearch, compatibility §7).
 *
 * Plain words do not search inside the id: a short hex word finding rows for no visible reason was
 * the bug this replaced. The id as tables show it (its first 12 characters: `list`, and the app when
 * wide) does find its token: a word that is an id prefix as `show -t` takes one (isIdPrefix, 8 or
 * more hex characters) and has a letter in it. Digits alone are a date, a ticket or a numeric
 * account far more often than an id, and `revoke --query` must not take a token for one. A word
 * that IS a whole id (pasted from a log) finds its token too, whatever its case.
 */

/** Whether a summary passes one term, at `now` (relative terms are measured from it). */
type Test = (summary: TokenSummary, now: number) => boolean;

export type TokenQuery = {
	/** The query as typed. */
	readonly text: string;
	/** Plain words and quoted phrases, normalised (normaliseWord): each must be in the visible text. */
	readonly words: readonly string[];
	/** The key:value terms, each as typed and as its test. */
	readonly terms: ReadonlyArray<{readonly source: string; readonly test: Test}>;
	/**
	 * The query asks for expired tokens (`is:expired`), which listings hide by default: a listing
	 * given it includes them rather than answering "nothing".
	 */
	readonly wantsExpired: boolean;
	/** The query has a `risk:` term: a listing given it reckons each row's risk (summary.risk). */
	readonly wantsRisk: boolean;
};

const usage = (message: string) => new TokenError('usage', message);

type Compare = {op: '<' | '>'; duration: number} | {op: '<' | '>'; instant: number};

/**
 * `<90d`, `>2026-01-01`: an operator, then a duration or (when `dates`) an ISO date or date-time
 * of EXPIRY_RULE's grammar. `term` is the whole term as typed, for the error.
 */
function parseCompare(term: string, value: string, dates: boolean): Compare {
	const op = value[0];
	const rest = value.slice(1);
	const example = `${term.slice(0, term.length - value.length)}>90d`;
	const what = dates ? 'a duration (90d, 12h, 2w, 1y) or a date (2026-01-01)' : 'a duration (90d, 12h, 2w, 1y)';
	if (op !== '<' && op !== '>') {
		throw usage(`Filter term ${quoteTyped(term)} needs < or > before ${what}, e.g. ${example}`);
	}

	const duration = durationMs(rest);
	if (duration !== undefined) {
		return {op, duration};
	}

	const invalid = (why: string) => usage(`Filter term ${quoteTyped(term)}: ${why}`);
	const instant = dates && rest !== '' ? isoInstant(rest, invalid) : undefined;
	if (instant === undefined) {
		throw usage(`Filter term ${quoteTyped(term)} needs ${what} after ${op}`);
	}

	return {op, instant};
}

/** Whether `time` is before (<) or after (>) the instant. */
const onTimeline = (time: number, op: '<' | '>', instant: number) => (op === '<' ? time < instant : time > instant);

const IS_STATES: Record<string, Test> = {
	expired: (summary, now) => summaryExpired(summary, now),
	bound: summary => summary.account !== undefined,
	unbound: summary => summary.account === undefined,
	// An unreadable last use is not "never": revoke by query must not guess.
	'never-used': summary => summary.lastUsed === undefined,
};

type TermDefinition = {
	/** The keys that name it (the first is its name in help). */
	keys: readonly string[];
	/** Help: the term with an example value, one short sentence, and a shorter one for the app's `?`. */
	example: string;
	help: string;
	brief: string;
	/** The test of a value; throws a usage error naming `term` (the whole term as typed) when malformed. */
	parse: (value: string, term: string) => Test;
};

/** Every term the language knows: the one place a term is added. */
const TERMS: readonly TermDefinition[] = [
	{
		keys: ['scope'],
		example: 'scope:metrics',
		brief: 'scope:metrics (scope:* for all scopes)',
		help: 'lists that scope (scope:* for all scopes)',
		parse(value, term) {
			const scope = value.toLowerCase() === 'all' ? '*' : value.toLowerCase();
			if (!isScope(scope)) {
				throw usage(`Filter term ${quoteTyped(term)} names no scope (scopes: ${SCOPES.join(', ')})`);
			}

			return summary => summary.scopes?.includes(scope) === true;
		},
	},
	{
		keys: ['account', 'acct'],
		example: 'account:acme',
		brief: 'account:acme bound to it (or acct:acme)',
		help: 'bound to exactly that account (acct: too)',
		parse(value, term) {
			if (value === '') {
				throw usage(`Filter term ${quoteTyped(term)} needs an account id, e.g. account:acme`);
			}

			return summary => summary.account === value;
		},
	},
	{
		keys: ['is'],
		example: 'is:never-used',
		brief: 'is:expired bound unbound never-used',
		help: 'is:expired, is:bound, is:unbound or is:never-used',
		parse(value, term) {
			const test = Object.hasOwn(IS_STATES, value.toLowerCase()) ? IS_STATES[value.toLowerCase()] : undefined;
			if (!test) {
				throw usage(
					`Filter term ${quoteTyped(term)} is not one of ${Object.keys(IS_STATES)
						.map(state => `is:${state}`)
						.join(', ')}`,
				);
			}

			return test;
		},
	},
	{
		keys: ['risk'],
		example: 'risk:high',
		brief: 'risk:high review level (or >=medium)',
		help: "review's most severe finding is that level (risk:high), or that level or worse (risk:>=medium)",
		parse(value, term) {
			const atOrAbove = value.startsWith('>=');
			const level = (atOrAbove ? value.slice(2) : value).toLowerCase();
			if (!isLevel(level)) {
				throw usage(`Filter term ${quoteTyped(term)} names no level (risk:high, risk:medium, risk:low, or risk:>=medium)`);
			}

			// A row whose risk was not reckoned (undefined) matches no level: a listing reckons it
			// whenever the query has this term (wantsRisk).
			return atOrAbove ? summary => atLeast(summary.risk ?? undefined, level) : summary => summary.risk === level;
		},
	},
	{
		keys: ['unused'],
		example: 'unused:>90d',
		brief: 'unused:>90d idle that long (or <)',
		help: 'not used for more (>) or less (<) than this (never used: since created)',
		parse(value, term) {
			const {op, duration} = parseCompare(term, value, false) as {op: '<' | '>'; duration: number};
			// Idle since the last use; a token never used has been idle since it was made. One with
			// neither time known, or with a last use that cannot be read, is never matched: revoke by
			// query must not guess.
			return (summary, now) => {
				const since = summary.lastUsed ?? summary.created;
				return typeof since === 'number' && (op === '>' ? now - since > duration : now - since < duration);
			};
		},
	},
	{
		keys: ['expires'],
		example: 'expires:<7d',
		brief: 'expires:<7d within (or >, or a date)',
		help: 'expires within (<) or after (>) this, or a date (never expiring counts as >)',
		parse(value, term) {
			const compare = parseCompare(term, value, true);
			return (summary, now) => {
				// `expires` counts when truthy (compatibility §1.8): a token without one never expires.
				const expires = summary.expires || undefined;
				const instant = 'duration' in compare ? now + compare.duration : compare.instant;
				return expires === undefined ? compare.op === '>' : onTimeline(expires, compare.op, instant);
			};
		},
	},
	{
		keys: ['created'],
		example: 'created:<2026-01-01',
		brief: 'created:<2026-01-01 before (or >, 30d)',
		help: 'created before (<) or after (>) a date; created:<30d is younger than 30 days',
		parse(value, term) {
			const compare = parseCompare(term, value, true);
			return (summary, now) => {
				const {created} = summary;
				if (created === undefined) {
					return false;
				}

				// A duration is an age (created:>1y: more than a year old); a date is a point in time.
				return 'duration' in compare
					? compare.op === '<'
						? now - created < compare.duration
						: now - created > compare.duration
					: onTimeline(created, compare.op, compare.instant);
			};
		},
	},
];

const TERM_BY_KEY = new Map(TERMS.flatMap(term => term.keys.map(key => [key, term] as const)));

/** The terms for help texts (`list --help`, the app's `?`): an example of each and what it finds. */
export const QUERY_TERMS: ReadonlyArray<{key: string; example: string; help: string; brief: string}> = TERMS.map(term => ({
	key: `${term.keys[0]}:`,
	example: term.example,
	help: term.help,
	brief: term.brief,
}));

/** One line for help texts on what the plain words of a query do (and a shorter one for the app's `?`). */
export const QUERY_WORDS_HELP = 'other words (and "quoted phrases") find what the rows show: description, scopes, account';
export const QUERY_WORDS_BRIEF = 'what rows show; "a phrase"; all must match';

/** A word of the query: its text without quotes, and whether `key:` at its start was outside quotes. */
type Word = {raw: string; text: string; keyed: RegExpExecArray | null};

const KEY = /^([a-z][a-z-]*):/i;

/**
 * Splits on whitespace outside double quotes; quotes are removed (`account:"a b"` is one term, a
 * quoted word is never a term: `"note:x"` searches for the text). An unclosed quote runs to the end,
 * as one would mean it while typing.
 */
function wordsOf(query: string): Word[] {
	const words: Word[] = [];
	let index = 0;
	while (index < query.length) {
		if (/\s/.test(query[index]!)) {
			index++;
			continue;
		}

		const start = index;
		let text = '';
		let quoted = false;
		let firstQuote = -1;
		while (index < query.length && (quoted || !/\s/.test(query[index]!))) {
			const character = query[index]!;
			if (character === '"') {
				quoted = !quoted;
				if (firstQuote === -1) {
					firstQuote = text.length;
				}
			} else {
				text += character;
			}

			index++;
		}

		const key = KEY.exec(text);
		words.push({raw: query.slice(start, index), text, keyed: key && (firstQuote === -1 || firstQuote >= key[0].length) ? key : null});
	}

	return words;
}

/**
 * Reads a query (at most LIMITS.query characters, as the REST listing's search). Throws
 * TokenError 'usage' naming the first term it cannot read.
 */
export function parseQuery(text: string): TokenQuery {
	const {query, problem} = readQuery(text);
	if (problem) {
		throw problem;
	}

	return query;
}

/**
 * A query as far as it can be read, and the first problem (what parseQuery throws), for a filter
 * typed live: the app applies every word and term it can read and says why the one still being
 * typed (`unused:>9`) is not applied yet, instead of emptying the table on each key.
 */
export function readQuery(text: string): {query: TokenQuery; problem: TokenError | undefined} {
	if (text.length > LIMITS.query) {
		return {query: {...EVERY_TOKEN, text}, problem: usage(`Query is longer than ${LIMITS.query} characters`)};
	}

	const words: string[] = [];
	const terms: Array<{source: string; test: Test}> = [];
	let problem: TokenError | undefined;
	let wantsExpired = false;
	let wantsRisk = false;
	for (const word of wordsOf(text)) {
		if (!word.keyed) {
			const normalised = normaliseWord(word.text);
			if (normalised !== '') {
				words.push(normalised);
			}

			continue;
		}

		try {
			terms.push({source: word.raw, test: termTest(word.keyed, word.text, word.raw)});
			wantsExpired ||= word.text.toLowerCase() === 'is:expired';
			wantsRisk ||= word.keyed[1]!.toLowerCase() === 'risk';
		} catch (error) {
			if (!(error instanceof TokenError)) {
				throw error;
			}

			problem ??= error;
		}
	}

	return {query: {text, words, terms, wantsExpired, wantsRisk}, problem};
}

/** The test of one `key:value` word; a usage error naming it when the key or value is unknown. */
function termTest(keyed: RegExpExecArray, text: string, raw: string): Test {
	const definition = TERM_BY_KEY.get(keyed[1]!.toLowerCase());
	if (!definition) {
		throw usage(
			`Unknown filter term ${quoteTyped(`${keyed[1]!}:`)} (terms: ${[...TERM_BY_KEY.keys()].map(name => `${name}:`).join(' ')}; quote a word with a colon to search for it)`,
		);
	}

	return definition.parse(text.slice(keyed[0].length), raw);
}

/** The query that matches everything. */
export const EVERY_TOKEN: TokenQuery = {text: '', words: [], terms: [], wantsExpired: false, wantsRisk: false};

export const isEveryToken = (query: TokenQuery): boolean => query.words.length === 0 && query.terms.length === 0;

/**
 * Whether a summary matches the query at `now`. `shows` says whether its visible text
 * (visibleTextOf) includes a word: showsOf() for a summary; a table answers from where it keeps
 * the rows' texts (SummaryTable.rowsShowing), and is asked only when the query has words.
 */
export function matchesQuery(query: TokenQuery, summary: TokenSummary, shows: (word: string) => boolean, now: number): boolean {
	for (const term of query.terms) {
		if (!term.test(summary, now)) {
			return false;
		}
	}

	for (const word of query.words) {
		if (!shows(word) && !startsId(word, summary.id)) {
			return false;
		}
	}

	return true;
}

/** A whole id, pasted (any case: hostile ids can be upper case), or an id prefix with a letter in it. */
const startsId = (word: string, id: string): boolean =>
	(word.length === id.length && id.toLowerCase() === word) || (isIdPrefix(word) && /[a-f]/.test(word) && id.toLowerCase().startsWith(word));

/**
 * The summaries a query selects, in their order: what `list --query` shows and what revoke by query
 * acts on. Give summaries with their last use (listSummaries), or `unused:`/`is:never-used` see
 * every token as never used.
 */
export function selectTokens(summaries: readonly TokenSummary[], query: TokenQuery, now: number): TokenSummary[] {
	if (isEveryToken(query)) {
		return [...summaries];
	}

	return summaries.filter(summary => matchesQuery(query, summary, showsOf(summary), now));
}
