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

/** "3 minutes ago", "in 2 days": short relative times for table cells. */
export function relativeTime(time: number, now: number): string {
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
export const shortDate = (time: number): string => new Date(time).toISOString().slice(0, 16).replace('T', ' ');
