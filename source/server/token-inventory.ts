import {type RedisTarget, type TokenStore, inventoryHere, loadInventory} from '../store/index.js';
import type {Inventory} from '../tokens/index.js';

/*
 * The inventory /metrics reports (its `api_tokens*` gauges): what it counts is tokens/inventory.ts,
 * counted from the same listing the app and `list` read, so no second way of decoding records
 * exists. Here: where it is read, and how often.
 */

/** Reads the inventory at the store's time (counted in a child process from IN_PROCESS_LIMIT tokens). */
export function inventoryReader(store: TokenStore, target: RedisTarget | undefined): () => Promise<Inventory> {
	return async () => {
		if (target) {
			return (await loadInventory(store, target, store.now())).inventory;
		}

		// Without a target (a server made in a test) there is no child to fork: read here.
		return inventoryHere(store, store.now());
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
