import {type RedisTarget, type TlsFlags, prefixFrom, prefixOf, redisOptionsFor, resolveTlsFiles, timeoutFrom} from '../store/index.js';
import {TokenError, quoteTyped} from '../tokens/index.js';
import {type Connection, instanceConnection, readOnlyInstanceAt} from '../config/index.js';

/** Which end of `diff` or `sync` a spec names, as its flag is spelled. */
export type EndFlag = '--from' | '--to';

export type EndpointOptions = {
	/** `--from-prefix` / `--to-prefix`, if given; else EENGINE_REDIS_PREFIX, as for every command. */
	prefix?: string;
	env: Record<string, string | undefined>;
	/** The global `--dbs.timeout` and TLS files: both ends take the same. */
	timeoutFlag?: string;
	tlsFlags?: TlsFlags;
	/** `--read-only`: the end is refused writes, whatever names it. */
	readOnly?: boolean;
};

/** An end resolved: its target, and whether it may be written to (a read-only instance, --read-only). */
export type Endpoint = Pick<Connection, 'instance' | 'readOnly' | 'warnings'> & {target: RedisTarget};

/** A URL's scheme: what tells a Redis URL from a name. */
const SCHEME = /^[a-z][\d+.a-z-]*:\/\//i;

/**
 * The one place an ENDPOINT SPEC (`--from`, `--to`) becomes a Redis target: a Redis URL
 * (`redis://`, `rediss://`, `unix://`), checked as `--dbs.redis` is (connection.ts), or the name
 * of an instance of the config file, which then says its URL, prefix and whether it is read-only
 * (config/resolve.ts). Never falls back to the environment's URL, the config file's default or
 * the embedded Redis: each end is exactly what was named.
 */
export function resolveEndpoint(flag: EndFlag, spec: string, options: EndpointOptions): Endpoint {
	const readOnly = {instance: false, flag: Boolean(options.readOnly)};
	if (!SCHEME.test(spec)) {
		if (spec.includes('@') || spec.includes(':') || spec.includes('/')) {
			// Not echoed whole: a URL typed without its scheme may hold a password.
			throw new TokenError(
				'usage',
				`${flag} (${spec.length} characters) is neither a Redis URL (redis://, rediss:// or unix://) nor an instance name`,
			);
		}

		if (options.prefix !== undefined) {
			throw new TokenError(
				'usage',
				`${flag}-prefix with instance ${quoteTyped(spec)}: the instance names its own prefix in the config file`,
			);
		}

		const {resolution, instance, readOnly: named, warnings} = instanceConnection(spec, flag, options, options.env);
		// Its source stays `instance NAME`: a failure to reach it names the instance.
		return {target: resolution.target, instance, readOnly: named, warnings};
	}

	// Malformed URLs are refused now, before either end is connected.
	redisOptionsFor(spec);
	const tls = resolveTlsFiles(spec, options.tlsFlags ?? {}, options.env);
	const target: RedisTarget = {
		url: spec,
		source: flag,
		prefix: options.prefix === undefined ? prefixFrom(options.env) : prefixOf(options.prefix),
		timeoutMs: timeoutFrom(options.timeoutFlag, options.env),
		...(Object.keys(tls).length > 0 ? {tls} : {}),
	};
	// A URL that is a read-only instance's database is that instance, read-only (config/resolve.ts).
	const instance = readOnlyInstanceAt(target, options.env);
	return {
		target,
		...(instance ? {instance: {name: instance.name}} : {}),
		readOnly: {...readOnly, instance: instance !== undefined},
		warnings: [],
	};
}
