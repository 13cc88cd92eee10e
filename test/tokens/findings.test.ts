import {describe, expect, it} from 'vitest';
import {
	type Finding,
	type ReviewInput,
	type TokenRecord,
	atLeast,
	decodeRecord,
	highestLevel,
	reviewToken,
	sortBySeverity,
} from '../../source/tokens/index.js';
import {ESCAPES, deepMap, packed, rawRecord} from '../helpers/hostile-records.js';

const DAY = 86_400_000;
const NOW = Date.parse('2027-06-01T12:00:00Z');
/** A token made 10 days ago, used yesterday, narrowed every way: no finding at all. */
const quiet: TokenRecord = {
	created: NOW - 10 * DAY,
	expires: NOW + 60 * DAY,
	account: 'acme',
	scopes: ['api'],
	description: 'quiet',
};
const usedYesterday = {time: NOW - DAY, ip: '10.0.0.1'};

const review = (record: TokenRecord | undefined, extra: Partial<ReviewInput> = {}, options = {}) =>
	reviewToken({record, lastUse: usedYesterday, accountExists: true, now: NOW, ...extra}, options);
const codes = (findings: Finding[]) => findings.map(finding => `${finding.level} ${finding.code}`);

describe('reviewToken', () => {
	it('finds nothing wrong with a narrowed, expiring, recently used token on a live account', () => {
		expect(review(quiet)).toEqual([]);
	});

	it('a * token: high on every account, medium when bound; no scopes field counts as every scope', () => {
		expect(codes(review({...quiet, scopes: ['*'], account: undefined}))).toEqual(['high all-scopes']);
		expect(codes(review({...quiet, scopes: ['api', '*']}))).toEqual(['medium all-scopes']);
		const noScopes = review({...quiet, scopes: undefined, account: undefined});
		expect(codes(noScopes)).toEqual(['high all-scopes']);
		expect(noScopes[0]!.sentence).toMatch(/no scopes field/);
		// An empty list reaches nothing (compatibility §6.3): no scope finding.
		expect(review({...quiet, scopes: []})).toEqual([]);
	});

	it('an api token on every account is high unless an address list, referrers or permissions narrow it', () => {
		const wide = {...quiet, account: undefined};
		expect(codes(review(wide))).toEqual(['high instance-wide-api']);
		expect(review({...wide, restrictions: {addresses: ['10.0.0.0/8']}})).toEqual([]);
		expect(review({...wide, restrictions: {referrers: ['https://x.example/*']}})).toEqual([]);
		expect(review({...wide, permissions: {actions: ['read']}})).toEqual([]);
		// A rate limit limits how often, not who or what: still unnarrowed.
		expect(codes(review({...wide, restrictions: {rateLimit: {maxRequests: 10, timeWindow: 60}}}))).toEqual(['high instance-wide-api']);
		// Nil restriction keys, as the REST API stores them, narrow nothing.
		expect(codes(review({...wide, restrictions: {addresses: null, referrers: null, rateLimit: null}}))).toEqual(['high instance-wide-api']);
		// metrics alone is not the api.
		expect(review({...wide, scopes: ['metrics']})).toEqual([]);
	});

	it('no expiry is low; an MCP agent token says so instead', () => {
		expect(codes(review({...quiet, expires: undefined}))).toEqual(['low no-expiry']);
		// 0 and '' never expire too (compatibility §1.8).
		expect(codes(review({...quiet, expires: 0}))).toEqual(['low no-expiry']);
		const agent = review({...quiet, expires: undefined, metadata: '{"issuer":"mcp-oauth","client":"abc"}'});
		expect(codes(agent)).toEqual(['low mcp-agent']);
		// Only the issuer counts: the words elsewhere, or metadata that is no JSON, are no agent.
		expect(codes(review({...quiet, expires: undefined, metadata: '{"client":"mcp-oauth"}'}))).toEqual(['low no-expiry']);
		expect(codes(review({...quiet, expires: undefined, metadata: '{"issuer":"mcp-oauth"'}))).toEqual(['low no-expiry']);
	});

	it('never used: low while young, medium from exactly --unused-days after creation', () => {
		const created = (days: number, ms = 0) => ({...quiet, created: NOW - days * DAY + ms});
		expect(codes(review(created(89, -DAY + 1), {lastUse: undefined}))).toEqual(['low never-used']);
		expect(codes(review(created(90, 1), {lastUse: undefined}))).toEqual(['low never-used']);
		const ninety = review(created(90), {lastUse: undefined});
		expect(codes(ninety)).toEqual(['medium never-used']);
		expect(ninety[0]!.sentence).toBe('Has never been used in the 90 days since it was created.');
		// The fresh access record (time nil) is never used too.
		expect(codes(review(created(5), {lastUse: {time: null, ip: null}}))).toEqual(['low never-used']);
		expect(codes(review(created(30), {lastUse: undefined}, {unusedDays: 30}))).toEqual(['medium never-used']);
		// A created time that is no time: never used, age unknown.
		expect(codes(review({...quiet, created: 'yesterday'}, {lastUse: undefined}))).toEqual(['medium never-used']);
	});

	it('unused from exactly --unused-days after the last use, not a millisecond before', () => {
		expect(review(quiet, {lastUse: {time: NOW - 90 * DAY + 1, ip: null}})).toEqual([]);
		const unused = review(quiet, {lastUse: {time: NOW - 90 * DAY, ip: null}});
		expect(codes(unused)).toEqual(['medium unused']);
		expect(unused[0]!.sentence).toBe('Has not been used for 90 days.');
		expect(review(quiet, {lastUse: {time: NOW - 40 * DAY, ip: null}}, {unusedDays: 45})).toEqual([]);
		expect(codes(review(quiet, {lastUse: {time: NOW - 45 * DAY, ip: null}}, {unusedDays: 45}))).toEqual(['medium unused']);
	});

	it('older than --older-days is low, from exactly that many days', () => {
		expect(review({...quiet, created: NOW - 365 * DAY + 1})).toEqual([]);
		const old = review({...quiet, created: NOW - 365 * DAY});
		expect(codes(old)).toEqual(['low older']);
		expect(old[0]!.sentence).toBe('Was created 365 days ago, more than 365 days; rotate it.');
		expect(codes(review({...quiet, created: NOW - 31 * DAY}, {}, {olderDays: 30}))).toEqual(['low older']);
	});

	it('the older sentence names the --older-days it was reviewed with, however many reviews ran before', () => {
		const created = {...quiet, created: NOW - 500 * DAY};
		expect(review(created, {}, {olderDays: 365})[0]!.sentence).toBe('Was created 500 days ago, more than 365 days; rotate it.');
		expect(review(created, {}, {olderDays: 400})[0]!.sentence).toBe('Was created 500 days ago, more than 400 days; rotate it.');
	});

	it('bound to an account that no longer exists is medium; unknown existence is no finding', () => {
		expect(codes(review(quiet, {accountExists: false}))).toEqual(['medium account-deleted']);
		expect(review(quiet, {accountExists: undefined})).toEqual([]);
		// Unbound tokens have no account to lose.
		expect(codes(review({...quiet, account: undefined, scopes: ['metrics']}, {accountExists: false}))).toEqual([]);
	});

	it('expiring within 7 days is medium (exactly 7 days included); an expired token gets only "expired"', () => {
		expect(review({...quiet, expires: NOW + 7 * DAY + 1})).toEqual([]);
		const soon = review({...quiet, expires: NOW + 7 * DAY});
		expect(codes(soon)).toEqual(['medium expiring-soon']);
		expect(soon[0]!.sentence).toBe('Expires within 7 days, on 2027-06-08 12:00 UTC.');
		// Expired at the instant of expiry (compatibility §1.8): an all-scopes token that can no longer
		// work is not high.
		const expired = review({...quiet, scopes: ['*'], account: undefined, expires: NOW}, {lastUse: undefined});
		expect(codes(expired)).toEqual(['low expired']);
		expect(expired[0]!.sentence).toBe('Expired on 2027-06-01 12:00 UTC and can no longer be used, but its record is still stored.');
	});

	it('restrictions that allow everything are medium, each named once', () => {
		const allowing = review({
			...quiet,
			restrictions: {addresses: ['0.0.0.0/0', '10.0.0.1', '::/0', '::ffff:0:0/96'], referrers: ['*']},
		});
		expect(codes(allowing)).toEqual(['medium allows-everything']);
		expect(allowing[0]!.sentence).toBe(
			'Its restrictions let through every IPv4 address (0.0.0.0/0), every IPv6 address (::/0), every referrer (*).',
		);
		expect(review({...quiet, restrictions: {addresses: ['10.0.0.0/8'], referrers: ['https://*']}})).toEqual([]);
	});

	it('a record that can never authenticate gets only why (medium), whatever else it has', () => {
		for (const broken of [
			{scopes: 'api'},
			{account: 12_345},
			{restrictions: '10.0.0.1'},
			{restrictions: {addresses: '10.0.0.1'}},
			{restrictions: {rateLimit: {maxRequests: 'Infinity', timeWindow: 60}}},
			{permissions: {}},
			{permissions: {actions: ['fly']}},
			{expires: '1900000000000'},
		]) {
			const findings = review({...quiet, scopes: ['*'], account: undefined, ...broken}, {lastUse: undefined});
			expect(codes(findings), JSON.stringify(broken)).toEqual(['medium malformed']);
			expect(findings[0]!.sentence).toMatch(/^Can never authenticate, as EmailEngine refuses it: .+\.$/);
		}
	});

	it('a record that cannot be read is medium and says why', () => {
		const findings = reviewToken({record: undefined, unreadable: 'nested deeper than 32 levels', now: NOW});
		expect(findings).toEqual([
			{
				code: 'unreadable',
				level: 'medium',
				sentence: 'Its record cannot be read (nested deeper than 32 levels), so it can never authenticate; revoke it.',
			},
		]);
	});

	it('hostile records decode into findings without throwing, and no sentence echoes their values', () => {
		const records = [
			rawRecord([
				['created', packed(1e300)],
				['scopes', packed([ESCAPES[0], '*'])],
				['description', packed(ESCAPES[1])],
			]),
			rawRecord([
				['scopes', packed(['api'])],
				['restrictions', deepMap(20)],
			]),
			rawRecord([
				['scopes', packed(['api'])],
				['metadata', packed({issuer: 'mcp-oauth'})],
				['expires', packed(new Date(0))],
			]),
			rawRecord([
				['scopes', packed(['api'])],
				['metadata', packed(`{"issuer":"mcp-oauth","x":"${ESCAPES[2]}"}`)],
			]),
			rawRecord([['account', packed(ESCAPES[0])]]),
		];
		for (const bytes of records) {
			const findings = review(decodeRecord(bytes), {lastUse: {time: Number.NaN, ip: null}, accountExists: false});
			expect(findings.length).toBeGreaterThan(0);
			for (const {sentence} of findings) {
				expect(sentence).not.toMatch(/pwned|\u001B/);
				expect(sentence).toMatch(/^[A-Z].*\.$/);
			}
		}
	});

	it('lists findings most severe first', () => {
		const findings = review(
			{...quiet, account: undefined, scopes: ['*'], expires: undefined, created: NOW - 400 * DAY, restrictions: {referrers: ['*']}},
			{lastUse: {time: NOW - 200 * DAY, ip: null}},
		);
		expect(codes(findings)).toEqual(['high all-scopes', 'medium allows-everything', 'medium unused', 'low older', 'low no-expiry']);
	});
});

describe('levels', () => {
	it('highestLevel and atLeast', () => {
		const low: Finding = {code: 'no-expiry', level: 'low', sentence: 'x'};
		const medium: Finding = {code: 'unused', level: 'medium', sentence: 'x'};
		expect(highestLevel([])).toBeUndefined();
		expect(highestLevel([low, medium, low])).toBe('medium');
		expect(atLeast('medium', 'high')).toBe(false);
		expect(atLeast('medium', 'medium')).toBe(true);
		expect(atLeast('high', 'low')).toBe(true);
		expect(atLeast(undefined, 'low')).toBe(false);
	});

	it('sortBySeverity: by highest level, listing order kept within a level, none last', () => {
		const token = (id: string, ...levels: Array<'high' | 'medium' | 'low'>) => ({
			id,
			findings: levels.map(level => ({code: 'unused' as const, level, sentence: 'x'})),
		});
		const sorted = sortBySeverity([token('f', 'low'), token('e'), token('d', 'low', 'high'), token('c', 'medium'), token('b', 'high')]);
		expect(sorted.map(each => each.id)).toEqual(['d', 'b', 'c', 'f', 'e']);
	});
});
