import {matchableAddress, matchableRange} from '../tokens/index.js';

/**
 * The per-token restrictions of compatibility §6.5–6.6 as pure functions: which client addresses and
 * referrers pass, and the fixed rate-limit window a request falls into.
 */

/**
 * Whether a client address is allowed by an `addresses` list: CIDR entries (family must match)
 * or single addresses compared in normalised form. Unparsable entries are skipped, never matched.
 */
export function addressAllowed(clientIp: string, entries: readonly unknown[]): boolean {
	const client = matchableAddress(clientIp);
	if (!client) {
		return false;
	}

	for (const entry of entries) {
		if (typeof entry !== 'string') {
			continue;
		}

		if (/\/\d+$/.test(entry)) {
			const range = matchableRange(entry);
			if (range && range[0].kind() === client.kind() && client.match(range)) {
				return true;
			}

			continue;
		}

		const address = matchableAddress(entry);
		if (address && address.kind() === client.kind() && address.toNormalizedString() === client.toNormalizedString()) {
			return true;
		}
	}

	return false;
}

const globCache = new Map<string, RegExp>();

/** `*` is any sequence, everything else literal, anchored at both ends, case-sensitive. */
function globToRegExp(pattern: string): RegExp {
	let regexp = globCache.get(pattern);
	if (!regexp) {
		const source = pattern
			.split('*')
			.map(part => part.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&'))
			.join('.*');
		regexp = new RegExp(`^${source}$`, 's');
		if (globCache.size > 1000) {
			globCache.clear();
		}

		globCache.set(pattern, regexp);
	}

	return regexp;
}

/**
 * Whether the Referer header passes the `referrers` globs. EmailEngine tests a missing header as the
 * literal text "undefined" (compatibility §6.5), so a bare `*` still lets header-less requests through.
 */
export function referrerAllowed(referer: string | undefined, patterns: readonly unknown[]): boolean {
	const value = referer ?? 'undefined';
	return patterns.some(pattern => typeof pattern === 'string' && globToRegExp(pattern).test(value));
}

/** 2000-01-01T00:00:00Z: EmailEngine counts rate-limit windows from here (compatibility §6.6). */
export const RATE_LIMIT_EPOCH = 946_684_800_000;

export type RateWindow = {
	/** Window length in seconds, the `W` of the key. */
	window: number;
	/** Window number since the epoch, the `B` of the key. */
	bucket: number;
	/** Seconds until the window ends, rounded up: what X-RateLimit-Reset and the 429 `ttl` say. */
	reset: number;
};

/** The fixed window `nowMs` falls into, for a window of `seconds` (a positive integer: tokens/rateLimitOf). */
export function rateWindow(seconds: number, nowMs: number): RateWindow {
	// Capped where Redis's EXPIRE still takes it (in ms, from now).
	const window = Math.min(seconds, 2 ** 31 - 1);
	const bucket = Math.floor((nowMs - RATE_LIMIT_EPOCH) / (window * 1000));
	const end = (bucket + 1) * window * 1000 + RATE_LIMIT_EPOCH;
	return {window, bucket, reset: Math.ceil((end - nowMs) / 1000)};
}
