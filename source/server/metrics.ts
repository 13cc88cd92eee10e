import {Counter, Registry, collectDefaultMetrics} from 'prom-client';
import type {AuthOutcome} from './auth.js';

/**
 * What GET /metrics exposes: prom-client's default process metrics plus the EmailEngine names that
 * make sense for a single-process server (spec §6.8). A registry of its own, so two servers in one
 * process (tests) never share counters.
 */
export class ServerMetrics {
	readonly registry = new Registry();

	/** EmailEngine counts worker threads; this server is one thread, started once. */
	readonly threadStarts = new Counter({name: 'thread_starts', help: 'Number of started threads', registers: [this.registry]});
	readonly threadStops = new Counter({name: 'thread_stops', help: 'Number of stopped threads', registers: [this.registry]});

	readonly apiCall = new Counter({
		name: 'api_call',
		help: 'Number of API calls',
		labelNames: ['method', 'statusCode', 'route'] as const,
		registers: [this.registry],
	});

	/** Not an EmailEngine metric: why requests were let in or turned away, for the operator. */
	readonly authOutcomes = new Counter({
		name: 'api_auth_outcomes',
		help: 'API token authentication outcomes by result',
		labelNames: ['result'] as const,
		registers: [this.registry],
	});

	constructor() {
		collectDefaultMetrics({register: this.registry});
		this.threadStarts.inc();
		this.threadStops.inc(0);
	}

	/** Like EmailEngine, only /v1 routes are counted, by route template (never by raw path). */
	countCall(method: string, statusCode: number, route: string): void {
		if (route.startsWith('/v1/')) {
			this.apiCall.inc({method: method.toLowerCase(), statusCode: String(statusCode), route});
		}
	}

	countOutcome(outcome: AuthOutcome): void {
		this.authOutcomes.inc({result: outcome});
	}

	async text(): Promise<string> {
		return this.registry.metrics();
	}
}
