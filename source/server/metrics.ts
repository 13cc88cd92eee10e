import {Counter, Registry, collectDefaultMetrics} from 'prom-client';
import type {AuthOutcome} from './auth.js';

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

	/** Not an EmailEngine metric: why requests were let in or turned away, for the operator. */
	readonly authOutcomes = new Counter({
		name: 'api_auth_outcomes',
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

	constructor() {
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
		return this.registry.metrics();
	}
}
