import {readFileSync} from 'node:fs';
import {TokenError, quoteTyped} from '../tokens/index.js';
import {
	type RedisTarget,
	type Resolution,
	type TlsFlags,
	maskRedisUrl,
	prefixOf,
	readEnv,
	resolveRedisTarget,
	resolveTlsFiles,
	sameKeyspace,
	timeoutFrom,
} from '../store/index.js';
import {didYouMean} from '../format/index.js';
import {type InstanceConfig, type InstancesFile, configPath, loadConfig} from './file.js';

type Env = Record<string, string | undefined>;

export const INSTANCE_ENV = 'EE_TOKENS_INSTANCE';

/** What the connection options ask for: the global flags. */
export type ConnectionFlags = {
	redisFlag?: string;
	instanceFlag?: string;
	/** `--read-only`: refuse every write, whatever the connection. */
	readOnly?: boolean;
	timeoutFlag?: string;
	tlsFlags?: TlsFlags;
};

/** The instance a connection is to, as the front ends show it. */
export type InstanceShown = {name: string; color?: string};

/** Where to connect, and whether writing there is allowed. */
export type Connection = {
	resolution: Resolution;
	instance?: InstanceShown;
	/** Why writes are refused: `instance` (its readOnly), `flag` (--read-only), both, or neither. */
	readOnly: {instance: boolean; flag: boolean};
	/** Lines for stderr (or the app's status): a password in a file others may read. */
	warnings: string[];
};

/**
 * Which Redis a command uses, in this order (the README's table says the same):
 *
 * 1. `--dbs.redis` and `--instance` together: a usage error. Both name a Redis; taking either one
 *    silently would send a write where the operator did not look.
 * 2. `--dbs.redis URL`: what was typed wins (as before named instances).
 * 3. `--instance NAME`: typed too, so it wins over anything in the environment.
 * 4. `EE_TOKENS_INSTANCE`: our own variable, set for this tool on purpose, so it goes before
 *    EmailEngine's `EENGINE_REDIS`/`REDIS_URL`, which may be in a shell for EmailEngine itself.
 * 5. `EENGINE_REDIS`, then `REDIS_URL`: an environment that names a Redis is more particular to
 *    this shell than the config file's default, which is the same for every shell of the user.
 * 6. The config file's `default`.
 * 7. `redis://127.0.0.1:6379/8`, then the embedded Redis: with no config file at all, everything
 *    is as it was before named instances.
 *
 * The config file is read only when an instance can be chosen (3, 4, 6): a broken file does not
 * stop a command given an explicit URL. `load` is the file reader (tests give their own).
 */
export function resolveConnection(
	flags: ConnectionFlags,
	env: Env,
	load: (env: Env) => InstancesFile | undefined = loadConfig,
): Connection {
	const flag = Boolean(flags.readOnly);
	if (flags.redisFlag !== undefined && flags.instanceFlag !== undefined) {
		throw new TokenError('usage', '--dbs.redis and --instance both name a Redis: give one of them');
	}

	const fromEnv = env[INSTANCE_ENV] || undefined;
	if (flags.redisFlag !== undefined) {
		const resolution = resolveRedisTarget(flags.redisFlag, env, flags.timeoutFlag, flags.tlsFlags);
		const notice =
			resolution.notice ??
			(fromEnv === undefined ? undefined : `ee-tokens: using --dbs.redis ${maskRedisUrl(flags.redisFlag)}, not ${INSTANCE_ENV} ${fromEnv}`);
		return byUrl({...resolution, notice}, flag, env, load);
	}

	const [name, by] = flags.instanceFlag === undefined ? [fromEnv, INSTANCE_ENV] : [flags.instanceFlag, '--instance'];
	if (name !== undefined) {
		return instanceConnection(name, by, flags, env, load);
	}

	const resolution = resolveRedisTarget(undefined, env, flags.timeoutFlag, flags.tlsFlags);
	if (resolution.target.source !== 'default') {
		return byUrl(resolution, flag, env, load);
	}

	const file = load(env);
	if (file?.default === undefined) {
		return {...byUrl(resolution, flag, env, () => file), warnings: file?.warnings ?? []};
	}

	return fromInstance(file, file.default, 'default', flags, env);
}

/**
 * A connection to a URL (`--dbs.redis`, the environment, the default): read-only when the config
 * file has a read-only instance on that very database and prefix, and then named as that instance.
 * readOnly is the database's, not its name's: production reached by its URL is production still.
 */
function byUrl(resolution: Resolution, flag: boolean, env: Env, load: (env: Env) => InstancesFile | undefined): Connection {
	const instance = readOnlyInstanceAt(resolution.target, env, load);
	return {
		resolution,
		...(instance ? {instance: {name: instance.name, ...(instance.color === undefined ? {} : {color: instance.color})}} : {}),
		readOnly: {instance: instance !== undefined, flag},
		warnings: [],
	};
}

/**
 * The read-only instance of the config file whose database and key prefix are the target's, if
 * any. A config file that cannot be read names none here (with an explicit URL a broken file stops
 * nothing, README "Several instances"); nor does an instance whose URL cannot be had (its redisEnv
 * unset): only a URL known to be that instance's is matched.
 */
export function readOnlyInstanceAt(
	target: Pick<RedisTarget, 'url' | 'prefix'>,
	env: Env,
	load: (env: Env) => InstancesFile | undefined = loadConfig,
): InstanceConfig | undefined {
	let file: InstancesFile | undefined;
	try {
		file = load(env);
	} catch {
		return undefined;
	}

	return file?.instances.find(instance => {
		if (!instance.readOnly) {
			return false;
		}

		try {
			return sameKeyspace(target, {url: urlOf(instance, env), prefix: prefixOf(instance.prefix ?? '')}, [undefined, undefined]);
		} catch {
			return false;
		}
	});
}

/**
 * The named instance `name` of the config file, as `by` (the flag or variable that named it) asked
 * for it: `--instance`, `EE_TOKENS_INSTANCE`, or one end of `diff` and `sync` (`--from`, `--to`).
 */
export function instanceConnection(
	name: string,
	by: string,
	flags: Omit<ConnectionFlags, 'redisFlag' | 'instanceFlag'>,
	env: Env,
	load: (env: Env) => InstancesFile | undefined = loadConfig,
): Connection {
	const file = load(env);
	if (file === undefined) {
		throw new TokenError(
			'usage',
			`${by} ${quoteTyped(name)}: there is no config file at ${configPath(env)}; create it with an [instances.${safeName(name)}] table (ee-tokens instances --help)`,
		);
	}

	return fromInstance(file, name, by, flags, env);
}

/** A name as it may be shown in a hint: only one a header could show. */
const safeName = (name: string) => (/^[\w.-]{1,64}$/.test(name) ? name : 'NAME');

function fromInstance(
	file: InstancesFile,
	name: string,
	by: string,
	flags: Omit<ConnectionFlags, 'redisFlag' | 'instanceFlag'>,
	env: Env,
): Connection {
	const instance = file.instances.find(candidate => candidate.name === name);
	if (instance === undefined) {
		const known = file.instances.map(candidate => candidate.name);
		throw new TokenError(
			'usage',
			`Unknown instance ${quoteTyped(name)} (${by})${didYouMean(name, known, `the instances in ${file.path} are ${known.join(', ') || 'none'}`)}`,
		);
	}

	const url = urlOf(instance, env);
	const timeoutMs = timeoutFrom(flags.timeoutFlag, env);
	const tls = resolveTlsFiles(url, flags.tlsFlags ?? {}, env);
	const notice = otherEnvironment(env, name, by);
	return {
		resolution: {
			target: {
				url,
				source: `instance ${name}`,
				// The instance says its prefix, absent meaning none: EENGINE_REDIS_PREFIX, left in a shell,
				// does not move a named instance's tokens.
				prefix: prefixOf(instance.prefix ?? ''),
				timeoutMs,
				...(Object.keys(tls).length === 0 ? {} : {tls}),
			},
			...(notice === undefined ? {} : {notice}),
		},
		instance: {name, ...(instance.color === undefined ? {} : {color: instance.color})},
		readOnly: {instance: instance.readOnly, flag: Boolean(flags.readOnly)},
		warnings: file.warnings,
	};
}

/** When an instance is used while EmailEngine's variables name a Redis too: say which one is used. */
function otherEnvironment(env: Env, name: string, by: string): string | undefined {
	const set = (['EENGINE_REDIS', 'REDIS_URL'] as const).find(variable => env[variable] || env[`${variable}_FILE`]);
	return set === undefined || by === 'default' ? undefined : `ee-tokens: using instance ${name} (${by}), not ${set}`;
}

/** The instance's URL: as written, from its file (the whole URL, as EENGINE_REDIS_FILE holds it), or from its variable. */
export function urlOf(instance: InstanceConfig, env: Env): string {
	const where = `instance ${instance.name}`;
	switch (instance.redis.kind) {
		case 'url': {
			return instance.redis.url;
		}

		case 'file': {
			let text: string;
			try {
				text = readFileSync(instance.redis.path, 'utf8');
			} catch (error) {
				throw new TokenError(
					'usage',
					`Cannot read redisFile ${instance.redis.path} of ${where}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
				);
			}

			// One line, as EENGINE_REDIS_FILE is read (compatibility §1.1): a trailing newline is no part of it.
			const url = text.replace(/\r?\n$/, '');
			if (url.trim() === '') {
				throw new TokenError('usage', `redisFile ${instance.redis.path} of ${where} is empty: it should hold the Redis URL`);
			}

			return url;
		}

		case 'env': {
			const url = readEnv(env, instance.redis.name);
			if (url === undefined) {
				throw new TokenError(
					'usage',
					`${instance.redis.name} (redisEnv of ${where}) is not set: it should hold the Redis URL (or ${instance.redis.name}_FILE a file holding it)`,
				);
			}

			return url;
		}
	}
}

/** The one line a write refused on a read-only connection says. */
export function readOnlyRefusal(connection: Pick<Connection, 'instance' | 'readOnly'>, what: string): TokenError | undefined {
	const {instance, flag} = connection.readOnly;
	if (!instance && !flag) {
		return undefined;
	}

	const name = connection.instance?.name;
	const subject = instance ? `Instance ${name} is read-only` : `--read-only is given`;
	const way =
		instance && flag
			? 'drop --read-only and set readOnly = false'
			: instance
				? 'set readOnly = false in the config file'
				: 'drop --read-only';
	return new TokenError('usage', `${subject}: ${what} would write to it; nothing was done (${way})`);
}
