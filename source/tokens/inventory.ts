import {SCOPES, isScope} from './scopes.js';
import {problemIsAbout} from './record-shape.js';
import type {TokenSummary} from './summary.js';

/**
 * What /metrics says about the stored tokens (its `api_tokens*` gauges), counted from the listing
 * the app and `list` read. Expired tokens are not counted, as EmailEngine does not list them.
 * Plain numbers and a plain object only: a large instance's inventory is counted in the loader
 * child and sent back as JSON (store/summaries-in-child.ts), 100,000 summaries reduced to these.
 */
export type Inventory = {
	tokens: number;
	/** Tokens listing each scope label (a token with two scopes counts under both), every label present. */
	byScope: Record<ScopeLabel, number>;
	bound: number;
	unbound: number;
	expiringSoon: number;
	neverUsed: number;
	unused: number;
	/** Records skipped because they cannot be read. */
	unreadable: number;
};

/**
 * The only values the scope label takes: stored scopes are untrusted, and each distinct label
 * value is a time series in Prometheus, so a hostile record's made-up scope counts as `invalid`
 * instead of creating one. `none`: an empty list; `unset`: no scopes field (every scope).
 */
export const SCOPE_LABELS = [...SCOPES, 'none', 'unset', 'invalid'] as const;
export type ScopeLabel = (typeof SCOPE_LABELS)[number];

const DAY = 86_400_000;
export const EXPIRING_WITHIN_DAYS = 7;
export const UNUSED_DAYS = 90;

function scopeLabelsOf(summary: TokenSummary): Set<ScopeLabel> {
	const {scopes} = summary;
	if (scopes === undefined) {
		// A scopes field that is not a list reads as none here, but refuses every request: not `unset`.
		// Absent scopes with another field broken are still unset (list says "no scope limit").
		return new Set([problemIsAbout(summary.problem, 'scopes') ? 'invalid' : 'unset']);
	}

	if (scopes.length === 0) {
		return new Set(['none']);
	}

	return new Set(scopes.map(scope => (isScope(scope) ? scope : 'invalid')));
}

/** The counts of one listing at `now`. Pure. */
export function inventoryOf(summaries: readonly TokenSummary[], unreadable: number, now: number): Inventory {
	const byScope = Object.fromEntries(SCOPE_LABELS.map(label => [label, 0])) as Record<ScopeLabel, number>;
	const inventory: Inventory = {tokens: 0, byScope, bound: 0, unbound: 0, expiringSoon: 0, neverUsed: 0, unused: 0, unreadable};
	for (const summary of summaries) {
		inventory.tokens++;
		for (const label of scopeLabelsOf(summary)) {
			byScope[label]++;
		}

		if (summary.account === undefined) {
			inventory.unbound++;
		} else {
			inventory.bound++;
		}

		if (summary.expires !== undefined && summary.expires - now <= EXPIRING_WITHIN_DAYS * DAY) {
			inventory.expiringSoon++;
		}

		if (summary.lastUsed === undefined) {
			inventory.neverUsed++;
		}

		// Not used for 90 days: last used that long ago, or never used and created that long ago
		// (review's `unused` and `never-used` findings); a record without a creation time, or whose
		// last use cannot be read, is not counted.
		const since = summary.lastUsed ?? summary.created;
		if (typeof since === 'number' && now - since >= UNUSED_DAYS * DAY) {
			inventory.unused++;
		}
	}

	return inventory;
}
