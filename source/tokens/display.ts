/**
 * Everything read from Redis is untrusted when it reaches a terminal. C0 and C1 control characters
 * (ESC, BEL, CSI, OSC…) and the bidi overrides are replaced by visible placeholders, so a hostile
 * description cannot move the cursor, retitle the window or write to the clipboard.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

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

/** The furthest a Date reaches from 1970, either way (ECMAScript TimeClip): beyond it no calendar date exists. */
const MAX_TIME = 8.64e15;

/** Whether a Date can hold this time at all. */
const isCalendarTime = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME;

const pad2 = (value: number) => (value < 10 ? `0${value}` : `${value}`);
const pad3 = (value: number) => (value < 10 ? `00${value}` : value < 100 ? `0${value}` : `${value}`);
const DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
const LAST_FOUR_DIGIT_YEAR = 253_402_300_799_999;

/**
 * `toISOString()` of a time in ms, or undefined when no Date can hold it: times come from Redis,
 * and `new Date(1e300).toISOString()` throws. Whole milliseconds from 1970 to 9999 (every real
 * token) are formatted here with the civil-from-days arithmetic, three times faster than a Date,
 * which a 100,000-token JSON listing notices; anything else goes through a Date.
 */
export function isoTime(ms: number): string | undefined {
	if (!isCalendarTime(ms)) {
		return undefined;
	}

	if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR) {
		return new Date(ms).toISOString();
	}

	const days = Math.floor(ms / DAY);
	let rest = ms - days * DAY;
	// Howard Hinnant's days_from_civil, inverted: eras of 400 years, years starting in March.
	const shifted = days + 719_468;
	const era = Math.floor(shifted / 146_097);
	const dayOfEra = shifted - era * 146_097;
	const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
	const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
	const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	const hours = Math.floor(rest / 3_600_000);
	rest -= hours * 3_600_000;
	const minutes = Math.floor(rest / 60_000);
	rest -= minutes * 60_000;
	const seconds = Math.floor(rest / 1000);
	return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
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
			const count = Math.floor(abs / size);
			const text = `${count} ${unit}${count === 1 ? '' : 's'}`;
			return delta < 0 ? `${text} ago` : `in ${text}`;
		}
	}

	return delta < 0 ? 'just now' : 'in under a minute';
}

/** `2026-11-22 08:14` in UTC: sortable, unambiguous, narrow. */
export const shortDate = (time: number): string => isoTime(time)?.slice(0, 16).replace('T', ' ') ?? INVALID_DATE;
