import {createHash} from 'node:crypto';
import {LEVELS, type TokenSummary, UNREADABLE_TIME} from '../tokens/index.js';

/**
 * A listing of summaries as a few flat values, for moving it between processes (the loader child
 * sends these as JSON) and for keeping it (summary-table.ts): one string of ids, one of
 * descriptions and accounts, and arrays of small integers and times for the rest. 100,000 summary
 * objects cost the receiving process about 100 ms to rebuild and 40 MB to hold; this costs it the
 * strings and the arrays, which the table keeps as they are.
 *
 * Plain JSON on purpose, not typed arrays through Node's advanced serialisation: that one joins
 * each whole message into one Buffer (1.7 MB a part at 10,000 rows), and those Buffers, freed
 * only at the next collection, left the receiving process's malloc heap fragmented by 15 to 30 MB
 * at 100,000 tokens. A JSON message is read as text into the JavaScript heap.
 */
export type PackedSummaries = {
	count: number;
	/**
	 * Every id, one after the other. Apart from `text`: ids are ASCII, so one description in another
	 * script (which makes `text` two bytes per character) does not double the ids' memory too.
	 */
	ids: string;
	/** Per row, the end offset of its id in `ids` (it starts where the row before it ends). */
	idEnds: number[];
	/** Description, account of each row, one after the other. */
	text: string;
	/** Per row, the end offsets of its description and account in `text`. */
	ends: number[];
	/** Per row: whether it has a description and an account, its risk and its scope list (FLAGS). */
	flags: number[];
	/** Per row: created, expires, last used (milliseconds); null for none, and for a last use that cannot be read. */
	times: Array<number | null>;
	/** The rows whose last use is stored but cannot be read (UNREADABLE_TIME): few, if any. */
	unreadableUse: number[];
	/** The distinct scope lists; a row's flags name one (plus one; 0 is none). */
	scopeLists: string[][];
	/** The rows that have a problem (few, if any), each with it. */
	problems: Array<[row: number, problem: string]>;
};

/** The bits of a row's `flags`: description present, account present, the risk (riskCode), then the scope list + 1. */
export const FLAGS = {description: 1, account: 2, riskShift: 2, riskMask: 7, scopeShift: 5} as const;

/** A risk as a small integer: 0 not reckoned, 1 no finding, then each level. Its `review` fields stay behind: they serve the reckoning of it. */
const riskCode = (risk: TokenSummary['risk']): number => (risk === undefined ? 0 : risk === null ? 1 : 2 + LEVELS.indexOf(risk));
export const riskOf = (code: number): TokenSummary['risk'] => (code === 0 ? undefined : code === 1 ? null : LEVELS[code - 2]);

export function packSummaries(summaries: readonly TokenSummary[]): PackedSummaries {
	const count = summaries.length;
	const idParts: string[] = [];
	const idEnds: number[] = [];
	const parts: string[] = [];
	const ends: number[] = [];
	const flags: number[] = [];
	const times: Array<number | null> = [];
	const unreadableUse: number[] = [];
	const scopeLists: string[][] = [];
	const scopeIndex = new Map<readonly string[], number>();
	const problems: Array<[number, string]> = [];
	let idOffset = 0;
	let offset = 0;
	for (let row = 0; row < count; row++) {
		const summary = summaries[row]!;
		const {id, description = '', account = ''} = summary;
		idParts.push(id);
		idEnds.push((idOffset += id.length));
		parts.push(description, account);
		ends.push((offset += description.length), (offset += account.length));
		let scopes = 0;
		if (summary.scopes !== undefined) {
			// Summaries share one array per distinct scope list, so identity finds the duplicates.
			let index = scopeIndex.get(summary.scopes);
			if (index === undefined) {
				index = scopeLists.push([...summary.scopes]) - 1;
				scopeIndex.set(summary.scopes, index);
			}

			scopes = index + 1;
		}

		flags.push(
			(summary.description === undefined ? 0 : FLAGS.description) |
				(summary.account === undefined ? 0 : FLAGS.account) |
				(riskCode(summary.risk) << FLAGS.riskShift) |
				(scopes << FLAGS.scopeShift),
		);
		if (summary.lastUsed === UNREADABLE_TIME) {
			unreadableUse.push(row);
		}

		times.push(summary.created ?? null, summary.expires ?? null, summary.lastUsed === UNREADABLE_TIME ? null : (summary.lastUsed ?? null));
		if (summary.problem !== undefined) {
			problems.push([row, summary.problem]);
		}
	}

	return {count, ids: idParts.join(''), idEnds, text: parts.join(''), ends, flags, times, unreadableUse, scopeLists, problems};
}

/**
 * What a reload compares of a part (summaries-child.ts), as two digests: `rows`, everything but
 * the times (ids, texts, flags, scope lists, problems), and `times`, the times and which last uses
 * are unreadable. Between two reloads mostly a last use moves: a part whose `rows` did not change
 * need not cross again, and one whose `times` did not either, not at all.
 */
export type PartFingerprint = {rows: string; times: string};

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64');

export function fingerprintOf(part: PackedSummaries): PartFingerprint {
	const {count, ids, idEnds, text, ends, flags, scopeLists, problems, times, unreadableUse} = part;
	return {rows: digest([count, ids, idEnds, text, ends, flags, scopeLists, problems]), times: digest([times, unreadableUse])};
}
