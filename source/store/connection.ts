// A little over 300 lines for a reason: every way a Redis target is named (flag, environment,
// default) and the URL reading that turns each into options, refused the same way.
import {readFileSync} from 'node:fs';
import type {RedisOptions} from 'ioredis';
import {TokenError} from '../tokens/index.js';
import {TLS_QUERY_NAMES, type TlsFiles, type TlsFlags, resolveTlsFiles} from './tls.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/8';

/**
 * How long connecting, and then each command, may take before Redis counts as not answering. A
 * healthy Redis answers in milliseconds, and the slowest single round trip ee-tokens makes (an
 * HSCAN page of 5,000 fields, an HMGET of 1,000 ids, a pipeline of 1,000 imports) stays well under
 * a second on a busy server; 10 s leaves room for a slow network, a TLS handshake or a snapshot's
 * fork, and still ends a wait on a Redis that will never answer before a person gives up on it.
 */
export const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 3600;
export const TIMEOUT_ENV = 'EE_TOKENS_REDIS_TIMEOUT';

/**
 * Where the URL came from; `--from` and `--to` are the two ends of `diff` and `sync`, `instance
 * NAME` a named instance of the config file (source/config/).
 */
export type RedisSource = '--dbs.redis' | 'EENGINE_REDIS' | 'REDIS_URL' | 'default' | 'embedded' | '--from' | '--to' | `instance ${string}`;

export type RedisTarget = {
	url: string;
	source: RedisSource;
	/** `EENGINE_REDIS_PREFIX` trimmed plus ":", or empty: prepended to every key. */
	prefix: string;
	/** The time limit for connecting and for each command, in milliseconds. */
	timeoutMs: number;
	/** The embedded server's log, where it says why it stopped (a full disk ends it). */
	log?: string;
	/** The CA, client certificate and key files for a `rediss://` URL, and where each was named (tls.ts). */
	tls?: TlsFiles;
};

type Env = Record<string, string | undefined>;

/** `NAME` or the content of the file named by `NAME_FILE`; set-but-empty falls through (compatibility §1.1). */
export function readEnv(env: Env, name: string): string | undefined {
	const direct = env[name];
	if (direct) {
		return direct;
	}

	const file = env[`${name}_FILE`];
	if (file) {
		try {
			return readFileSync(file, 'utf8').replace(/\r?\n$/, '') || undefined;
		} catch (error) {
			throw new TokenError('usage', `Cannot read ${name}_FILE (${file}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
		}
	}

	return undefined;
}

/** A key prefix as written (`ee`) as keys take it (`ee:`); blank is none. */
export const prefixOf = (text: string): string => {
	const prefix = text.trim();
	return prefix ? `${prefix}:` : '';
};

export const prefixFrom = (env: Env): string => prefixOf(env['EENGINE_REDIS_PREFIX'] ?? '');

export type Resolution = {target: RedisTarget; notice?: string};

/**
 * The time limit in milliseconds from `--dbs.timeout SECONDS`, else `EE_TOKENS_REDIS_TIMEOUT`
 * (set-but-empty falls through, as for the URL variables), else the default. A value that is not a
 * number of seconds is refused, never replaced by the default.
 */
export function timeoutFrom(flag: string | undefined, env: Env): number {
	const [name, text] = flag === undefined ? [TIMEOUT_ENV, env[TIMEOUT_ENV] || undefined] : ['--dbs.timeout', flag];
	if (text === undefined) {
		return DEFAULT_TIMEOUT_SECONDS * 1000;
	}

	const seconds = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
	if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
		throw new TokenError('usage', `Invalid ${name} ${JSON.stringify(text)}: give seconds, more than 0 and at most ${MAX_TIMEOUT_SECONDS}`);
	}

	return Math.max(1, Math.round(seconds * 1000));
}

/**
 * EmailEngine's order is EENGINE_REDIS → REDIS_URL → --dbs.redis → default. We differ in one
 * place on purpose: an explicit --dbs.redis wins, because an environment variable left over in a
 * shell silently sending a new token to another database is the worse surprise. When both are set
 * and differ, the notice says which one is used.
 */
export function resolveRedisTarget(flag: string | undefined, env: Env, timeoutFlag?: string, tlsFlags: TlsFlags = {}): Resolution {
	const resolution = resolveUrl(flag, env, timeoutFlag);
	const tls = resolveTlsFiles(resolution.target.url, tlsFlags, env);
	return Object.keys(tls).length === 0 ? resolution : {...resolution, target: {...resolution.target, tls}};
}

function resolveUrl(flag: string | undefined, env: Env, timeoutFlag?: string): Resolution {
	const prefix = prefixFrom(env);
	const timeoutMs = timeoutFrom(timeoutFlag, env);
	if (flag) {
		// The environment only names what the flag overrides, for the notice: a file it names that
		// cannot be read is no reason to refuse the URL given explicitly.
		const environment = firstFromEnv(env, {ignoreUnreadable: true});
		const notice =
			environment && environment[1] !== flag
				? `ee-tokens: using --dbs.redis ${maskRedisUrl(flag)}, not ${environment[0]} ${maskRedisUrl(environment[1])}`
				: undefined;
		return {target: {url: flag, source: '--dbs.redis', prefix, timeoutMs}, notice};
	}

	const environment = firstFromEnv(env);
	if (environment) {
		return {target: {url: environment[1], source: environment[0], prefix, timeoutMs}};
	}

	return {target: {url: DEFAULT_REDIS_URL, source: 'default', prefix, timeoutMs}};
}

/**
 * The first of EENGINE_REDIS and REDIS_URL that is set, as EmailEngine's `||` picks it: a later
 * one (or its _FILE) is never read once an earlier one gave a URL.
 */
function firstFromEnv(env: Env, {ignoreUnreadable = false} = {}): [RedisSource, string] | undefined {
	for (const name of ['EENGINE_REDIS', 'REDIS_URL'] as const) {
		try {
			const value = readEnv(env, name);
			if (value) {
				return [name, value];
			}
		} catch (error) {
			if (!ignoreUnreadable) {
				throw error;
			}
		}
	}

	return undefined;
}

/**
 * The URL with its password replaced, for every screen, log line and error message. Worked on the
 * text rather than on a parsed URL: a password with an unencoded `/`, `?` or `#` makes the URL
 * parser put part of it in the port, the path or the query, where a parsed URL would show it.
 * Everything up to the last `@` is the user part; only a user name before a `:` stays visible, and
 * of the query, everything but the value of `password`.
 */
export function maskRedisUrl(url: string): string {
	const scheme = /^[a-z][\d+.a-z-]*:\/\//i.exec(url)?.[0] ?? '';
	// The query's password first: its value may hold an "@" that would pass for the user part's end.
	let rest = url.slice(scheme.length).replaceAll(/([?&]password=)[^&]*/gi, '$1***');
	const at = rest.lastIndexOf('@');
	if (at !== -1) {
		const userinfo = rest.slice(0, at);
		const colon = userinfo.indexOf(':');
		const user = userinfo.slice(0, Math.max(colon, 0));
		const shown = colon === -1 ? '' : /^[^/?#]*$/.test(user) ? `${user}:` : '';
		rest = `${shown}***${rest.slice(at)}`;
	}

	return scheme + rest;
}

/**
 * The masked URL for a message, and the named instance it was reached as, if any ("redis://…/8
 * (instance prod)"): an operator with several instances reads which one failed without decoding a
 * URL. Only the name: the store knows no config file, only the target's label.
 */
export function describeEndpoint(endpoint: {url: string; source?: RedisSource}): string {
	const masked = maskRedisUrl(endpoint.url);
	return endpoint.source?.startsWith('instance ') ? `${masked} (${endpoint.source})` : masked;
}

/** A database number as URLs write it: digits only, so `-1`, `1.5` and `abc` are refused. */
function databaseFrom(text: string, invalid: (why: string) => TokenError): number {
	const db = /^\d+$/.test(text) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(db)) {
		throw invalid('the database must be a whole number from 0 up, as in redis://host:6379/8 or ?db=8');
	}

	return db;
}

/** Percent-decoding that refuses a stray `%` instead of throwing URIError. */
function decoded(text: string, invalid: (why: string) => TokenError): string {
	try {
		return decodeURIComponent(text);
	} catch {
		throw invalid('a "%" in the user name or password must start %XX; write %25 for a "%"');
	}
}

/**
 * ioredis options for a URL the way EmailEngine's lib/redis-url.js reads it (compatibility §1.1): `rediss:`
 * for TLS, `/N` or `?db=N`, `?password=`, `?family=`, the `default` user dropped. Ours besides:
 * `?tls.ca=`, `?tls.cert=`, `?tls.key=` name files (resolveTlsFiles reads them; EmailEngine ignores them). `unix:///path?db=N`
 * reaches a socket (the embedded server uses one). Anything that would be read as something other
 * than what was written is refused (exit 2): a database part that is not a number (which would
 * otherwise mean db 0), or a password whose `/`, `?`, `#` or `%` was not percent-encoded.
 */
export function redisOptionsFor(url: string): RedisOptions {
	const invalid = (why: string) => new TokenError('usage', `Invalid Redis URL ${maskRedisUrl(url)}: ${why}`);
	const unencoded = 'write a "/", "?", "#" or "@" in the password as %2F, %3F, %23 or %40';
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		// Text that is no URL at all is not echoed: it may be a password or a token pasted into the
		// wrong place, and masking needs a URL's shape to find the secret in it.
		throw new TokenError('usage', `Invalid Redis URL (${url.length} characters): not a URL (${unencoded})`);
	}

	if (url.includes('#')) {
		throw invalid(unencoded);
	}

	// An @ the parser did not take as the end of the user part (it saw a path, port or query
	// first): part of the password would be read as something else.
	if (!parsed.username && !parsed.password && url.replaceAll(/[?&]password=[^&]*/gi, '').includes('@')) {
		throw invalid(unencoded);
	}

	const options: RedisOptions = {};
	const query = parsed.searchParams;
	// A URL that could be read two ways is refused rather than read one way: `?db=8&db=0` or a
	// path and a query naming different databases would put tokens where the operator did not look.
	for (const name of ['db', 'password', 'family', ...TLS_QUERY_NAMES]) {
		if (query.getAll(name).length > 1) {
			throw invalid(`${name} is given more than once`);
		}
	}

	// Only the files are taken: the server's certificate is always verified, so there is no
	// tls.rejectUnauthorized (nor anything else that would be silently ignored).
	for (const name of query.keys()) {
		if (/^tls\./i.test(name) && !TLS_QUERY_NAMES.includes(name)) {
			throw invalid(
				`${name} is not supported: the query takes ${TLS_QUERY_NAMES.join(', ')} (files), and the server's certificate is always verified`,
			);
		}
	}

	if (parsed.protocol !== 'rediss:' && TLS_QUERY_NAMES.some(name => query.has(name))) {
		throw invalid('tls.ca, tls.cert and tls.key go with rediss:// (TLS), not with a plain-text connection');
	}

	switch (parsed.protocol) {
		case 'redis:':
		case 'rediss:': {
			if (!parsed.hostname) {
				throw invalid(`no host (${unencoded})`);
			}

			options.host = parsed.hostname.replace(/^\[(.*)]$/, '$1');
			options.port = parsed.port ? Number(parsed.port) : 6379;
			const db = parsed.pathname.replace(/^\//, '');
			if (db !== '') {
				options.db = databaseFrom(db, invalid);
			}

			if (parsed.protocol === 'rediss:') {
				options.tls = {};
			}

			break;
		}

		case 'unix:':
		case 'redis+unix:': {
			if (parsed.host) {
				throw invalid(`a socket URL has no host: write ${parsed.protocol}///path/to/redis.sock`);
			}

			options.path = decoded(parsed.pathname, invalid);
			break;
		}

		default: {
			throw new TokenError('usage', `Unsupported Redis URL scheme ${JSON.stringify(parsed.protocol)}: use redis://, rediss:// or unix://`);
		}
	}

	if (query.has('db')) {
		const db = databaseFrom(query.get('db')!, invalid);
		if (options.db !== undefined && options.db !== db) {
			throw invalid(`the path names database ${options.db} and ?db= names ${db}`);
		}

		options.db = db;
	}

	const password = query.get('password') ?? (parsed.password ? decoded(parsed.password, invalid) : undefined);
	if (password) {
		options.password = password;
	}

	const username = parsed.username ? decoded(parsed.username, invalid) : undefined;
	if (username && (username !== 'default' || query.get('allowUsernameInURI') === 'true')) {
		options.username = username;
	}

	const family = query.get('family');
	if (family !== null) {
		if (family !== '4' && family !== '6') {
			throw invalid('family must be 4 or 6');
		}

		options.family = Number(family);
	}

	return options;
}

/**
 * Whether two targets are one keyspace: the same database of the same server under the same
 * prefix. `runIds` (INFO's run_id of each, when known) tell two spellings of one server apart
 * from two servers; without them the URLs' host, port and socket path are compared.
 */
export function sameKeyspace(
	left: Pick<RedisTarget, 'url' | 'prefix'>,
	right: Pick<RedisTarget, 'url' | 'prefix'>,
	runIds: [string | undefined, string | undefined],
): boolean {
	const [a, b] = [redisOptionsFor(left.url), redisOptionsFor(right.url)];
	if ((a.db ?? 0) !== (b.db ?? 0) || left.prefix !== right.prefix) {
		return false;
	}

	if (runIds[0] !== undefined && runIds[1] !== undefined) {
		return runIds[0] === runIds[1];
	}

	return a.path === b.path && a.host === b.host && a.port === b.port;
}
