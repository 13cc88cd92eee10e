import type {UnreadableRecord} from '../store/index.js';
import {sanitizeText} from '../tokens/index.js';

/** How many skipped records are named, one line each, before the rest are only counted. */
const NAMED = 20;

/**
 * Warnings on stderr for the records a listing skipped because they cannot be read: one line per
 * record, naming its id, so the others still print and the operator can revoke the bad one; past
 * NAMED of them, one line with the count, so thousands of bad records are not thousands of lines.
 */
export function unreadableWarnings(say: (message: string) => void): {onUnreadable: (record: UnreadableRecord) => void; finish: () => void} {
	const seen = new Set<string>();
	return {
		onUnreadable({id, reason}) {
			// A hash field can appear twice in one scan (spec: HSCAN during a rehash).
			if (seen.has(id)) {
				return;
			}

			seen.add(id);
			if (seen.size <= NAMED) {
				// The id is a hash field and the reason names bytes of it: both are untrusted text.
				say(`ee-tokens: warning: skipped token ${sanitizeText(id)}: its record cannot be read (${sanitizeText(reason)}); ee-tokens revoke -t ID removes it`);
			}
		},
		finish() {
			if (seen.size > NAMED) {
				say(`ee-tokens: warning: skipped ${(seen.size - NAMED).toLocaleString('en-US')} more unreadable token records`);
			}
		},
	};
}
