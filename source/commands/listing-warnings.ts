import type {UnreadableRecord} from '../store/index.js';
import {sanitizeText} from '../format/index.js';
import {isHex64} from '../tokens/index.js';

/** How many records of each kind are named, one line each, before the rest are only counted. */
const NAMED = 20;

type Warnings = {
	/** A record the listing skipped because it cannot be read. */
	onUnreadable: (record: UnreadableRecord) => void;
	/** A listed token that can never authenticate (recordProblem). */
	onUnusable: (id: string, problem: string) => void;
	/** An exported token whose string our own import would refuse, and why (importRefusal). */
	onUnimportable: (id: string, problem: string) => void;
	/** The counts past the named ones. */
	finish: () => void;
};

/**
 * Warnings on stderr about a listing's bad records: one line per record, naming its id, so the
 * others still print and the operator can revoke or fix the bad one; past NAMED of a kind, one
 * line with the count, so thousands of bad records are not thousands of lines.
 */
export function listingWarnings(say: (message: string) => void): Warnings {
	const unreadable = new Set<string>();
	const unusable = new Set<string>();
	const unimportable = new Set<string>();
	// A hash field can appear twice in one scan (HSCAN during a rehash): each id is said once.
	const once = (seen: Set<string>, id: string, line: () => string) => {
		if (!seen.has(id)) {
			seen.add(id);
			if (seen.size <= NAMED) {
				say(line());
			}
		}
	};

	return {
		onUnreadable({id, reason}) {
			// The id is a hash field and the reason names bytes of it: both are untrusted text.
			once(
				unreadable,
				id,
				() => `ee-tokens: warning: skipped token ${sanitizeText(id)}: its record cannot be read (${sanitizeText(reason)}); ${remedy(id)}`,
			);
		},
		onUnusable(id, problem) {
			once(unusable, id, () => `ee-tokens: warning: token ${sanitizeText(id)} can never authenticate: ${sanitizeText(problem)}`);
		},
		onUnimportable(id, problem) {
			once(
				unimportable,
				id,
				() => `ee-tokens: warning: the export string of token ${sanitizeText(id)} is refused by ee-tokens import: ${sanitizeText(problem)}`,
			);
		},
		finish() {
			if (unreadable.size > NAMED) {
				say(`ee-tokens: warning: skipped ${(unreadable.size - NAMED).toLocaleString('en-US')} more unreadable token records`);
			}

			if (unusable.size > NAMED) {
				say(`ee-tokens: warning: ${(unusable.size - NAMED).toLocaleString('en-US')} more tokens can never authenticate`);
			}

			if (unimportable.size > NAMED) {
				say(
					`ee-tokens: warning: ${(unimportable.size - NAMED).toLocaleString('en-US')} more export strings are refused by ee-tokens import`,
				);
			}
		},
	};
}

/**
 * How to be rid of a record that cannot be read. `revoke -t` takes 64 hex characters (what
 * EmailEngine's own delete takes); an id another writer made of anything else is revoked in the
 * app, whose rows name records by their stored id.
 */
const remedy = (id: string): string =>
	isHex64(id) ? 'ee-tokens revoke -t ID removes it' : 'its id is no 64 hex characters, so revoke it from its row in the app (ee-tokens)';
