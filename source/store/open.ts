import {Redis} from 'ioredis';
import {TokenError} from '../tokens/index.js';
import {type RedisTarget, maskRedisUrl, redisOptionsFor, resolveRedisTarget} from './connection.js';
import {embeddedStateDir, ensureEmbeddedRedis} from './embedded.js';
import {TokenStore} from './token-store.js';

export type OpenOptions = {
	/** The `--dbs.redis` flag, if given. */
	flag?: string;
	env?: Record<string, string | undefined>;
	/** Keep retrying after a lost connection (the app and the server); commands fail fast instead. */
	persistent?: boolean;
	/** Where notices go (which URL won, that the embedded Redis started). */
	notify?: (message: string) => void;
	/** Tests point "the default" somewhere known to be silent, and the embedded data elsewhere. */
	defaultUrl?: string;
	embeddedDir?: string;
};

export type OpenStore = {store: TokenStore; target: RedisTarget; close: () => Promise<void>};

/** Connection failures EmailEngine also treats as fatal at startup (spec §1.1). */
function connectionError(target: RedisTarget, error: unknown): TokenError {
	const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
	return new TokenError('redis', `Cannot connect to Redis at ${maskRedisUrl(target.url)} (${reason})`);
}

export async function connectRedis(target: RedisTarget, persistent = false): Promise<Redis> {
	const redis = new Redis({
		...redisOptionsFor(target.url),
		lazyConnect: true,
		connectTimeout: 5000,
		// Fail fast in commands; in the app and server, keep trying every second.
		retryStrategy: persistent ? times => Math.min(times * 200, 1000) : () => null,
		maxRetriesPerRequest: persistent ? 1 : 0,
		enableOfflineQueue: persistent,
	});
	// ioredis prints unhandled error events to the console; the owner of the connection reports them.
	// The last one is kept because connect() itself only says "Connection is closed".
	let lastError: unknown;
	redis.on('error', error => {
		lastError = error;
	});
	try {
		await redis.connect();
		await redis.ping();
	} catch (error) {
		redis.disconnect();
		throw connectionError(target, lastError ?? error);
	}

	return redis;
}

/**
 * Resolves the target (spec §1.1 with the flag first) and connects. With nothing configured and
 * nothing answering at the default URL, starts or reuses the embedded redis-server.
 */
export async function openStore(options: OpenOptions = {}): Promise<OpenStore> {
	const env = options.env ?? process.env;
	const resolution = resolveRedisTarget(options.flag, env);
	const {notice} = resolution;
	const target =
		resolution.target.source === 'default' && options.defaultUrl ? {...resolution.target, url: options.defaultUrl} : resolution.target;
	if (notice) {
		options.notify?.(notice);
	}

	let redis: Redis;
	let used = target;
	try {
		redis = await connectRedis(target, options.persistent);
	} catch (error) {
		if (target.source !== 'default') {
			throw error;
		}

		const embedded = await ensureEmbeddedRedis(options.embeddedDir ?? embeddedStateDir(env));
		used = {url: embedded.url, source: 'embedded', prefix: target.prefix};
		options.notify?.(
			`ee-tokens: no Redis at ${maskRedisUrl(target.url)}, ${embedded.started ? 'started' : 'using'} the embedded one (${embedded.socket}, db 8)`,
		);
		redis = await connectRedis(used, options.persistent);
	}

	return {
		store: new TokenStore(redis, used.prefix),
		target: used,
		async close() {
			await redis.quit().catch(() => redis.disconnect());
		},
	};
}
