import {LEVELS, type LastUsed, type TokenSummary, UNREADABLE_TIME} from '../tokens/index.js';

/**
 * A listing of summaries as a few flat values, for moving it between threads: one string holding
 * every id, description and account, and typed arrays for the rest. Posting 100,000 summary objects
 * costs the receiving thread about 100 ms to rebuild; this costs it one copy of the string and
 * cheap substrings.
 */
export type PackedSummaries = {
	count: number;
	/**
	 * Every id, one after the other. Apart from `text`: the rows' ids are slices of this string and
	 * keep it alive, and ids are ASCII, so one description in another script (which makes `text`
	 * two bytes per character) does not double the ids' memory too.
	 */
	ids: string;
	/** Per row, the end offset of its id in `ids`. */
	idEnds: Int32Array;
	/** Description, account of each row, one after the other. */
	text: string;
	/** Per row, the end offsets of its description and account in `text`. */
	ends: Int32Array;
	/** Per row, whether it has a description (bit 0) and an account (bit 1). */
	present: Uint8Array;
	/** Per row: created, expires, last used; NaN for none (summaries never hold NaN). */
	times: Float64Array;
	/** Per row, an index into `scopeLists`, or -1 for no scopes. */
	scopes: Int32Array;
	scopeLists: Array<readonly string[]>;
	/** The rows that have a problem (few, if any), each with it. */
	problems: Array<[row: number, problem: string]>;
	/** Per row, its risk (riskCode). Its `review` fields stay behind: they serve the reckoning of it. */
	risks: Uint8Array;
};

/** A risk as one byte: 0 not reckoned, 1 no finding, then each level. */
const riskCode = (risk: TokenSummary['risk']): number => (risk === undefined ? 0 : risk === null ? 1 : 2 + LEVELS.indexOf(risk));
const riskOf = (code: number): TokenSummary['risk'] => (code === 0 ? undefined : code === 1 ? null : LEVELS[code - 2]);

const HAS_DESCRIPTION = 1;
const HAS_ACCOUNT = 2;

export function packSummaries(summaries: readonly TokenSummary[]): PackedSummaries {
	const count = summaries.length;
	const idParts: string[] = [];
	const idEnds = new Int32Array(count);
	const parts: string[] = [];
	const ends = new Int32Array(count * 2);
	const present = new Uint8Array(count);
	const times = new Float64Array(count * 3);
	const scopes = new Int32Array(count);
	const scopeLists: Array<readonly string[]> = [];
	const scopeIndex = new Map<readonly string[], number>();
	const problems: Array<[number, string]> = [];
	const risks = new Uint8Array(count);
	let idOffset = 0;
	let offset = 0;
	for (let row = 0; row < count; row++) {
		const summary = summaries[row]!;
		const {id, description = '', account = ''} = summary;
		idParts.push(id);
		idEnds[row] = idOffset += id.length;
		parts.push(description, account);
		ends[row * 2] = offset += description.length;
		ends[row * 2 + 1] = offset += account.length;
		present[row] = (summary.description === undefined ? 0 : HAS_DESCRIPTION) | (summary.account === undefined ? 0 : HAS_ACCOUNT);
		times[row * 3] = summary.created ?? Number.NaN;
		times[row * 3 + 1] = summary.expires ?? Number.NaN;
		times[row * 3 + 2] = summary.lastUsed === UNREADABLE_TIME ? UNREADABLE_SLOT : (summary.lastUsed ?? Number.NaN);
		risks[row] = riskCode(summary.risk);
		if (summary.problem !== undefined) {
			problems.push([row, summary.problem]);
		}

		if (summary.scopes === undefined) {
			scopes[row] = -1;
		} else {
			// Summaries share one array per distinct scope list, so identity finds the duplicates.
			let index = scopeIndex.get(summary.scopes);
			if (index === undefined) {
				index = scopeLists.push(summary.scopes) - 1;
				scopeIndex.set(summary.scopes, index);
			}

			scopes[row] = index;
		}
	}

	return {count, ids: idParts.join(''), idEnds, text: parts.join(''), ends, present, times, scopes, scopeLists, problems, risks};
}

const timeAt = (times: Float64Array, at: number) => (Number.isNaN(times[at]) ? undefined : times[at]);

/** A last use that is stored but unreadable, in the times array: no time is negative infinity. */
const UNREADABLE_SLOT = Number.NEGATIVE_INFINITY;
const lastUsedAt = (times: Float64Array, at: number): LastUsed => (times[at] === UNREADABLE_SLOT ? UNREADABLE_TIME : timeAt(times, at));

/**
 * The summaries again. Given the previous listing (same order: id descending), a row whose fields
 * are all unchanged is that previous object rather than a new one, so a reload of 100,000 mostly
 * unchanged tokens allocates for the changed ones only and the app's memory does not double
 * while the old table is still on screen.
 */
export function unpackSummaries(
	packed: PackedSummaries,
	previous: readonly TokenSummary[] = [],
	/** Where in `previous` this part of a listing starts looking; moved past what it used. */
	cursor = {at: 0},
): TokenSummary[] {
	const {count, ids, idEnds, text, ends, present, times, scopes, risks} = packed;
	const scopeLists = packed.scopeLists.map(list => Object.freeze([...list]));
	const problems = new Map(packed.problems);
	const summaries: TokenSummary[] = Array.from({length: count});
	let idStart = 0;
	let start = 0;
	let {at} = cursor;
	for (let row = 0; row < count; row++) {
		const idEnd = idEnds[row]!;
		const descriptionEnd = ends[row * 2]!;
		const accountEnd = ends[row * 2 + 1]!;
		const flags = present[row]!;
		const scopeList = scopes[row]!;
		const id = ids.slice(idStart, idEnd);
		const problem = problems.get(row);
		const risk = riskOf(risks[row]!);
		while (at < previous.length && previous[at]!.id > id) {
			at++;
		}

		const before = previous[at];
		summaries[row] =
			before?.id === id &&
			sameText(before.description, flags & HAS_DESCRIPTION, text, start, descriptionEnd) &&
			sameText(before.account, flags & HAS_ACCOUNT, text, descriptionEnd, accountEnd) &&
			sameList(before.scopes, scopeList < 0 ? undefined : scopeLists[scopeList]) &&
			before.created === timeAt(times, row * 3) &&
			before.expires === timeAt(times, row * 3 + 1) &&
			before.lastUsed === lastUsedAt(times, row * 3 + 2) &&
			before.problem === problem &&
			before.risk === risk
				? before
				: {
						id,
						description: flags & HAS_DESCRIPTION ? text.slice(start, descriptionEnd) : undefined,
						account: flags & HAS_ACCOUNT ? text.slice(descriptionEnd, accountEnd) : undefined,
						scopes: scopeList < 0 ? undefined : scopeLists[scopeList],
						created: timeAt(times, row * 3),
						expires: timeAt(times, row * 3 + 1),
						lastUsed: lastUsedAt(times, row * 3 + 2),
						problem,
						review: undefined,
						risk,
					};
		idStart = idEnd;
		start = accountEnd;
	}

	cursor.at = at;
	return summaries;
}

/** Whether `value` is the text at start..end (or both are absent), without slicing it out. */
function sameText(value: string | undefined, present: number, text: string, start: number, end: number): boolean {
	return present ? value !== undefined && value.length === end - start && text.startsWith(value, start) : value === undefined;
}

function sameList(left: readonly string[] | undefined, right: readonly string[] | undefined): boolean {
	if (left === undefined || right === undefined) {
		return left === right;
	}

	return left.length === right.length && left.every((item, index) => item === right[index]);
}
