import {INVALID_DATE, type Restrictions, type TokenEntry, isoTime, relativeTime, restrictionsOf, sanitizeText, toMillis} from '../../tokens/index.js';

const iso = (ms: number) => isoTime(ms) ?? INVALID_DATE;

function show(value: unknown): string {
	if (value instanceof Date) {
		return iso(value.getTime());
	}

	if (typeof value === 'string') {
		return value;
	}

	if (value instanceof Uint8Array) {
		return `<${value.length} bytes>`;
	}

	return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Date ? iso(inner.getTime()) : inner)) ?? String(value);
}

/** Restrictions as people read them, in the details view and in the issue wizard's review. */
export function restrictionLines(restrictions: Restrictions | undefined): Array<[string, string]> {
	const rate = restrictions?.rateLimit;
	return [
		['IP allowlist', sanitizeText(restrictions?.addresses?.join(', ') || 'any address')],
		['referrers', sanitizeText(restrictions?.referrers?.join(', ') || 'any referrer')],
		['rate limit', rate ? `${rate.maxRequests} requests per ${rate.timeWindow} s` : 'none'],
	];
}

/**
 * The details view's lines: the id, every field of the record in stored order (dates with their
 * relative time), restrictions spelled out, and the last use. Every value is sanitised.
 */
export function detailLines(entry: TokenEntry, now: number): Array<[string, string]> {
	const lines: Array<[string, string]> = [['id', entry.id]];
	for (const [key, value] of Object.entries(entry.record)) {
		if (key === 'restrictions') {
			continue;
		}

		const ms = key === 'created' || key === 'expires' ? toMillis(value) : undefined;
		const text = ms === undefined ? show(value) : `${iso(ms)} (${relativeTime(ms, now)})`;
		lines.push([key, sanitizeText(text)]);
	}

	const restrictions = restrictionsOf(entry.record);
	if (restrictions) {
		lines.push(['restrictions', '']);
		for (const [label, value] of restrictionLines(restrictions)) {
			lines.push([`  ${label}`, value]);
		}
	} else if (entry.record['restrictions'] !== undefined) {
		lines.push(['restrictions', sanitizeText(show(entry.record['restrictions']))]);
	} else {
		lines.push(['restrictions', 'none']);
	}

	const time = entry.lastUse?.time ?? undefined;
	lines.push(['last used', time === undefined ? 'never' : `${iso(time)} (${relativeTime(time, now)})`]);
	lines.push(['last used from', sanitizeText(entry.lastUse?.ip ?? '—')]);
	return lines;
}

/** Scroll position of a read-only view: clamped so the last page stays full. */
export function scrollBy(offset: number, delta: number, total: number, height: number): number {
	return Math.max(0, Math.min(Math.max(0, total - height), offset + delta));
}
