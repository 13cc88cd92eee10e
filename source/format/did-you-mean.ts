import {distance} from 'fastest-levenshtein';

/**
 * The known name closest to a typo, if one is close enough to be what was meant: one edit for a
 * short name, two from five characters on (`isue` → issue, `--scpoe` → --scope). A suggestion only:
 * nothing ever runs the name suggested. fastest-levenshtein rather than a hand-written distance:
 * it is small, typed, dependency-free and what webpack and stylelint use.
 */
export function closestName(typed: string, known: Iterable<string>): string | undefined {
	const limit = typed.length >= 5 ? 2 : typed.length >= 3 ? 1 : 0;
	let best: {name: string; edits: number} | undefined;
	for (const name of known) {
		const edits = distance(typed.toLowerCase(), name.toLowerCase());
		if (edits <= limit && (best === undefined || edits < best.edits)) {
			best = {name, edits};
		}
	}

	return best?.name;
}

/**
 * `; did you mean X? Then` or `; then`: the typo's suggestion, if a known name is close, joined to
 * the sentence that follows it (`then` begins lower-case and is capitalised after a question).
 */
export function didYouMean(typed: string, known: Iterable<string>, then: string, spell: (name: string) => string = name => name): string {
	const name = closestName(typed, known);
	return name === undefined ? `; ${then}` : `; did you mean ${spell(name)}? ${then.charAt(0).toUpperCase()}${then.slice(1)}`;
}
