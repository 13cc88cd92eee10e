// One packed part of a SummaryTable as this process keeps it, and the row view that reads a
// token's fields out of it on demand (store/summary-table.ts holds the parts in order).
import {type LastUsed, type TokenSummary, UNREADABLE_TIME} from '../tokens/index.js';
import {FLAGS, type PartFingerprint, riskOf} from './summary-pack.js';

/**
 * One part of a table: the packed part as it came, its times made an array of doubles (unboxed in
 * V8, 8 bytes each: NaN for none, UNREADABLE_SLOT for a last use that cannot be read). Everything
 * in this process's JavaScript heap, nothing in malloc'd buffers, which a long-lived table would
 * pin among the load's transient ones.
 */
export type Part = {
	/** The first row of this part in the whole table, and how many rows it has. */
	start: number;
	count: number;
	ids: string;
	text: string;
	idEnds: readonly number[];
	ends: readonly number[];
	flags: readonly number[];
	times: number[];
	scopeLists: ReadonlyArray<readonly string[]>;
	problems: ReadonlyMap<number, string>;
	/** What the loader child said the part was (a reload's next load compares it); none for a part packed here. */
	fingerprint: PartFingerprint | undefined;
};

/** A last use that is stored but unreadable, in a part's times: no time read from a record is negative infinity (toMillis keeps finite ones). */
export const UNREADABLE_SLOT = Number.NEGATIVE_INFINITY;
export const timeAt = (times: readonly number[], at: number) => (Number.isNaN(times[at]) ? undefined : times[at]);
const lastUsedAt = (times: readonly number[], at: number): LastUsed =>
	times[at] === UNREADABLE_SLOT ? UNREADABLE_TIME : timeAt(times, at);

export function idOf(part: Part, row: number): string {
	const {ids, idEnds} = part;
	return ids.slice(row === 0 ? 0 : idEnds[row - 1], idEnds[row]);
}

/**
 * A row of a SummaryTable: each field read out of the packed part when asked for, so a filter that
 * looks at one field of 100,000 rows slices and boxes nothing else. Read-only (no setters): a view
 * is never a listing's working copy.
 */
export class PackedRow implements TokenSummary {
	constructor(
		private readonly part: Part,
		private readonly index: number,
	) {}

	get id(): string {
		return idOf(this.part, this.index);
	}

	get description(): string | undefined {
		const {flags, text, ends} = this.part;
		return flags[this.index]! & FLAGS.description ? text.slice(this.textStart(), ends[this.index * 2]) : undefined;
	}

	get account(): string | undefined {
		const {flags, text, ends} = this.part;
		return flags[this.index]! & FLAGS.account ? text.slice(ends[this.index * 2], ends[this.index * 2 + 1]) : undefined;
	}

	get scopes(): readonly string[] | undefined {
		const list = this.part.flags[this.index]! >> FLAGS.scopeShift;
		return list === 0 ? undefined : this.part.scopeLists[list - 1];
	}

	get created(): number | undefined {
		return timeAt(this.part.times, this.index * 3);
	}

	get expires(): number | undefined {
		return timeAt(this.part.times, this.index * 3 + 1);
	}

	get lastUsed(): LastUsed {
		return lastUsedAt(this.part.times, this.index * 3 + 2);
	}

	get problem(): string | undefined {
		return this.part.problems.get(this.index);
	}

	get review(): undefined {
		return undefined;
	}

	get risk(): TokenSummary['risk'] {
		return riskOf((this.part.flags[this.index]! >> FLAGS.riskShift) & FLAGS.riskMask);
	}

	private textStart(): number {
		return this.index === 0 ? 0 : this.part.ends[this.index * 2 - 1]!;
	}
}

export const plainSummary = (row: TokenSummary): TokenSummary => ({
	id: row.id,
	description: row.description,
	account: row.account,
	scopes: row.scopes,
	created: row.created,
	expires: row.expires,
	lastUsed: row.lastUsed,
	problem: row.problem,
	review: undefined,
	risk: row.risk,
});
