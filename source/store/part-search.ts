// A filter's search in one packed part of a table (store/table-part.ts): the part's own copy of
// its text to search in, made at the first search, and the sweep that marks the rows it shows.
import {type TokenSummary, cellsNotLoweredInPlace, visibleCellsOf} from '../tokens/index.js';
import {FLAGS} from './summary-pack.js';
import {PackedRow, type Part} from './table-part.js';

/**
 * What a part's rows are searched in (SummaryTable.rowsShowing), made at the first search of the
 * part and kept with it: one lower-cased copy of its text, not a string per row. Nothing is made
 * for a table nobody filters; the app used to build every row's visible text after each load (and
 * reload, every 10 seconds), 100,000 strings whether or not anyone filtered.
 */
type PartSearch = {
	/** The part's text lower-cased: a description or account not in cellsNotLoweredInPlace() is at the same offsets. */
	lower: string;
	/** Rows searched through their visible text instead: a problem, or a description or account not lower-cased in place (few, if any). */
	irregular: ReadonlySet<number>;
	/** The visible Scopes cell of each scope list (index as in a row's flags: 0 is none). */
	scopes: readonly string[];
	/** The visible Account cell of a row without one. */
	noAccount: string;
};

const searches = new WeakMap<Part, PartSearch>();
const NOT_ASCII = /[\u0080-\uFFFF]/;
const NO_FIELDS: TokenSummary = {
	id: '',
	description: undefined,
	account: undefined,
	scopes: undefined,
	created: undefined,
	expires: undefined,
	lastUsed: undefined,
	problem: undefined,
	review: undefined,
	risk: undefined,
};

function searchOf(part: Part): PartSearch {
	let search = searches.get(part);
	if (!search) {
		const {text, ends, problems} = part;
		const irregular = new Set<number>(problems.keys());
		// Cells come two a row, description then account.
		for (const cell of cellsNotLoweredInPlace(text, ends)) {
			irregular.add(cell >> 1);
		}

		// The cells of a row with these scopes and no problem, description or account: what each scope list and no account show.
		const cellsWith = (scopes: readonly string[] | undefined) => visibleCellsOf({...NO_FIELDS, scopes});
		const [, noScopes, noAccount] = cellsWith(undefined);
		search = {
			// Lower-casing anything but ASCII can change the length, which would move every cell after it.
			lower: NOT_ASCII.test(text) ? text.replaceAll(/[A-Z]+/g, capitals => capitals.toLowerCase()) : text.toLowerCase(),
			irregular,
			scopes: [noScopes, ...part.scopeLists.map(list => cellsWith(list)[1])],
			noAccount,
		};
		searches.set(part, search);
	}

	return search;
}

/**
 * Marks in `shown` (one byte per row of the whole table, 1 for shown) each row of `part` whose
 * visible text (visibleTextOf) includes `word`, a normalised query word (no newline, so never
 * across two cells). One pass over the part's lower-cased text from one occurrence of the word to
 * the next, each laid on the row whose cell holds it: no string is made per row, and a keystroke
 * of the filter costs a scan of the text, not 10,000 slices.
 */
export function markRowsShowing(part: Part, word: string, shown: Uint8Array): void {
	const search = searchOf(part);
	const {ends, flags, count, start: first} = part;
	let row = 0;
	for (let at = search.lower.indexOf(word); at !== -1; at = search.lower.indexOf(word, at + 1)) {
		while (ends[row * 2 + 1]! <= at) {
			row++;
		}

		// In the description (it ends at ends[row * 2]) or in the account, never across the two.
		const end = at + word.length;
		if (end <= ends[row * 2]! || (at >= ends[row * 2]! && end <= ends[row * 2 + 1]!)) {
			shown[first + row] = 1;
		}
	}

	const scopes = search.scopes.map(text => text.includes(word));
	const noAccount = search.noAccount.includes(word);
	for (row = 0; row < count; row++) {
		const rowFlags = flags[row]!;
		if (scopes[rowFlags >> FLAGS.scopeShift] || (noAccount && (rowFlags & FLAGS.account) === 0)) {
			shown[first + row] = 1;
		}
	}

	for (const irregular of search.irregular) {
		shown[first + irregular] = visibleCellsOf(new PackedRow(part, irregular)).some(cell => cell.includes(word)) ? 1 : 0;
	}
}
