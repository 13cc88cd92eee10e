import {UNSAFE_IN_JSON, isCalendarTime, isoTime} from '../tokens/index.js';

/**
 * Everything read from Redis is untrusted when it reaches a terminal. C0 and C1 control characters
 * (ESC, BEL, CSI, OSC…) and the bidi overrides are replaced by visible placeholders, so a hostile
 * description cannot move the cursor, retitle the window or write to the clipboard.
 */
const CONTROL = new RegExp(`[\\u0000-\\u001F${UNSAFE_IN_JSON}]`, 'g');

export const sanitizeText = (value: string): string =>
	value.replaceAll(CONTROL, character => {
		const code = character.codePointAt(0)!;
		// Tabs and newlines become spaces so a row stays a row; the rest become a visible mark.
		return code === 0x09 || code === 0x0a || code === 0x0d ? ' ' : '\uFFFD';
	});

/** The most characters of one value a screen shows: a cell or a line never needs more. */
export const DISPLAY_LIMIT = 1024;

/** Levels of a nested value shown before `…`: a real record has three (restrictions → rateLimit). */
export const DISPLAY_DEPTH = 6;

/** The first `limit` UTF-16 units of a string, never half a surrogate pair. */
function head(text: string, limit: number): string {
	const end = limit > 0 && text.charCodeAt(limit - 1) >= 0xd8_00 && text.charCodeAt(limit - 1) <= 0xdb_ff ? limit - 1 : limit;
	return text.slice(0, end);
}

/** A scalar, or a marker for a container: what one step of the walk below writes. */
function scalarText(value: unknown, quoted: boolean, limit: number): string | undefined {
	switch (typeof value) {
		case 'string': {
			const text = value.length > limit ? `${head(value, limit)}…` : value;
			return quoted ? JSON.stringify(text) : text;
		}

		case 'number':
		case 'bigint':
		case 'boolean': {
			return String(value);
		}

		case 'undefined': {
			return quoted ? 'undefined' : '';
		}

		case 'object': {
			if (value === null) {
				return 'null';
			}

			if (value instanceof Date) {
				return isoTime(value.getTime()) ?? INVALID_DATE;
			}

			if (value instanceof Uint8Array) {
				return `<${value.length} bytes>`;
			}

			return undefined;
		}

		default: {
			// Functions and symbols never come out of msgpack; say what they are, not what they hold.
			return `<${typeof value}>`;
		}
	}
}

type Frame = {close: string; items: Array<[string | undefined, unknown]>; next: number; depth: number};

/**
 * Any value read from Redis (or an export string) as one line of text that is safe on a terminal
 * and bounded, whatever its type, size or depth: the one sanitiser every view goes through.
 * Strings as they are, numbers and booleans as themselves, dates in ISO, bytes as their count,
 * lists and maps as compact JSON-like text. Containers are walked with an explicit stack (a value
 * nested 200,000 levels deep is six levels and `…`), and the walk stops once `limit` characters
 * are written (a 1 MB description costs 1,024 characters), so no value makes a view spin.
 */
export function displayText(value: unknown, limit = DISPLAY_LIMIT): string {
	const top = scalarText(value, false, limit);
	if (top !== undefined) {
		return sanitizeText(top);
	}

	let out = '';
	const stack: Frame[] = [];
	const open = (container: object, depth: number) => {
		if (depth >= DISPLAY_DEPTH) {
			out += '…';
			return;
		}

		if (Array.isArray(container)) {
			out += '[';
			// Only as many items as could still be shown: each takes at least one character.
			const items = container.slice(0, Math.max(0, limit - out.length)).map((item): [undefined, unknown] => [undefined, item]);
			stack.push({close: container.length > items.length ? ',…]' : ']', items, next: 0, depth});
			return;
		}

		out += '{';
		const items: Array<[string, unknown]> = [];
		let more = false;
		for (const key in container) {
			if (!Object.hasOwn(container, key)) {
				continue;
			}

			if (items.length >= limit - out.length) {
				more = true;
				break;
			}

			items.push([key, (container as Record<string, unknown>)[key]]);
		}

		stack.push({close: more ? ',…}' : '}', items, next: 0, depth});
	};

	open(value as object, 0);
	while (stack.length > 0 && out.length <= limit) {
		const frame = stack.at(-1)!;
		if (frame.next >= frame.items.length) {
			out += frame.close;
			stack.pop();
			continue;
		}

		const [key, item] = frame.items[frame.next]!;
		if (frame.next > 0) {
			out += ',';
		}

		frame.next++;
		if (key !== undefined) {
			out += `${JSON.stringify(head(key, limit))}:`;
		}

		const text = scalarText(item, true, limit - out.length);
		if (text === undefined) {
			open(item as object, frame.depth + 1);
		} else {
			out += text;
		}
	}

	return sanitizeText(out.length > limit || stack.length > 0 ? `${head(out, limit)}…` : out);
}

/** What a person sees for a time no calendar holds (a hostile or corrupt record). */
export const INVALID_DATE = 'invalid date';

/** "3 minutes ago", "in 2 days": short relative times for table cells. */
export function relativeTime(time: number, now: number): string {
	if (!isCalendarTime(time)) {
		return INVALID_DATE;
	}

	const delta = time - now;
	const abs = Math.abs(delta);
	const units: Array<[string, number]> = [
		['year', 365 * 86_400_000],
		['month', 30 * 86_400_000],
		['day', 86_400_000],
		['hour', 3_600_000],
		['minute', 60_000],
	];
	for (const [unit, size] of units) {
		if (abs >= size) {
			// Rounded, not floored: a token issued for 30d reads "in 30 days", not "in 29 days" a
			// second later.
			const count = Math.round(abs / size);
			const text = `${count} ${unit}${count === 1 ? '' : 's'}`;
			return delta < 0 ? `${text} ago` : `in ${text}`;
		}
	}

	return delta <= 0 ? 'just now' : 'in under a minute';
}

/** A length of time as relativeTime says it, without the direction: "12 hours", "30 days". */
export const spanText = (ms: number): string => relativeTime(ms, 0).replace(/^in /, '');

/** `2026-11-22 08:14` in UTC: sortable, unambiguous, narrow. */
/** A token without an expiry, as every view says it: "never" is for a token never used. */
export const NO_EXPIRY = 'no expiry';

export const shortDate = (time: number): string => isoTime(time)?.slice(0, 16).replace('T', ' ') ?? INVALID_DATE;

/** A count of tokens for people: "1 token", "10,000 tokens". */
export const tokenCount = (count: number): string => `${count.toLocaleString('en-US')} token${count === 1 ? '' : 's'}`;

/**
 * At most `limit` lines of `items`, then one saying how many more there are (`more` gets the count
 * written out): a plan of hundreds of tokens still fits its screen or dialog (sync, the app's copy).
 */
export function boundedLines<T>(items: readonly T[], limit: number, line: (item: T) => string, more: (count: string) => string): string[] {
	const lines = items.slice(0, limit).map(item => line(item));
	if (items.length > limit) {
		lines.push(more((items.length - limit).toLocaleString('en-US')));
	}

	return lines;
}
