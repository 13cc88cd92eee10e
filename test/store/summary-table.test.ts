import {describe, expect, it} from 'vitest';
import {SummaryTable, SummaryTableBuilder} from '../../source/store/index.js';
import {packSummaries} from '../../source/store/summary-pack.js';
import {
	type TokenSummary,
	UNREADABLE_TIME,
	encodeRecord,
	summarizeRecord,
	summaryOf,
	unreadableSummary,
	visibleTextOf,
} from '../../source/tokens/index.js';
import {ESCAPES} from '../helpers/hostile-records.js';

const id = (n: number) => n.toString(16).padStart(64, '0');

/** Every kind of field a summary can hold, hostile text included (rows from Redis are untrusted). */
function varied(): TokenSummary[] {
	const summaries = [
		summarizeRecord(id(9), encodeRecord({created: 5, expires: 9, account: 'acme', scopes: ['api'], description: 'Rechnung 請求 🚀'}), 77),
		summarizeRecord(id(8), encodeRecord({created: 6, scopes: ['api']})),
		summaryOf(id(7), {account: 42, scopes: ['*', 'smtp'], description: 'x'}),
		summaryOf(id(6), {}),
		summaryOf(id(5), {description: ESCAPES.join(''), account: '\u202Egnp.exe\r\n'}),
		// A lone surrogate and a NUL: JSON and string slicing must give them back as they were.
		summaryOf('ünïcode-field', {account: '請求', description: '\uD800 half \u0000 nul'}),
		{...summaryOf(id(4), {created: 1_790_000_000_000, scopes: []}), lastUsed: UNREADABLE_TIME as TokenSummary['lastUsed']},
		unreadableSummary(id(3), 'nested deeper than 32 levels'),
		summaryOf('', {description: ''}),
	].filter(summary => summary !== undefined);
	summaries[0]!.risk = 'high';
	summaries[1]!.risk = null;
	summaries[3]!.risk = 'low';
	summaries[6]!.risk = 'medium';
	// Every field but `review`, which serves the reckoning of the risk and stays behind in the loader.
	return summaries.map(summary => ({...summary, review: undefined}));
}

/** A table as the app gets it from the loader child: parts that crossed a process as JSON. */
function throughJson(summaries: readonly TokenSummary[], partRows: number, previous?: SummaryTable): SummaryTable {
	const builder = new SummaryTableBuilder(previous);
	for (let start = 0; start < summaries.length; start += partRows) {
		builder.add(JSON.parse(JSON.stringify(packSummaries(summaries.slice(start, start + partRows)))));
	}

	return builder.build();
}

describe('a packed table of summaries', () => {
	it('gives back every field of every row, undefined ones, hostile text and odd times included, across parts and through JSON', () => {
		const summaries = varied();
		for (const partRows of [1, 2, 4, 100]) {
			for (const table of [SummaryTable.of(summaries, partRows), throughJson(summaries, partRows)]) {
				expect(table.length).toBe(summaries.length);
				expect(table.toArray()).toEqual(summaries);
				summaries.forEach((summary, index) => {
					const row = table.row(index)!;
					for (const field of Object.keys(summary) as Array<keyof TokenSummary>) {
						expect(row[field], `${field} of row ${index}, parts of ${partRows}`).toEqual(summary[field]);
					}
				});
			}
		}
	});

	it("says whether a row's visible text has a word as visibleTextOf does, hostile, unreadable and problem rows included", () => {
		const summaries = varied();
		const words = [
			'rechnung',
			'請求',
			'acme',
			'all accounts',
			'api',
			'smtp',
			'all scopes',
			'x',
			'half',
			'nul',
			'gnp',
			'(record cannot be read)',
			'—',
			'a number',
		];
		for (const partRows of [1, 3, 100]) {
			const table = throughJson(summaries, partRows);
			for (const word of words) {
				const showing = table.rowsShowing(word);
				expect(showing, `${word}, parts of ${partRows}`).toEqual(
					new Uint8Array(summaries.map(summary => (visibleTextOf(summary).includes(word) ? 1 : 0))),
				);
			}
		}

		// Every word is in some row and missing from another: a table that always said yes or no would fail.
		for (const word of words) {
			expect(new Set(summaries.map(summary => visibleTextOf(summary).includes(word))), word).toEqual(new Set([true, false]));
		}
	});

	it('shares one scopes array between rows with the same scopes, across parts', () => {
		const same = [0, 1, 2, 3].map(n => summaryOf(id(n), {scopes: ['api', 'smtp']}));
		const table = throughJson(same, 1);
		expect(table.row(3)!.scopes).toBe(table.row(0)!.scopes);
		expect(Object.isFrozen(table.row(0)!.scopes)).toBe(true);
	});

	it('finds rows by id and by index, and says when there is none', () => {
		const summaries = varied();
		const table = throughJson(summaries, 2);
		summaries.forEach((summary, index) => {
			expect(table.idAt(index)).toBe(summary.id);
			expect(table.indexOf(summary.id)).toBe(index);
			expect(table.hasIdAt(index, summary.id)).toBe(true);
			expect(table.byId(summary.id)?.description).toBe(summary.description);
		});
		// An id that is a prefix or an extension of another is a different id.
		expect(table.indexOf(id(9).slice(0, 63))).toBe(-1);
		expect(table.indexOf(`${id(9)}0`)).toBe(-1);
		expect(table.hasIdAt(0, id(8))).toBe(false);
		expect(table.byId('nope')).toBeUndefined();
		for (const outside of [-1, summaries.length, 1.5, Number.NaN]) {
			expect(table.row(outside)).toBeUndefined();
			expect(table.hasIdAt(outside, id(9))).toBe(false);
		}

		const found = table.indexesOf(new Set([id(7), 'gone', '', id(3)]));
		expect(found).toEqual(
			new Map([
				[id(7), 2],
				['', 8],
				[id(3), 7],
			]),
		);
		expect(table.indexesOf(new Set())).toEqual(new Map());
	});

	it('counts the rows with a problem and says which had expired, as the summaries do', () => {
		const now = 1_800_000_000_000;
		const summaries = [
			summaryOf(id(5), {expires: now - 1}),
			summaryOf(id(4), {expires: now}),
			summaryOf(id(3), {expires: now + 1}),
			summaryOf(id(2), {expires: 0}),
			summaryOf(id(1), {scopes: 'api'}),
		];
		const table = throughJson(summaries, 2);
		expect([0, 1, 2, 3, 4].map(index => table.expiredAt(index, now))).toEqual([true, true, false, false, false]);
		expect(table.problems).toBe(summaries.filter(summary => summary.problem !== undefined).length);
		expect(table.problems).toBe(1);
	});

	it("a reload's table shows what changed and what did not, sharing the second with the table it replaces, which keeps its own", () => {
		const before = Array.from({length: 10}, (_, n) => ({
			...summaryOf(id(100 - n), {created: n, description: `Token ${n}`, scopes: ['api']}),
			review: undefined,
		}));
		const old = throughJson(before, 4);
		const after = before.map(summary => ({...summary}));
		// Part 2 (rows 4-7): a last use and a description changed; parts 1 and 3 as they were.
		after[5] = {...after[5]!, lastUsed: 1_790_000_000_000};
		after[6] = {...after[6]!, description: 'Renamed'};
		for (const next of [SummaryTable.of(after, 4, old), throughJson(after, 4, old)]) {
			expect(next.toArray()).toEqual(after);
			expect(old.toArray()).toEqual(before);
		}

		// A token more at the top moves every row: nothing is where it was, and every row is right.
		const grown = [{...summaryOf(id(200), {description: 'New'}), review: undefined}, ...after];
		expect(throughJson(grown, 4, old).toArray()).toEqual(grown);
		expect(throughJson(after.slice(0, 7), 4, old).toArray()).toEqual(after.slice(0, 7));
	});

	it('is read-only: a row cannot be written to', () => {
		const table = SummaryTable.of(varied());
		const row = table.row(0)!;
		expect(() => {
			(row as {description: string | undefined}).description = 'changed';
		}).toThrow(TypeError);
		expect(table.row(0)!.description).toBe('Rechnung 請求 🚀');
	});

	it('holds nothing for no rows', () => {
		const table = new SummaryTableBuilder().add(packSummaries([])).build();
		expect(table.length).toBe(0);
		expect(table.toArray()).toEqual([]);
		expect(table.row(0)).toBeUndefined();
		expect(table.indexOf('')).toBe(-1);
		expect(table.problems).toBe(0);
	});
});
