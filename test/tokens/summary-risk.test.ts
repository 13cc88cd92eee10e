import {describe, expect, it} from 'vitest';
import {
	type TokenRecord,
	type TokenSummary,
	decodeRecord,
	emptySummary,
	matchesQuery,
	parseQuery,
	encodeRecord,
	highestLevel,
	reviewToken,
	summarizeRecord,
	summaryRisk,
} from '../../source/tokens/index.js';
import {hostileRecord, packed, rawRecord} from '../helpers/hostile-records.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const DAY = 86_400_000;
const ID = 'a'.repeat(64);

/** What `ee-tokens review` says of the record: the reference a row's risk must agree with. */
function reviewLevel(bytes: Buffer, lastUsed: number | undefined, accountExists: boolean | undefined) {
	let record: TokenRecord | undefined;
	try {
		record = decodeRecord(bytes);
	} catch {}

	const lastUse = lastUsed === undefined ? undefined : {time: lastUsed, ip: null};
	return highestLevel(reviewToken({record, unreadable: 'x', lastUse, accountExists, now: NOW})) ?? null;
}

function rowLevel(bytes: Buffer, lastUsed: number | undefined, accountExists: boolean | undefined) {
	const summary = summarizeRecord(ID, bytes, lastUsed);
	return summary === undefined ? undefined : summaryRisk(summary, accountExists, NOW);
}

const RECORDS: Array<[string, TokenRecord]> = [
	['every scope, unbound', {created: NOW - DAY, scopes: ['*'], description: 'admin'}],
	['api on every account', {created: NOW - DAY, scopes: ['api'], expires: NOW + 30 * DAY}],
	['api, narrowed by address', {created: NOW - DAY, scopes: ['api'], restrictions: {addresses: ['10.0.0.0/8']}, expires: NOW + 30 * DAY}],
	['api, restrictions that allow everything', {created: NOW - DAY, scopes: ['api'], restrictions: {addresses: ['0.0.0.0/0']}}],
	['api with permissions', {created: NOW - DAY, scopes: ['api'], permissions: {paths: ['/v1/account/*']}, expires: NOW + 30 * DAY}],
	['bound', {created: NOW - DAY, scopes: ['api'], account: 'acme', expires: NOW + 30 * DAY}],
	['mcp agent', {created: NOW - DAY, scopes: ['mcp'], account: 'acme', metadata: JSON.stringify({issuer: 'mcp-oauth'})}],
	['metadata naming mcp-oauth otherwise', {created: NOW - DAY, scopes: ['smtp'], metadata: '{"note":"mcp-oauth"}'}],
	['expired', {created: NOW - 30 * DAY, scopes: ['*'], expires: NOW - DAY}],
	['expiring soon', {created: NOW - DAY, scopes: ['metrics'], expires: NOW + 2 * DAY}],
	['old', {created: NOW - 400 * DAY, scopes: ['metrics'], expires: NOW + 300 * DAY}],
	['no scopes field', {created: NOW - DAY}],
	['numeric account (malformed)', {created: NOW - DAY, scopes: ['api'], account: 12_345}],
	['scopes not a list (malformed)', {created: NOW - DAY, scopes: 'api'}],
	['expiry that is text (malformed)', {created: NOW - DAY, scopes: ['api'], expires: 'tomorrow'}],
];

describe("a row's risk (summaryRisk) is review's highest level for its record", () => {
	it.each(RECORDS)('%s', (_name, record) => {
		const bytes = Buffer.from(encodeRecord(record));
		for (const lastUsed of [undefined, NOW - 3_600_000, NOW - 200 * DAY]) {
			for (const accountExists of [undefined, true, false]) {
				expect(rowLevel(bytes, lastUsed, accountExists), `${String(lastUsed)} ${String(accountExists)}`).toBe(
					reviewLevel(bytes, lastUsed, accountExists),
				);
			}
		}
	});

	it('names the levels a person acts on', () => {
		const level = (record: TokenRecord, accountExists?: boolean) => rowLevel(Buffer.from(encodeRecord(record)), NOW, accountExists);
		expect(level({created: NOW, scopes: ['*']})).toBe('high');
		expect(level({created: NOW, scopes: ['api'], account: 'gone', expires: NOW + 30 * DAY}, false)).toBe('medium');
		expect(level({created: NOW, scopes: ['api'], account: 'here', expires: NOW + 30 * DAY}, true)).toBeNull();
		expect(level({created: NOW, scopes: ['api'], restrictions: {referrers: ['*']}, expires: NOW + 30 * DAY})).toBe('medium');
	});

	it('agrees on hostile records (wrong types, unreadable bytes, odd keys)', () => {
		let seed = 12_345;
		const next = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			return seed;
		};

		const rng = {int: (max: number) => next() % max, pick: <T>(items: readonly T[]) => items[next() % items.length]!};
		for (let run = 0; run < 300; run++) {
			const {kind, fields} = hostileRecord(rng);
			const bytes = rawRecord(fields);
			const row = rowLevel(bytes, undefined, false);
			if (row !== undefined) {
				expect(row, kind).toBe(reviewLevel(bytes, undefined, false));
			}
		}

		// A record no reader can read at all: a table row of its own, medium like review says.
		expect(rowLevel(packed('not a map'), undefined, undefined)).toBeUndefined();
	});
});

describe('risk: in the filter language', () => {
	const row = (risk: TokenSummary['risk']): TokenSummary => ({...emptySummary(ID, undefined, undefined), risk});
	const matches = (query: string, risk: TokenSummary['risk']) => matchesQuery(parseQuery(query), row(risk), () => false, NOW);

	it('risk:LEVEL is that level exactly; risk:>=LEVEL that level or worse; a row not reckoned matches none', () => {
		expect(['high', 'medium', 'low', null, undefined].map(risk => matches('risk:high', risk as TokenSummary['risk']))).toEqual([
			true,
			false,
			false,
			false,
			false,
		]);
		expect(['high', 'medium', 'low', null, undefined].map(risk => matches('risk:>=medium', risk as TokenSummary['risk']))).toEqual([
			true,
			true,
			false,
			false,
			false,
		]);
		expect(matches('RISK:Low', 'low')).toBe(true);
		expect(parseQuery('risk:low').wantsRisk).toBe(true);
		expect(parseQuery('scope:api').wantsRisk).toBe(false);
	});
});
