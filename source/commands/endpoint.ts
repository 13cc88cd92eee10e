import {type RedisTarget, type TlsFlags, prefixFrom, prefixOf, redisOptionsFor, resolveTlsFiles, timeoutFrom} from '../store/index.js';
import {TokenError, quoteTyped} from '../tokens/index.js';

/** Which end of `diff` or `sync` a spec names, as its flag is spelled. */
export type EndFlag = '--from' | '--to';

export type EndpointOptions = {
	/** `--from-prefix` / `--to-prefix`, if given; else EENGINE_REDIS_PREFIX, as for every command. */
	prefix?: string;
	env: Record<string, string | undefined>;
	/** The global `--dbs.timeout` and TLS files: both ends take the same. */
	timeoutFlag?: string;
	tlsFlags?: TlsFlags;
};

/** A URL's scheme: what tells a Redis URL from a name. */
const SCHEME = /^[a-z][\d+.a-z-]*:\/\//i;

/**
 * The one place an ENDPOINT SPEC (`--from`, `--to`) becomes a Redis target. Today a spec is a Redis
 * URL (`redis://`, `rediss://`, `unix://`), checked as `--dbs.redis` is (connection.ts); a name is
 * refused until named instances (config.toml) can resolve it here. Never falls back to the
 * environment's URL, the default or the embedded Redis: each end is exactly what was named.
 */
export function resolveEndpoint(flag: EndFlag, spec: string, options: EndpointOptions): RedisTarget {
	if (!SCHEME.test(spec)) {
		// Not echoed whole: a URL typed without its scheme may hold a password.
		throw new TokenError(
			'usage',
			`${flag} ${spec.includes('@') || spec.includes(':') ? `(${spec.length} characters)` : quoteTyped(spec)} is not a Redis URL (redis://, rediss:// or unix://); named instances come with the config file`,
		);
	}

	// Malformed URLs are refused now, before either end is connected.
	redisOptionsFor(spec);
	const tls = resolveTlsFiles(spec, options.tlsFlags ?? {}, options.env);
	return {
		url: spec,
		source: flag,
		prefix: options.prefix === undefined ? prefixFrom(options.env) : prefixOf(options.prefix),
		timeoutMs: timeoutFrom(options.timeoutFlag, options.env),
		...(Object.keys(tls).length > 0 ? {tls} : {}),
	};
}

/**
 * Whether two targets are one keyspace: the same database of the same server under the same
 * prefix. `runIds` (INFO's run_id of each, when known) tell two spellings of one server apart
 * from two servers; without them the URLs' host, port and socket path are compared.
 */
export function sameKeyspace(left: RedisTarget, right: RedisTarget, runIds: [string | undefined, string | undefined]): boolean {
	const [a, b] = [redisOptionsFor(left.url), redisOptionsFor(right.url)];
	if ((a.db ?? 0) !== (b.db ?? 0) || left.prefix !== right.prefix) {
		return false;
	}

	if (runIds[0] !== undefined && runIds[1] !== undefined) {
		return runIds[0] === runIds[1];
	}

	return a.path === b.path && a.host === b.host && a.port === b.port;
}
