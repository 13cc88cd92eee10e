import {
	type OpenStore,
	type RedisTarget,
	asRedisError,
	keyFileWarning,
	maskRedisUrl,
	openTarget,
	sameKeyspace,
	serverRunId,
} from '../store/index.js';
import {TokenError} from '../tokens/index.js';
import {readOnlyRefusal} from '../config/index.js';
import {displayText} from '../format/index.js';
import type {Context} from './command.js';
import {type Endpoint, resolveEndpoint} from './endpoint.js';

/** The flags naming the two ends, shared by `diff` and `sync`. */
export const endFlags = {
	from: {type: 'string'},
	to: {type: 'string'},
	fromPrefix: {type: 'string'},
	toPrefix: {type: 'string'},
} as const;

export type EndFlags = {from?: string; to?: string; fromPrefix?: string; toPrefix?: string};

export const END_USAGE = `  --from         The Redis the tokens come from: a URL (redis://, rediss://, unix://) or
	                 the name of an instance of the config file (ee-tokens instances)
	  --to           The Redis compared with it, or copied to: a URL or an instance name
	  --from-prefix  The key prefix at a --from URL (EmailEngine's EENGINE_REDIS_PREFIX);
	                 without it, EENGINE_REDIS_PREFIX applies to both URLs, as for every
	                 command (an instance names its own prefix)
	  --to-prefix    The key prefix at a --to URL
	  --dbs.timeout, --dbs.tls-* and --read-only apply to both ends; --dbs.redis and
	  --instance to neither`;

/** One end, opened: its store and what to call it in messages (password masked, sanitised). */
export type End = OpenStore & {label: string};

/**
 * How an end is named to people: its instance's name when it has one, its URL with the password
 * masked, and its prefix when it has one.
 */
export const endLabel = ({target, instance}: Pick<Endpoint, 'target' | 'instance'>): string =>
	displayText(
		`${instance ? `${instance.name} (` : ''}${maskRedisUrl(target.url)}${target.prefix ? ` prefix ${target.prefix.slice(0, -1)}` : ''}${instance ? ')' : ''}`,
		300,
	);

/**
 * Resolves both ends (before connecting anything: a typo never needs a reachable Redis), connects
 * them, refuses one keyspace named twice, runs `use`, and closes both. A Redis failure names the
 * end it happened at: `atFrom`/`atTo` wrap each end's reads and writes.
 */
export async function withEnds<T>(
	flags: EndFlags,
	/** The command, and whether it writes to --to (sync but not its dry run): refused on a read-only end. */
	{command, writesTo}: {command: string; writesTo: boolean},
	context: Context,
	use: (ends: {from: End; to: End; atFrom: <R>(work: Promise<R>) => Promise<R>; atTo: <R>(work: Promise<R>) => Promise<R>}) => Promise<T>,
): Promise<T> {
	if (context.redisFlag !== undefined || context.instanceFlag !== undefined) {
		const given = context.redisFlag === undefined ? '--instance' : '--dbs.redis';
		throw new TokenError('usage', `${command} reads --from and --to; ${given} names neither: give the URL or instance to --from or --to`);
	}

	if (flags.from === undefined || flags.to === undefined) {
		throw new TokenError('usage', `${command} needs --from and --to (each a Redis URL or an instance name)`);
	}

	const options = {env: context.env, timeoutFlag: context.timeoutFlag, tlsFlags: context.tlsFlags, readOnly: context.readOnly};
	const fromEnd = resolveEndpoint('--from', flags.from, {...options, prefix: flags.fromPrefix});
	const toEnd = resolveEndpoint('--to', flags.to, {...options, prefix: flags.toPrefix});
	const fromTarget = fromEnd.target;
	const toTarget = toEnd.target;
	for (const warning of new Set([...fromEnd.warnings, ...toEnd.warnings, keyFileWarning(fromTarget.tls), keyFileWarning(toTarget.tls)])) {
		if (warning) {
			context.say(warning);
		}
	}

	// Before anything is opened: a read-only instance is never connected to for a write.
	const refusal = writesTo ? readOnlyRefusal(toEnd, `${command} to --to`) : undefined;
	if (refusal) {
		throw refusal;
	}

	if (sameKeyspace(fromTarget, toTarget, [undefined, undefined])) {
		throw sameEnds(command);
	}

	const opened = await Promise.allSettled([openTarget(fromTarget, context.now), openTarget(toTarget, context.now)]);
	const [fromOpen, toOpen] = opened.map(result => (result.status === 'fulfilled' ? result.value : undefined));
	const closeAll = async (graceful: boolean) => Promise.all([fromOpen?.close(graceful), toOpen?.close(graceful)]);
	const failed = opened.find(result => result.status === 'rejected');
	if (failed || !fromOpen || !toOpen) {
		await closeAll(false);
		throw (failed as PromiseRejectedResult).reason;
	}

	const blame =
		(target: RedisTarget) =>
		async <R>(work: Promise<R>): Promise<R> =>
			work.catch((error: unknown) => {
				throw asRedisError(error, target);
			});
	let result: T;
	try {
		const runIds = await Promise.all([serverRunId(fromOpen.store.redis), serverRunId(toOpen.store.redis)]);
		if (sameKeyspace(fromTarget, toTarget, runIds)) {
			throw sameEnds(command);
		}

		result = await use({
			from: {...fromOpen, label: endLabel(fromEnd)},
			to: {...toOpen, label: endLabel(toEnd)},
			atFrom: blame(fromTarget),
			atTo: blame(toTarget),
		});
	} catch (error) {
		await closeAll(false);
		throw error;
	}

	await closeAll(true);
	return result;
}

const sameEnds = (command: string) =>
	new TokenError(
		'usage',
		`--from and --to name the same Redis database and key prefix: ${command} needs two different ones (another database, prefix or server)`,
	);
