import {readFileSync} from 'node:fs';
import type {RedisOptions} from 'ioredis';
import {TokenError} from '../tokens/index.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/8';

export type RedisSource = '--dbs.redis' | 'EENGINE_REDIS' | 'REDIS_URL' | 'default' | 'embedded';

export type RedisTarget = {
	url: string;
	source: RedisSource;
	/** `EENGINE_REDIS_PREFIX` trimmed plus ":", or empty: prepended to every key. */
	prefix: string;
};

type Env = Record<string, string | undefined>;

/** `NAME` or the content of the file named by `NAME_FILE`; set-but-empty falls through (spec §1.1). */
function readEnv(env: Env, name: string): string | undefined {
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

export const prefixFrom = (env: Env): string => {
	const prefix = (env['EENGINE_REDIS_PREFIX'] ?? '').trim();
	return prefix ? `${prefix}:` : '';
};

export type Resolution = {target: RedisTarget; notice?: string};

/**
 * EmailEngine's order is EENGINE_REDIS → REDIS_URL → --dbs.redis → default. We differ in one
 * place on purpose: an explicit --dbs.redis wins, because an environment variable left over in a
 * shell silently sending a new token to another database is the worse surprise. When both are set
 * and differ, the notice says which one is used.
 */
export function resolveRedisTarget(flag: string | undefined, env: Env): Resolution {
	const prefix = prefixFrom(env);
	const fromEnv: Array<[RedisSource, string | undefined]> = [
		['EENGINE_REDIS', readEnv(env, 'EENGINE_REDIS')],
		['REDIS_URL', readEnv(env, 'REDIS_URL')],
	];
	const environment = fromEnv.find(([, value]) => value);
	if (flag) {
		const notice =
			environment && environment[1] !== flag
				? `ee-tokens: using --dbs.redis ${maskRedisUrl(flag)}, not ${environment[0]} ${maskRedisUrl(environment[1]!)}`
				: undefined;
		return {target: {url: flag, source: '--dbs.redis', prefix}, notice};
	}

	if (environment) {
		return {target: {url: environment[1]!, source: environment[0], prefix}};
	}

	return {target: {url: DEFAULT_REDIS_URL, source: 'default', prefix}};
}

/** The URL with its password replaced, for every screen, log line and error message. */
export function maskRedisUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) {
			parsed.password = '***';
		}

		if (parsed.searchParams.has('password')) {
			parsed.searchParams.set('password', '***');
		}

		return parsed.toString();
	} catch {
		return url.replace(/\/\/[^@/]*@/, '//***@');
	}
}

/**
 * ioredis options for a URL the way EmailEngine's lib/redis-url.js reads it (spec §1.1): `rediss:`
 * for TLS, `/N` or `?db=N`, `?password=`, `?family=`, the `default` user dropped. `unix:///path?db=N`
 * reaches a socket (the embedded server uses one).
 */
export function redisOptionsFor(url: string): RedisOptions {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new TokenError('usage', `Invalid Redis URL: ${maskRedisUrl(url)}`);
	}

	const options: RedisOptions = {};
	const query = parsed.searchParams;
	switch (parsed.protocol) {
		case 'redis:':
		case 'rediss:': {
			options.host = parsed.hostname.replace(/^\[(.*)]$/, '$1') || '127.0.0.1';
			options.port = parsed.port ? Number(parsed.port) : 6379;
			const db = parsed.pathname.replace(/^\//, '');
			if (/^\d+$/.test(db)) {
				options.db = Number(db);
			}

			if (parsed.protocol === 'rediss:') {
				options.tls = {};
			}

			break;
		}

		case 'unix:':
		case 'redis+unix:': {
			options.path = decodeURIComponent(parsed.pathname);
			break;
		}

		default: {
			throw new TokenError('usage', `Unsupported Redis URL scheme ${JSON.stringify(parsed.protocol)}: use redis://, rediss:// or unix://`);
		}
	}

	if (query.get('db') && /^\d+$/.test(query.get('db')!)) {
		options.db = Number(query.get('db'));
	}

	const password = query.get('password') ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
	if (password) {
		options.password = password;
	}

	const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
	if (username && (username !== 'default' || query.get('allowUsernameInURI') === 'true')) {
		options.username = username;
	}

	const family = query.get('family');
	if (family === '4' || family === '6') {
		options.family = Number(family);
	}

	return options;
}
