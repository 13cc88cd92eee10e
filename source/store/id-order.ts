/**
 * EmailEngine's listing order (compatibility §7): ids descending by plain string comparison, each id once
 * (HSCAN may return a field twice).
 */

const descending = (left: string, right: string) => (left < right ? 1 : left > right ? -1 : 0);

/** The value of a lower-case hex digit, or -1. */
function hexDigit(code: number): number {
	if (code >= 0x30 && code <= 0x39) {
		return code - 0x30;
	}

	return code >= 0x61 && code <= 0x66 ? code - 0x57 : -1;
}

/**
 * Sorts in place. Token ids are 64 lower-case hex digits, so each gets a number made of its first
 * digits and its position, and one native sort of a Float64Array orders them: at 100,000 ids that
 * is a few times faster than comparing strings. Ids sharing those first digits (rare) are then
 * ordered by comparing them whole. Anything else in the hash (not hex, other lengths) takes a
 * plain comparison sort, which gives the same order.
 */
export function sortByIdDescending<T>(items: T[], idOf: (item: T) => string = item => (item as {id: string}).id): void {
	const count = items.length;
	// Positions take the low bits; the first hex digits fill what is left of a double's 53.
	const positionBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
	const digits = Math.floor((53 - positionBits) / 4);
	const scale = 2 ** positionBits;
	const keys = new Float64Array(count);
	for (let index = 0; index < count; index++) {
		const id = idOf(items[index]!);
		let prefix = id.length === 64 ? 0 : -1;
		for (let at = 0; at < digits && prefix >= 0; at++) {
			const digit = hexDigit(id.charCodeAt(at));
			prefix = digit < 0 ? -1 : prefix * 16 + digit;
		}

		if (prefix < 0 || digits < 1) {
			sortByComparison(items, idOf);
			return;
		}

		keys[index] = prefix * scale + index;
	}

	keys.sort();
	const sorted: T[] = [];
	// Largest key first; a run of equal prefixes is ordered by the whole id.
	for (let at = count - 1; at >= 0;) {
		const prefix = Math.floor(keys[at]! / scale);
		let start = at;
		while (start > 0 && Math.floor(keys[start - 1]! / scale) === prefix) {
			start--;
		}

		if (start === at) {
			sorted.push(items[keys[at]! % scale]!);
		} else {
			const run: T[] = [];
			for (let index = start; index <= at; index++) {
				run.push(items[keys[index]! % scale]!);
			}

			run.sort((a, b) => descending(idOf(a), idOf(b)));
			// Equal ids share a prefix, so repeats can only be within a run.
			for (const [index, item] of run.entries()) {
				if (index === 0 || idOf(run[index - 1]!) !== idOf(item)) {
					sorted.push(item);
				}
			}
		}

		at = start - 1;
	}

	for (const [index, item] of sorted.entries()) {
		items[index] = item;
	}

	items.length = sorted.length;
}

function sortByComparison<T>(items: T[], idOf: (item: T) => string): void {
	items.sort((a, b) => descending(idOf(a), idOf(b)));
	keepFirstOfEach(items, idOf);
}

/** Drops repeats of an id in a sorted array (they are next to each other). */
function keepFirstOfEach<T>(items: T[], idOf: (item: T) => string): void {
	let length = 0;
	for (const item of items) {
		if (length === 0 || idOf(items[length - 1]!) !== idOf(item)) {
			items[length++] = item;
		}
	}

	items.length = length;
}

/**
 * The `count` greatest ids, descending, distinct: what sortByIdDescending(ids).slice(0, count)
 * gives, in one pass that compares most ids only with the smallest one kept.
 */
export function topByIdDescending(ids: readonly string[], count: number): string[] {
	const top: string[] = [];
	for (const id of ids) {
		if (top.length === count && id <= top[count - 1]!) {
			continue;
		}

		let at = top.length;
		while (at > 0 && top[at - 1]! < id) {
			at--;
		}

		if (top[at - 1] === id) {
			continue;
		}

		top.splice(at, 0, id);
		if (top.length > count) {
			top.pop();
		}
	}

	return top;
}

/**
 * Gives each item (already in listing order) the value the other hash holds under its id: the
 * pairs come in scan order, so they are put in listing order too and the two walked side by side.
 * At 100,000 tokens this is several times cheaper than a Map from id to value, whose cost is
 * hashing every 64-character id twice.
 */
export function joinById<T, V>(
	items: readonly T[],
	idOf: (item: T) => string,
	ids: readonly string[],
	values: readonly V[],
	attach: (item: T, value: V) => void,
): void {
	const order = Array.from(ids.keys());
	sortByIdDescending(order, index => ids[index]!);
	let at = 0;
	for (const item of items) {
		const id = idOf(item);
		while (at < order.length && ids[order[at]!]! > id) {
			at++;
		}

		if (at < order.length && ids[order[at]!] === id) {
			attach(item, values[order[at]!]!);
		}
	}
}
