import type {TokenStore} from '../store/index.js';

/**
 * How `log --follow` tells new entries from those already printed. An audit log is a list that
 * EmailEngine pushes onto (newest first) and trims at the tail (compatibility §1.7); its entries
 * carry no id, and once the list is full its length stays the same. So a follower keeps the newest
 * entries it has seen, byte for byte, and on each poll finds that run again at the top of the list:
 * whatever is above it is new. A run of several entries, not one, so two requests of the same
 * millisecond that stored the same bytes do not hide each other.
 */

/** How many of the newest entries identify the follower's place. */
export const PLACE_LENGTH = 16;

/** What one poll reads first; a quiet token costs one small LRANGE per poll. */
const FIRST_WINDOW = 64;

/** What a poll reads when more arrived than the first window holds: beyond it, entries are missed (and said so). */
const LAST_WINDOW = 4096;

/** The index in `window` where `place` starts again, or -1. An empty place is found at 0 of nothing: everything is new. */
export function findPlace(window: readonly Buffer[], place: readonly Buffer[]): number {
	if (place.length === 0) {
		return window.length;
	}

	for (let start = 0; start < window.length; start++) {
		const length = Math.min(place.length, window.length - start);
		let same = true;
		for (let offset = 0; offset < length && same; offset++) {
			same = window[start + offset]!.equals(place[offset]!);
		}

		// A run cut by the end of what was read counts only when the read reached the list's end.
		if (same) {
			return start;
		}
	}

	return -1;
}

export type Poll = {
	/** The new entries' stored bytes, newest first. */
	fresh: Buffer[];
	/** The place to look for on the next poll. */
	place: Buffer[];
	/** Whether entries may have been missed: more arrived than were read or kept, or the list was replaced. */
	gap: boolean;
};

/** One poll: what arrived above `place` since the last one. */
export async function poll(store: TokenStore, id: string, place: readonly Buffer[]): Promise<Poll> {
	// With no place yet (the log was empty), everything in the list is new: read it all, up to the last window.
	let window = place.length === 0 ? LAST_WINDOW : FIRST_WINDOW;
	for (;;) {
		// The place is read in full below the window, so a place cut by the window's end is not
		// taken for a match.
		const {total, raw} = await store.auditLogRange(id, 0, window + PLACE_LENGTH - 1);
		const readAll = raw.length >= total;
		if (place.length === 0) {
			const fresh = raw.slice(0, window);
			return {fresh, place: raw.slice(0, PLACE_LENGTH), gap: fresh.length < total};
		}

		const index = findPlace(raw, place);
		if (index !== -1 && (index + Math.min(place.length, PLACE_LENGTH) <= raw.length || readAll)) {
			return {fresh: raw.slice(0, index), place: raw.slice(0, PLACE_LENGTH), gap: false};
		}

		if (readAll || window >= LAST_WINDOW) {
			// The place is gone: more arrived than a poll reads, or than the list keeps (EmailEngine trims
			// its tail), or the list was deleted (the token was revoked) and written again. What was read
			// is new; whatever came between it and the place may be missed, so a non-empty list says so.
			return {fresh: raw.slice(0, window), place: raw.slice(0, PLACE_LENGTH), gap: raw.length > 0};
		}

		window = LAST_WINDOW;
	}
}
