import {Counter, Gauge, Registry, collectDefaultMetrics} from 'prom-client';
import type {AuthOutcome} from './auth.js';
import {EXPIRING_WITHIN_DAYS, type Inventory, SCOPE_LABELS, UNUSED_DAYS} from '../tokens/index.js';
import type {InventoryCache} from './token-inventory.js';

/**
 * What GET /metrics exposes: prom-client's default process metrics plus the EmailEngine names that
 * make sense for a single-process server (compatibility §6.8). A registry of its own, so two servers in one
 * process (tests) never share counters.
 */
export class ServerMetrics {
	readonly registry = new Registry();

	/**
	 * Per-request counts are kept in plain maps and handed to prom-client only when /metrics is
	 * read (its collect hook): prom-client hashes the label object on every inc().
	 */
	private readonly calls = new Map<string, {labels: {method: string; statusCode: string; route: string}; value: number}>();
	private readonly outcomes = new Map<AuthOutcome, number>();

	/** EmailEngine counts worker threads; this server is one thread, started once. */
	readonly threadStarts = new Counter({name: 'thread_starts', help: 'Number of started threads', registers: [this.registry]});
	readonly threadStops = new Counter({name: 'thread_stops', help: 'Number of stopped threads', registers: [this.registry]});

	readonly apiCall = new Counter({
		name: 'api_call',
		help: 'Number of API calls',
		labelNames: ['method', 'statusCode', 'route'] as const,
		registers: [this.registry],
		collect: () => {
			this.apiCall.reset();
			for (const {labels, value} of this.calls.values()) {
				this.apiCall.inc(labels, value);
			}
		},
	});

	/**
	 * Not an EmailEngine metric: why requests were let in or turned away, for the operator. Called
	 * `api_auth_outcomes` before; a counter's name ends in `_total` (Prometheus naming; README: Metrics).
	 */
	readonly authOutcomes = new Counter({
		name: 'api_auth_outcomes_total',
		help: 'API token authentication outcomes by result',
		labelNames: ['result'] as const,
		registers: [this.registry],
		collect: () => {
			this.authOutcomes.reset();
			for (const [result, value] of this.outcomes) {
				this.authOutcomes.inc({result}, value);
			}
		},
	});

	/** 1 when this scrape's token gauges are there, 0 when the inventory could not be read in time. */
	readonly inventoryUp = new Gauge({
		name: 'api_tokens_inventory_up',
		help: 'Whether the api_tokens gauges could be read from Redis for this scrape (1) or not (0)',
		registers: [this.registry],
	});

	/**
	 * The token gauges in a registry of their own, appended to the text only when the inventory was
	 * read: a scrape without it shows no numbers rather than zeros (an alert on "never used > 0"
	 * must not clear because Redis is away).
	 */
	private readonly inventoryRegistry = new Registry();
	private readonly tokenGauges = {
		tokens: this.gauge('api_tokens', 'Stored tokens that have not expired'),
		byScope: this.gauge('api_tokens_by_scope', 'Stored tokens by scope they list (a token counts once under each)', ['scope']),
		byBinding: this.gauge('api_tokens_by_binding', 'Stored tokens bound to an account (bound="true") or not', ['bound']),
		expiringSoon: this.gauge('api_tokens_expiring_soon', `Stored tokens that expire within ${EXPIRING_WITHIN_DAYS} days`),
		neverUsed: this.gauge('api_tokens_never_used', 'Stored tokens that have never authenticated a request'),
		unused: this.gauge(
			'api_tokens_unused',
			`Stored tokens not used for ${UNUSED_DAYS} days (last used, or created when never used, that long ago)`,
		),
		unreadable: this.gauge('api_tokens_unreadable', 'Stored records that cannot be read (never authenticate)'),
	};

	constructor(private readonly inventory?: InventoryCache) {
		collectDefaultMetrics({register: this.registry});
		this.threadStarts.inc();
		this.threadStops.inc(0);
	}

	/** Like EmailEngine, only /v1 routes are counted, by route template (never by raw path). */
	countCall(method: string, statusCode: number, route: string): void {
		if (route.startsWith('/v1/')) {
			const key = `${method} ${statusCode} ${route}`;
			const entry = this.calls.get(key);
			if (entry) {
				entry.value++;
			} else {
				this.calls.set(key, {labels: {method: method.toLowerCase(), statusCode: String(statusCode), route}, value: 1});
			}
		}
	}

	countOutcome(outcome: AuthOutcome): void {
		this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
	}

	async text(): Promise<string> {
		const inventory = await this.inventory?.current();
		if (!this.inventory) {
			return this.registry.metrics();
		}

		this.inventoryUp.set(inventory ? 1 : 0);
		const metrics = await this.registry.metrics();
		if (!inventory) {
			return metrics;
		}

		this.setTokenGauges(inventory);
		return `${metrics}${await this.inventoryRegistry.metrics()}`;
	}

	private setTokenGauges(inventory: Inventory): void {
		const gauges = this.tokenGauges;
		gauges.tokens.set(inventory.tokens);
		// Every label, and only these (an inventory from the loader child is parsed JSON).
		for (const scope of SCOPE_LABELS) {
			gauges.byScope.set({scope}, inventory.byScope[scope]);
		}

		gauges.byBinding.set({bound: 'true'}, inventory.bound);
		gauges.byBinding.set({bound: 'false'}, inventory.unbound);
		gauges.expiringSoon.set(inventory.expiringSoon);
		gauges.neverUsed.set(inventory.neverUsed);
		gauges.unused.set(inventory.unused);
		gauges.unreadable.set(inventory.unreadable);
	}

	private gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
		return new Gauge({name, help, labelNames, registers: [this.inventoryRegistry]});
	}
}
