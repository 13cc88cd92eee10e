import {type RedisTarget, type TokenStore, loadSummaries} from '../store/index.js';
import {SCOPES, type TokenSummary, isScope, problemIsAbout} from '../tokens/index.js';

/**
 * What /metrics says about the stored tokens (its `api_tokens*` gauges): counted from the same
 * listing the app and `list` read (loadSummaries: here for a small instance, in a child process
 * for a large one), so no second way of decoding records exists. Expired tokens are not counted,
 * as EmailEngine does not list them.
 */
export type Inventory = {
	tokens: number;
	/** Tokens listing each scope label (a token with two scopes counts under both). */
	byScope: Map<ScopeLabel, number>;
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
	const byScope = new Map<ScopeLabel, number>(SCOPE_LABELS.map(label => [label, 0]));
	const inventory: Inventory = {tokens: 0, byScope, bound: 0, unbound: 0, expiringSoon: 0, neverUsed: 0, unused: 0, unreadable};
	for (const summary of summaries) {
		inventory.tokens++;
		for (const label of scopeLabelsOf(summary)) {
			byScope.set(label, byScope.get(label)! + 1);
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

/** Reads the inventory through the store's listing (in a child process from IN_PROCESS_LIMIT tokens). */
export function inventoryReader(store: TokenStore, target: RedisTarget | undefined): () => Promise<Inventory> {
	return async () => {
		let unreadable = 0;
		const options = {
			onUnreadable() {
				unreadable++;
			},
		};
		// Without a target (a server made in a test) there is no child to fork: read here.
		const summaries = target ? (await loadSummaries(store, target, options)).summaries : await store.summaries(options);
		return inventoryOf(summaries, unreadable, store.now());
	};
}

export type InventoryCacheOptions = {
	read: () => Promise<Inventory>;
	now: () => number;
	/** How long a read inventory is answered with before a scrape reads it again. */
	cacheMs: number;
	/** How long a scrape waits for a read; past it the scrape is answered without the inventory. */
	waitMs: number;
	/** How each read ended: undefined when it worked, else its error (for the outage log). */
	onRead?: (error: unknown) => void;
};

/**
 * The inventory as scrapes see it: read at most once per cache time, one read at a time (scrapes
 * that come while one is on its way wait for it), and never waited for longer than `waitMs`. A read
 * that fails or is still on its way then is no inventory (undefined): /metrics says so with
 * `api_tokens_inventory_up 0` rather than old numbers; a late read still fills the cache.
 */
export class InventoryCache {
	private cached: {inventory: Inventory; at: number} | undefined;
	private reading: Promise<Inventory | undefined> | undefined;

	constructor(private readonly options: InventoryCacheOptions) {}

	async current(): Promise<Inventory | undefined> {
		const {now, cacheMs, waitMs} = this.options;
		// A clock set back (age below 0) makes the cached inventory stale, not current for as long.
		const age = this.cached ? now() - this.cached.at : Number.NaN;
		if (age >= 0 && age < cacheMs) {
			return this.cached!.inventory;
		}

		this.reading ??= this.read();
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<undefined>(resolve => {
			timer = setTimeout(resolve, waitMs, undefined);
		});
		try {
			return await Promise.race([this.reading, gaveUp]);
		} finally {
			clearTimeout(timer);
		}
	}

	private async read(): Promise<Inventory | undefined> {
		try {
			const inventory = await this.options.read();
			this.cached = {inventory, at: this.options.now()};
			this.options.onRead?.(undefined);
			return inventory;
		} catch (error) {
			// Unavailable for this scrape (a scrape never fails for it); the next one tries again.
			this.cached = undefined;
			this.options.onRead?.(error);
			return undefined;
		} finally {
			this.reading = undefined;
		}
	}
}
