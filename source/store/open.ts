import {Redis, type RedisOptions} from 'ioredis';
// A CommonJS module: its default export arrives as `.default` of the module object (as in Node).
import standaloneConnector from 'ioredis/built/connectors/StandaloneConnector.js';
import {TokenError} from '../tokens/index.js';
import {type RedisTarget, type Resolution, describeEndpoint, maskRedisUrl, redisOptionsFor, resolveRedisTarget} from './connection.js';
import {embeddedClientName} from './embedded-lifecycle.js';
import {embeddedStateDir, ensureEmbeddedRedis} from './embedded.js';
import {describeReply, notAnswering, redisReply, seconds} from './redis-errors.js';
import {TokenStore} from './token-store.js';
import {type HandshakeState, type TlsFlags, describeFile, handshakeTimedOut, keyFileWarning, tlsFailure, tlsOptionsFrom} from './tls.js';

export type OpenOptions = {
	/**
	 * The target already resolved (a named instance of the config file, by source/config/): the
	 * flags and environment below are then not read for the URL. The store knows no config file.
	 */
	resolution?: Resolution;
	/** The `--dbs.redis` flag, if given. */
	flag?: string;
	/** The `--dbs.timeout` flag (seconds), if given. */
	timeoutFlag?: string;
	/** The `--dbs.tls-ca`, `--dbs.tls-cert` and `--dbs.tls-key` flags, if given. */
	tlsFlags?: TlsFlags;
	env?: Record<string, string | undefined>;
	/** Keep retrying after a lost connection (the app and the server); commands fail fast instead. */
	persistent?: boolean;
	/** Where notices go (which URL won, that the embedded Redis started). */
	notify?: (message: string) => void;
	/**
	 * Say nothing when an embedded Redis already running is used: a command run many times would
	 * say it each time. Starting one is always said (a server now runs that did not).
	 */
	quietReuse?: boolean;
	/** Who this is on the embedded Redis (`serve`, `app`), so `embedded stop` can name it (embeddedClientName). */
	clientName?: string;
	/** The store's clock (created, expiry), when it is not the real one. */
	now?: () => number;
	/** Tests point "the default" somewhere known to be silent, and the embedded data elsewhere. */
	defaultUrl?: string;
	embeddedDir?: string;
};

export type OpenStore = {
	store: TokenStore;
	target: RedisTarget;
	/** QUIT, or (`graceful` false, after a failure) just drop the connection: a stalled Redis would hold a QUIT too. */
	close: (graceful?: boolean) => Promise<void>;
};

/** A failed connect; `socketCode` says why when nothing answered at all (ECONNREFUSED, ENOENT). */
export class ConnectError extends TokenError {
	constructor(
		message: string,
		readonly socketCode?: string,
	) {
		super('redis', message);
	}
}

/** Connection failures EmailEngine also treats as fatal at startup (compatibility §1.1), with Redis's reason. */
function connectionError(
	target: RedisTarget,
	error: unknown,
	db: number | undefined,
	handshake: HandshakeState,
	isTls: boolean,
): ConnectError {
	const where = describeEndpoint(target);
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (isTls && code === 'ETIMEDOUT' && handshake.tcpConnected && !handshake.secured) {
		return new ConnectError(handshakeTimedOut(where, seconds(target.timeoutMs)), code);
	}

	const tls = tlsFailure(where, error, target.tls, handshake, isTls);
	if (tls) {
		return new ConnectError(tls, code);
	}

	const selecting = (error as {command?: {name?: string}} | undefined)?.command?.name === 'select';
	if (selecting && !/^(WRONGPASS|NOAUTH)/.test(redisReply(error))) {
		return new ConnectError(`Cannot use database ${db} of Redis at ${where}: ${describeReply(redisReply(error))}`);
	}

	return code
		? new ConnectError(`Cannot connect to Redis at ${where} (${code})`, code)
		: new ConnectError(`Cannot connect to Redis at ${where}: ${describeReply(redisReply(error))}`);
}

type ConnectorConstructor = NonNullable<RedisOptions['Connector']>;

/**
 * ioredis's connector for one server (not exported by name; the `Connector` option takes a
 * subclass). Imported, not required at run time, so that the bundle holds one copy of ioredis: a
 * require from node_modules loaded its utilities a second time in every process that connects.
 */
const StandaloneConnector = standaloneConnector.default;
type StandaloneConnectorClass = InstanceType<typeof StandaloneConnector>;

/**
 * ioredis SELECTs the URL's database on every (re)connection, and when Redis refuses (no such
 * database, an ACL without SELECT) it only emits an error and carries on in db 0: tokens would be
 * read from and written to another database. This connector vetoes such a connection in ioredis's
 * ready check, which runs after the SELECT's reply and before any queued command is sent; the
 * connection is then closed (and retried, by the app and serve) instead of being used.
 *
 * It also notes how far each connection got (`handshake`): a TLS failure is told apart by it (a
 * plain-text Redis never answers a TLS handshake; a Redis that wants a client certificate closes
 * the connection only after the handshake).
 */
function connectorVetoing(refused: () => boolean, handshake: HandshakeState): ConnectorConstructor {
	// Cast at the end: ioredis types the Connector option as taking `unknown` options and its own
	// connector as taking its options type (the same class, typed twice).
	return class extends StandaloneConnector {
		override check(info: Parameters<StandaloneConnectorClass['check']>[0]): boolean {
			return !refused() && super.check(info);
		}

		override async connect(onError: Parameters<StandaloneConnectorClass['connect']>[0]): ReturnType<StandaloneConnectorClass['connect']> {
			handshake.tcpConnected = false;
			handshake.secured = false;
			const stream = await super.connect(onError);
			stream.once('connect', () => {
				handshake.tcpConnected = true;
			});
			stream.once('secureConnect', () => {
				handshake.secured = true;
			});
			return stream;
		}
	} as unknown as ConnectorConstructor;
}

/**
 * A connection to `target` that is ready to use: in its database, within the time limit. Each
 * command then has the same limit (ioredis's commandTimeout), so nothing waits for ever on a
 * Redis that accepts and never answers, or one under CLIENT PAUSE.
 */
export async function connectRedis(target: RedisTarget, persistent = false, connectionName?: string): Promise<Redis> {
	const options = redisOptionsFor(target.url);
	const isTls = options.tls !== undefined;
	const files = Object.values(target.tls ?? {});
	if (files.length > 0) {
		if (!isTls) {
			throw new TokenError(
				'usage',
				`${describeFile(files[0]!)} is for TLS, and Redis at ${maskRedisUrl(target.url)} is not reached over TLS: write rediss://, or leave the file out`,
			);
		}

		options.tls = tlsOptionsFrom(target.tls!);
	}

	let selectRefused: Error | undefined;
	const handshake: HandshakeState = {tcpConnected: false, secured: false};
	const redis = new Redis({
		...options,
		Connector: connectorVetoing(() => selectRefused !== undefined, handshake),
		...(connectionName ? {connectionName} : {}),
		lazyConnect: true,
		// No CLIENT SETINFO: ioredis would read its version from a package.json beside its own files,
		// which the bundle does not have (docs/architecture.md, "The build"), and send a wrong one.
		disableClientInfo: true,
		connectTimeout: target.timeoutMs,
		commandTimeout: target.timeoutMs,
		// Fail fast in commands; in the app and server, keep trying every second.
		retryStrategy: persistent ? times => Math.min(times * 200, 1000) : () => null,
		maxRetriesPerRequest: persistent ? 1 : 0,
		enableOfflineQueue: persistent,
	});
	// ioredis prints unhandled error events to the console; the owner of the connection reports them.
	// The last one is kept because connect() itself only says "Connection is closed".
	let lastError: unknown;
	// A refused password makes the SELECT after it fail too ("NOAUTH"): the password is the reason.
	let credentialsRefused: unknown;
	// Each connection SELECTs anew; its 'connect' event comes before any reply can.
	redis.on('connect', () => {
		selectRefused = undefined;
	});
	redis.on('error', (error: Error & {command?: {name?: string}}) => {
		lastError = error;
		if (/^(WRONGPASS|NOAUTH)/.test(error.message)) {
			credentialsRefused ??= error;
		} else if (error.command?.name === 'select') {
			selectRefused = error;
		}
	});
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			const where = describeEndpoint(target);
			reject(
				isTls && handshake.tcpConnected && !handshake.secured
					? new ConnectError(handshakeTimedOut(where, seconds(target.timeoutMs)), 'ETIMEDOUT')
					: new TokenError('redis', notAnswering(target)),
			);
		}, target.timeoutMs);
	});
	try {
		await Promise.race([redis.connect(), deadline]);
	} catch (error) {
		redis.disconnect();
		if (error instanceof TokenError) {
			throw error;
		}

		throw connectionError(target, credentialsRefused ?? selectRefused ?? lastError ?? error, options.db, handshake, isTls);
	} finally {
		clearTimeout(timer);
	}

	return redis;
}

/**
 * Resolves the target (compatibility §1.1 with the flag first) and connects. With nothing configured and
 * nothing answering at the default URL, starts or reuses the embedded redis-server.
 */
export async function openStore(options: OpenOptions = {}): Promise<OpenStore> {
	const env = options.env ?? process.env;
	const resolution = options.resolution ?? resolveRedisTarget(options.flag, env, options.timeoutFlag, options.tlsFlags);
	const {notice} = resolution;
	const target =
		resolution.target.source === 'default' && options.defaultUrl ? {...resolution.target, url: options.defaultUrl} : resolution.target;
	if (notice) {
		options.notify?.(notice);
	}

	const keyWarning = keyFileWarning(target.tls);
	if (keyWarning) {
		options.notify?.(keyWarning);
	}

	let redis: Redis;
	let used = target;
	try {
		redis = await connectRedis(target, options.persistent);
	} catch (error) {
		// Only "nothing listens there" means there is no Redis at the default: anything that
		// answered (a password, a refusal, silence) is a Redis someone runs, and is reported.
		const nothingThere = error instanceof ConnectError && (error.socketCode === 'ECONNREFUSED' || error.socketCode === 'ENOENT');
		if (target.source !== 'default' || !nothingThere) {
			throw error;
		}

		const embedded = await ensureEmbeddedRedis(options.embeddedDir ?? embeddedStateDir(env), {timeoutMs: target.timeoutMs});
		used = {url: embedded.url, source: 'embedded', prefix: target.prefix, timeoutMs: target.timeoutMs, log: embedded.log};
		if (embedded.started || !options.quietReuse) {
			options.notify?.(
				`ee-tokens: no Redis at ${maskRedisUrl(target.url)}, ${embedded.started ? 'started' : 'using'} the embedded one (${embedded.socket}, db 8)`,
			);
		}
		redis = await connectRedis(used, options.persistent, embeddedClientName(options.clientName ?? 'command'));
	}

	return storeOver(redis, used, options.now);
}

/** The store over a connection made to `target`, and how to close it. */
function storeOver(redis: Redis, target: RedisTarget, now?: () => number): OpenStore {
	return {
		store: new TokenStore(redis, target.prefix, now),
		target,
		async close(graceful = true) {
			if (graceful) {
				await redis.quit().catch(() => redis.disconnect());
			} else {
				redis.disconnect();
			}
		},
	};
}

/**
 * A store at a target already resolved (the two ends of `diff` and `sync`): connected as
 * connectRedis() connects, never replaced by the embedded Redis nor by another database.
 */
export async function openTarget(target: RedisTarget, now?: () => number): Promise<OpenStore> {
	return storeOver(await connectRedis(target), target, now);
}

/**
 * Which server process a connection reaches (INFO's run_id, new on every start), so two URLs that
 * spell one server differently (localhost and 127.0.0.1, a socket and a port) are known as one.
 * Undefined when INFO is refused (an ACL without it).
 */
export async function serverRunId(redis: Redis): Promise<string | undefined> {
	try {
		return /^run_id:(\w+)/m.exec(await redis.info('server'))?.[1];
	} catch {
		return undefined;
	}
}
