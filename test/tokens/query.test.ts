import {describe, expect, it} from 'vitest';
import {ESCAPES, cliFields, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {
	type TokenQuery,
	type TokenSummary,
	TokenError,
	emptySummary,
	parseQuery,
	readQuery,
	selectTokens,
	summarizeRecord,
	unreadableSummary,
} from '../../source/tokens/index.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const DAY = 86_400_000;
const id = (n: number) => n.toString(16).padStart(64, '0');

const token = (n: number, fields: Partial<TokenSummary>): TokenSummary => ({
	...emptySummary(id(n), undefined, undefined),
	created: NOW - DAY,
	...fields,
});

const TOKENS: TokenSummary[] = [
	token(1, {description: 'Billing service', scopes: ['api'], account: 'acme', lastUsed: NOW - 2 * 3_600_000}),
	token(2, {description: 'Prometheus scraper', scopes: ['metrics']}),
	token(3, {description: 'Grafana agent', scopes: ['api', 'metrics'], account: 'acme-eu', lastUsed: NOW - 100 * DAY}),
	token(4, {description: 'Admin automation', scopes: ['*'], created: Date.parse('2025-06-01T00:00:00Z')}),
	token(5, {description: 'Mail relay', scopes: ['smtp'], account: 'relay', expires: NOW + 3 * DAY}),
	token(6, {description: 'Old export', scopes: ['api'], account: 'acme', expires: NOW - DAY, created: NOW - 400 * DAY}),
	token(7, {description: 'Long lived', scopes: ['mcp'], expires: NOW + 60 * DAY, created: NOW - 10 * DAY}),
];

/** The descriptions of the tokens the query selects. */
const select = (query: string, tokens = TOKENS) => selectTokens(tokens, parseQuery(query), NOW).map(summary => summary.description);

const usageError = (query: string) => {
	try {
		parseQuery(query);
	} catch (error) {
		expect(error).toBeInstanceOf(TokenError);
		expect((error as TokenError).code).toBe('usage');
		return (error as TokenError).message;
	}

	throw new Error(`${query} was read`);
};

describe('the filter language: plain words find what the rows show', () => {
	it('matches description, the Scopes column as shown and the Account column as shown, any case and spacing', () => {
		expect(select('billing')).toEqual(['Billing service']);
		expect(select('  PROMETHEUS   Scraper ')).toEqual(['Prometheus scraper']);
		// The issue: "metrics" found one of the metrics tokens, "all scopes" none.
		expect(select('metrics')).toEqual(['Prometheus scraper', 'Grafana agent']);
		expect(select('all scopes')).toEqual(['Admin automation']);
		expect(select('all accounts')).toEqual(['Prometheus scraper', 'Admin automation', 'Long lived']);
		expect(select('acme')).toEqual(['Billing service', 'Grafana agent', 'Old export']);
		expect(select('api, metrics')).toEqual(['Grafana agent']);
	});

	it('finds a dotted capital İ by a plain i, as a person types it, and the other way round', () => {
		// 'İ'.toLowerCase() is 'i' and a combining dot: compared as is, "izmir" never found İZMİR.
		const tokens = [token(1, {description: 'İZMİR office', scopes: ['api']}), token(2, {description: 'Istanbul', scopes: ['api']})];
		expect(select('izmir', tokens)).toEqual(['İZMİR office']);
		expect(select('İzmir', tokens)).toEqual(['İZMİR office']);
		expect(select('"izmir office"', tokens)).toEqual(['İZMİR office']);
		expect(select('istanbul', tokens)).toEqual(['Istanbul']);
	});

	it('ANDs the words, keeps a quoted phrase whole, and never matches across two columns', () => {
		expect(select('acme api')).toEqual(['Billing service', 'Grafana agent', 'Old export']);
		expect(select('acme metrics')).toEqual(['Grafana agent']);
		expect(select('"service billing"')).toEqual([]);
		expect(select('service billing')).toEqual(['Billing service']);
		// "agent" ends the description and "api" starts the scopes: one phrase cannot span them.
		expect(select('"agent api"')).toEqual([]);
		expect(select('"mail  relay"')).toEqual(['Mail relay']);
		// A quoted word with a colon is text, not a term; an unclosed quote runs to the end.
		expect(select('"note:x"', [token(9, {description: 'See note:x'})])).toEqual(['See note:x']);
		expect(select('"mail rel')).toEqual(['Mail relay']);
		expect(select('""')).toHaveLength(TOKENS.length);
	});

	it('does not search the id, which no row shows, but finds a whole id pasted in any case', () => {
		expect(select(id(3).slice(-8))).toEqual([]);
		expect(select('000000')).toEqual([]);
		expect(select(id(3))).toEqual(['Grafana agent']);
		const upper = {...token(10, {description: 'Upper'}), id: 'AB'.repeat(32)};
		expect(select('ab'.repeat(32), [upper])).toEqual(['Upper']);
	});
});

describe('the filter language: terms', () => {
	it('scope: is literal membership, as --scope; scope:* (or scope:all) the all-scopes tokens', () => {
		expect(select('scope:metrics')).toEqual(['Prometheus scraper', 'Grafana agent']);
		expect(select('scope:API')).toEqual(['Billing service', 'Grafana agent', 'Old export']);
		expect(select('scope:*')).toEqual(['Admin automation']);
		expect(select('scope:all')).toEqual(['Admin automation']);
	});

	it('account: and acct: are the exact account id; is:bound and is:unbound', () => {
		expect(select('account:acme')).toEqual(['Billing service', 'Old export']);
		expect(select('acct:acme-eu')).toEqual(['Grafana agent']);
		expect(select('account:ACME')).toEqual([]);
		expect(select('account:"acme"')).toEqual(['Billing service', 'Old export']);
		expect(select('account:"two words"', [token(11, {description: 'Spaced', account: 'two words'})])).toEqual(['Spaced']);
		expect(select('is:bound')).toEqual(['Billing service', 'Grafana agent', 'Mail relay', 'Old export']);
		expect(select('is:unbound')).toEqual(['Prometheus scraper', 'Admin automation', 'Long lived']);
	});

	it('is:expired, is:never-used', () => {
		expect(select('is:expired')).toEqual(['Old export']);
		expect(parseQuery('is:expired').wantsExpired).toBe(true);
		expect(parseQuery('is:bound').wantsExpired).toBe(false);
		expect(select('is:never-used')).toEqual(['Prometheus scraper', 'Admin automation', 'Mail relay', 'Old export', 'Long lived']);
	});

	it('unused: measures idle time from the last use, or from creation for a token never used', () => {
		expect(select('unused:>90d')).toEqual(['Grafana agent', 'Admin automation', 'Old export']);
		expect(select('unused:<1d')).toEqual(['Billing service']);
		expect(select('unused:<2d')).toEqual(['Billing service', 'Prometheus scraper', 'Mail relay']);
		expect(select('unused:>1h')).toContain('Billing service');
		expect(select('unused:>3h')).not.toContain('Billing service');
		// Neither time known: never matched either way (revoke by query must not guess).
		const unknown = [{...emptySummary(id(12), undefined, undefined), description: 'No dates'}];
		expect(select('unused:>1d', unknown)).toEqual([]);
		expect(select('unused:<1d', unknown)).toEqual([]);
	});

	it('expires: within or after a duration or a date; a token that never expires counts as later', () => {
		expect(select('expires:<7d')).toEqual(['Mail relay', 'Old export']);
		expect(select('expires:>30d')).toEqual(['Billing service', 'Prometheus scraper', 'Grafana agent', 'Admin automation', 'Long lived']);
		expect(select('expires:<2027-01-01')).toEqual(['Mail relay', 'Old export']);
		expect(select('expires:>2026-12-01T00:00Z')).toContain('Long lived');
	});

	it('created: a date is a point in time, a duration an age', () => {
		expect(select('created:<2026-01-01')).toEqual(['Admin automation', 'Old export']);
		expect(select('created:>2026-01-01')).toHaveLength(5);
		expect(select('created:<2d')).toEqual(['Billing service', 'Prometheus scraper', 'Grafana agent', 'Mail relay']);
		expect(select('created:>1y')).toEqual(['Admin automation', 'Old export']);
		expect(select('created:>2026-11-21T07:59:59+00:00')).toHaveLength(4);
		const undated = [{...emptySummary(id(13), undefined, undefined), description: 'Undated'}];
		expect(select('created:<2099-01-01', undated)).toEqual([]);
	});

	it('combines terms and words with AND', () => {
		expect(select('scope:api unused:>90d')).toEqual(['Grafana agent', 'Old export']);
		expect(select('scope:api unused:>90d account:acme')).toEqual(['Old export']);
		expect(select('acme is:never-used expires:<7d')).toEqual(['Old export']);
		expect(select('metrics is:bound')).toEqual(['Grafana agent']);
		expect(select('IS:Never-Used Scope:SMTP')).toEqual(['Mail relay']);
	});
});

describe('the filter language: what it cannot read is a usage error naming the term', () => {
	it.each([
		['unused:>abc', /^Filter term "unused:>abc" needs a duration/],
		['unused:90d', /^Filter term "unused:90d" needs < or > before a duration .* e\.g\. unused:>90d$/],
		['unused:>', /^Filter term "unused:>" needs a duration/],
		['unused:>2026-01-01', /^Filter term "unused:>2026-01-01" needs a duration \(90d/],
		['unused:>90D', /needs a duration/],
		['is:weird', /^Filter term "is:weird" is not one of is:expired, is:bound, is:unbound, is:never-used$/],
		['is:', /^Filter term "is:" is not one of/],
		['is:constructor', /is not one of/],
		['scope:nope', /^Filter term "scope:nope" names no scope/],
		['account:', /^Filter term "account:" needs an account id/],
		['expires:<soon', /^Filter term "expires:<soon" needs a duration \(90d, 12h, 2w, 1y\) or a date/],
		['created:<2027-02-29', /^Filter term "created:<2027-02-29": no such date or time$/],
		['created:<2026-01-01T09:00', /a time needs its zone/],
		['foo:bar', /^Unknown filter term "foo:" \(terms: scope: account: acct: is: risk: unused: expires: created:; quote a word/],
		['billing https://example.com', /^Unknown filter term "https:"/],
		['risk:severe', /^Filter term "risk:severe" names no level/],
	])('%s', (query, message) => {
		expect(usageError(query)).toMatch(message);
	});

	it('refuses a query over 1,024 characters, as the server does', () => {
		expect(usageError('a'.repeat(1025))).toBe('Query is longer than 1024 characters');
		expect(parseQuery('a'.repeat(1024)).words).toEqual(['a'.repeat(1024)]);
	});

	it('never echoes what may be a raw token', () => {
		const raw = 'f'.repeat(64);
		expect(usageError(`account:${raw} is:${raw}`)).not.toContain('ffffffffffffffff');
	});

	it('reads what it can for a live filter: the other terms apply, the first problem is said', () => {
		const {query, problem} = readQuery('scope:api unused:>9 acme');
		expect(problem?.message).toBe('Filter term "unused:>9" needs a duration (90d, 12h, 2w, 1y) after >');
		expect(selectTokens(TOKENS, query, NOW).map(summary => summary.description)).toEqual([
			'Billing service',
			'Grafana agent',
			'Old export',
		]);
		expect(readQuery('scope:api').problem).toBeUndefined();
	});
});

describe('the filter language over hostile records', () => {
	const hostile: TokenSummary[] = [
		summarizeRecord(id(20), rawRecord(cliFields(`evil${ESCAPES.join('')}text`)))!,
		summarizeRecord(id(21), rawRecord([...cliFields('numbers'), ['account', packed(12_345)], ['scopes', packed('api')]]))!,
		summarizeRecord(id(22), rawRecord([...cliFields('dates'), ['created', packed('yesterday')], ['expires', packed({})]]))!,
		unreadableSummary(id(23), 'nested too deep'),
	];

	it('matches the cells as shown: malformed fields, numbers and unreadable records, without throwing', () => {
		expect(summarizeRecord(id(24), deepRecord())).toBeUndefined();
		const select = (query: string) => selectTokens(hostile, parseQuery(query), NOW).map(summary => summary.id);
		expect(select('evil')).toEqual([id(20)]);
		expect(select('malformed')).toEqual([id(21)]);
		expect(select('12345 (a number)')).toEqual([id(21)]);
		expect(select('account:12345')).toEqual([id(21)]);
		expect(select('record cannot be read')).toEqual([id(23)]);
		expect(select('scope:api')).toEqual([id(20), id(22)]);
		for (const query of [
			'is:expired',
			'is:never-used',
			'unused:>1d',
			'expires:<1d',
			'expires:>1d',
			'created:<1d',
			'created:>1d',
			'all accounts',
		]) {
			expect(() => select(query), query).not.toThrow();
		}
	});
});

it('an empty query is every token', () => {
	const query: TokenQuery = parseQuery('   ');
	expect(selectTokens(TOKENS, query, NOW)).toHaveLength(TOKENS.length);
});
