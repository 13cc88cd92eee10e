import {type RedisEndpoint, type TokenStore, asRedisError, maskRedisUrl} from '../store/index.js';
import {TokenError, oneLine} from '../tokens/index.js';
import type {Logger} from './logger.js';

/** Kinds of Redis trouble the log reports once per outage, with what they mean for requests. */
export const REQUESTS = 'Redis';
export const CONNECTION = 'The connection to Redis';
export const LAST_USE = 'Recording last use';
export const INVENTORY = 'Reading the token inventory';
const CONSEQUENCES: Record<string, string> = {
	[INVENTORY]: '/metrics is answered without the api_tokens gauges',
	[REQUESTS]: 'requests are answered 503 until it works again',
	[CONNECTION]: 'retrying every second',
	[LAST_USE]: 'requests are still authenticated',
};

/** A Redis that keeps finding new ways to fail is said a few times per outage, not without end. */
const REASONS_PER_OUTAGE = 3;

/**
 * Whether a failure is Redis's (away, or refusing a command: answered 503, and the server recovers
 * on its own when Redis is back) rather than a bug (500). The store's asRedisError is the one place
 * that knows what ioredis throws.
 */
export function redisUnavailable(error: unknown, store: TokenStore): boolean {
	const typed = asRedisError(error);
	return (typed instanceof TokenError && typed.code === 'redis') || store.redis.status !== 'ready';
}

/**
 * Redis trouble in the log: one line when a kind of work starts failing (requests answered 503, last
 * use not written, audit entries lost, the /metrics inventory), with Redis's reason, and one when
 * that kind works again. A read-only replica refuses every last-use write and a restarting Redis
 * flips between reasons (refused, loading, refused…): a line per request or per flip would drown the
 * log. Within one outage a reason not yet said is said once (at most REASONS_PER_OUTAGE of them): a
 * Redis that was refusing connections while it restarted and now refuses the database is a new
 * cause the operator must read, or the log would say "refused" while the database is gone.
 */
export class OutageLog {
	/** The kinds down now, with the reasons said in this outage. */
	private readonly down = new Map<string, Set<string>>();
	/** The broken-key problems already logged. */
	private readonly brokenKeys = new Set<string>();

	constructor(
		private readonly logger: Logger,
		private readonly target: RedisEndpoint | undefined,
	) {}

	failed(what: string, error: unknown): void {
		let said = this.down.get(what);
		if (said === undefined) {
			said = new Set();
			this.down.set(what, said);
		}

		if (said.size >= REASONS_PER_OUTAGE) {
			return;
		}

		const reason = oneLine(asRedisError(error, this.target));
		if (!said.has(reason)) {
			said.add(reason);
			const consequence = CONSEQUENCES[what];
			this.logger.warn(
				{redis: this.target ? maskRedisUrl(this.target.url) : undefined},
				`${what} failed${consequence ? ` (${consequence})` : ''}: ${reason}`,
			);
		}
	}

	/**
	 * A key holding the wrong kind of value (store's keyContentProblem): Redis works, so this is no
	 * outage and nothing "works again" on the next good request. Logged once per distinct problem
	 * (the first 100: a key is broken by another writer, rarely in a hundred ways).
	 */
	brokenKey(problem: string): void {
		if (!this.brokenKeys.has(problem) && this.brokenKeys.size < 100) {
			this.brokenKeys.add(problem);
			this.logger.error(`Redis refused a command because of what a key holds (requests that need it are answered 500): ${problem}`);
		}
	}

	recovered(what: string): void {
		if (this.down.size > 0 && this.down.delete(what)) {
			this.logger.info(`${what} works again`);
		}

		// Background writes (reaping, audit entries) say when they fail but not when they work: a
		// connection that is back ends their outage too, quietly, so the next one is said again. (The
		// kinds that do say it are those of CONSEQUENCES.)
		if (what === CONNECTION) {
			for (const kind of this.down.keys()) {
				if (!(kind in CONSEQUENCES)) {
					this.down.delete(kind);
				}
			}
		}
	}
}
