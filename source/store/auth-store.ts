import type {Redis} from 'ioredis';
import {TokenError, encodeLastUse, encodeMsgpack} from '../tokens/index.js';
import {checkExec} from './redis-errors.js';
import {type Keys, keysFor} from './keys.js';

/** The `{p}settings` fields the API server's authentication reads (compatibility §1.2, §6.1, §6.5, §1.7). */
export type AuthSettings = {
	disableTokens: boolean;
	tokenAuditLog: boolean;
	enableApiProxy: boolean;
};

const SETTING_NAMES = ['disableTokens', 'tokenAuditLog', 'enableApiProxy'] as const;

/** Settings values are JSON text; only JSON `true` turns a switch on, anything else reads as off. */
function parseSettings(values: Array<string | null>): AuthSettings {
	const on = (value: string | null | undefined) => {
		try {
			return value !== null && value !== undefined && JSON.parse(value) === true;
		} catch {
			return false;
		}
	};

	return {disableTokens: on(values[0]), tokenAuditLog: on(values[1]), enableApiProxy: on(values[2])};
}

/** One audit-log entry (compatibility §1.7); keys in EmailEngine's order, absent values stored as nil. */
export type AuditEntry = {
	time: number;
	ip: string | null;
	method: string | null;
	path: string | null;
	action: string | null;
	group: string | null;
	/** Text, or a number where EmailEngine's CLI stored an integer account. */
	account: string | number | null;
	status: 'allowed' | 'denied';
	reason: string | null;
};

export type AuditLimits = {entries: number; maxAgeSeconds: number};

/**
 * One event-loop turn of the server's connection. Under load libuv hands every readable socket to
 * one turn, so one turn handles many requests; they are concurrent anyway, so they may share work
 * without any of them seeing something a request handled alone could not:
 *
 * - Writes are held until the end of the turn (socket cork, released by setImmediate), so the
 *   commands of every request handled in it leave in one write. ioredis's own auto-pipelining
 *   batches the same way but pays a Pipeline, a second promise and a nextTick per command; measured
 *   on the hot path it cost 21 µs of CPU per request against 8 µs for this. Replies are unaffected:
 *   Redis answers one connection's commands in order.
 * - Identical reads share one command and its reply. The command leaves at the end of the turn,
 *   after every request that shares it arrived, so it is as fresh as a read of each one's own.
 *   Nothing outlives the turn: the next turn reads again.
 * - Memos (TurnMemo) are emptied at the same moment.
 */
class Turn {
	/** The token lookups of this turn, by id. */
	readonly lookups = new Map<string, Promise<TokenLookup>>();
	/** The last-use writes of this turn, by id: the latest value sent and its reply. */
	readonly lastUse = new Map<string, {time: number; ip: string | null; write: Promise<unknown>}>();
	settings: Promise<AuthSettings> | undefined = undefined;
	accounts: Promise<number> | undefined = undefined;
	readonly memos: Array<Map<unknown, unknown>> = [];
	private held: Redis['stream'] | undefined;
	private ending = false;
	private readonly end = () => {
		this.ending = false;
		const stream = this.held;
		this.held = undefined;
		stream?.uncork();
		this.lookups.clear();
		this.lastUse.clear();
		this.settings = undefined;
		this.accounts = undefined;
		for (const memo of this.memos) {
			memo.clear();
		}
	};

	constructor(private readonly redis: Redis) {}

	/** Something belongs to this turn: it ends (memos emptied, writes released) with setImmediate. */
	touch(): void {
		if (!this.ending) {
			this.ending = true;
			setImmediate(this.end);
		}
	}

	/** Holds this connection's writes until the end of the turn. */
	hold(): void {
		this.touch();
		// Only on a ready connection: while connecting, commands wait in ioredis's offline queue.
		if (this.held === undefined && this.redis.status === 'ready') {
			this.held = this.redis.stream;
			this.held.cork();
		}
	}
}

/** A map that lives for one event-loop turn of the AuthStore (emptied with its writes released). */
export class TurnMemo<K, V> {
	private readonly map = new Map<K, V>();

	constructor(private readonly turn: Turn) {
		turn.memos.push(this.map);
	}

	get(key: K): V | undefined {
		return this.map.get(key);
	}

	set(key: K, value: V): void {
		this.turn.touch();
		this.map.set(key, value);
	}
}

/** The stored record bytes of one token id and the auth settings, as read together. */
export type TokenLookup = {bytes: Buffer | null; settings: AuthSettings};

/**
 * What the API server reads and writes besides the token records themselves: last use, rate-limit
 * counters, settings, audit entries, accounts and Redis facts. Every key comes from keysFor(), so the
 * layout still lives only in store/.
 */
/** The range of a Redis integer (a signed 64-bit one): INCRBY fails at its top. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class AuthStore {
	/** The settings the last read parsed (knownSettings). */
	private lastSettings: AuthSettings | undefined = undefined;

	private readonly keys: Keys;
	private readonly turn: Turn;

	constructor(
		readonly redis: Redis,
		readonly prefix = '',
	) {
		this.keys = keysFor(prefix);
		this.turn = new Turn(redis);
	}

	/**
	 * Everything sent on this connection until the end of this event-loop turn goes out in one
	 * write, the handler's commands that follow authentication included.
	 */
	coalesce(): void {
		this.turn.hold();
	}

	/** A map emptied at the end of every event-loop turn: work shared by the requests of one turn. */
	turnMemo<K, V>(): TurnMemo<K, V> {
		return new TurnMemo<K, V>(this.turn);
	}

	/**
	 * The stored record bytes of one token id and the auth settings. This runs on every
	 * authenticated request, so it is the one that matters for throughput: the requests of one
	 * event-loop turn that present the same token share one HGET, and all of them one HMGET of the
	 * settings (the same result object, too).
	 */
	lookup(id: string): Promise<TokenLookup> {
		const turn = this.turn;
		let lookup = turn.lookups.get(id);
		if (lookup === undefined) {
			turn.hold();
			const record = this.redis.hgetBuffer(this.keys.tokens, id);
			lookup = Promise.all([record, this.settings()]).then(([bytes, settings]) => ({bytes: bytes ?? null, settings}));
			turn.lookups.set(id, lookup);
		}

		return lookup;
	}

	/** The auth settings, read once per event-loop turn for all the requests handled in it. */
	settings(): Promise<AuthSettings> {
		const turn = this.turn;
		if (turn.settings === undefined) {
			turn.hold();
			turn.settings = this.redis.hmget(this.keys.settings, ...SETTING_NAMES).then(settings => {
				const parsed = parseSettings(settings);
				this.lastSettings = parsed;
				return parsed;
			});
		}

		return turn.settings;
	}

	/**
	 * The settings as last read, without asking Redis: for what only a log line needs (the client
	 * address of a refusal decided without Redis). Undefined before the first read.
	 */
	knownSettings(): AuthSettings | undefined {
		return this.lastSettings;
	}

	/**
	 * Last use (compatibility §1.6): a plain HSET of `{time, ip}`, exactly as EmailEngine writes it. Within
	 * one event-loop turn a request whose value equals the latest one sent for the same token (the
	 * same millisecond and address) shares that write instead of repeating it: the field then holds
	 * its bytes at the same point of the connection's order, as if it had written them itself.
	 */
	recordLastUse(id: string, time: number, ip: string | null): Promise<unknown> {
		const turn = this.turn;
		const sent = turn.lastUse.get(id);
		if (sent !== undefined && sent.time === time && sent.ip === ip) {
			return sent.write;
		}

		turn.hold();
		const write = this.redis.hset(this.keys.access, id, encodeLastUse(time, ip));
		turn.lastUse.set(id, {time, ip, write});
		return write;
	}

	/** Fixed-window counter (compatibility §6.6): MULTI INCRBY 1 + EXPIRE W; returns the count after this hit. */
	async hitRateLimit(window: number, bucket: number, id: string): Promise<number> {
		const key = this.keys.rateLimit(window, bucket, id);
		const replies = await this.redis.multi().incrby(key, 1).expire(key, window).exec();
		return Number(checkExec(replies, 'Counting the request')[0]);
	}

	/**
	 * The fixed window's count so far, read without counting a request: what `ee-tokens can` judges
	 * the next request by. A missing counter (no request in this window yet) is 0.
	 */
	async peekRateLimit(window: number, bucket: number, id: string): Promise<number> {
		const key = this.keys.rateLimit(window, bucket, id);
		const value = await this.redis.get(key);
		if (value === null) {
			return 0;
		}

		// Only what INCRBY counts on (Redis's string2ll: no "-0", no leading zeros, a signed 64-bit
		// integer) and can add one to: anything else makes serve's count fail (a 500), so no verdict
		// may be read from it.
		if (!/^(0|-?[1-9]\d{0,18})$/.test(value) || BigInt(value) < INT64_MIN || BigInt(value) >= INT64_MAX) {
			throw new TokenError(
				'unreadable',
				`The rate-limit counter ${key} is not an integer, so serve cannot count this request (it answers 500)`,
			);
		}

		return Number(value);
	}

	/** Audit log write (compatibility §1.7): LPUSH, LTRIM to N entries, EXPIRE refreshed on each write. */
	async appendAudit(id: string, entry: AuditEntry, limits: AuditLimits): Promise<void> {
		const key = this.keys.auditLog(id);
		const replies = await this.redis
			.multi()
			.lpush(key, Buffer.from(encodeMsgpack(entry)))
			.ltrim(key, 0, limits.entries - 1)
			.expire(key, limits.maxAgeSeconds)
			.exec();
		checkExec(replies, 'Writing the audit log');
	}

	/** A few plain fields of an account record, or undefined when the account does not exist. */
	async accountFields(account: string, fields: readonly string[]): Promise<Record<string, string | null> | undefined> {
		const values = await this.redis.hmget(this.keys.account(account), 'account', ...fields);
		if (values[0] === null || values[0] === undefined) {
			return undefined;
		}

		return Object.fromEntries(fields.map((field, index) => [field, values[index + 1] ?? null]));
	}

	private versionCache: {value: string; until: number} | undefined;

	/**
	 * SCARD of `ia:accounts` (what /v1/stats reports) and Redis's own version. INFO is the costly
	 * half and the version only changes with a Redis restart, so it is asked at most every 10 s.
	 */
	async stats(now = Date.now()): Promise<{accounts: number; redisVersion: string}> {
		if (this.versionCache && now < this.versionCache.until) {
			return {accounts: await this.accounts(), redisVersion: this.versionCache.value};
		}

		const [accounts, info] = await Promise.all([this.accounts(), this.redis.info('server')]);
		const redisVersion = redisVersionFrom(info);
		this.versionCache = {value: redisVersion, until: now + 10_000};
		return {accounts, redisVersion};
	}

	/** SCARD of `ia:accounts`, once per event-loop turn for all the requests that ask. */
	private accounts(): Promise<number> {
		const turn = this.turn;
		if (turn.accounts === undefined) {
			turn.hold();
			turn.accounts = this.redis.scard(this.keys.accounts);
		}

		return turn.accounts;
	}

	async ping(): Promise<boolean> {
		return (await this.redis.ping()) === 'PONG';
	}
}

/** `redis_version:7.0.15` from INFO server; Dragonfly and others add their own line, shown too. */
export function redisVersionFrom(info: string): string {
	const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
	const version = field('redis_version') ?? 'unknown';
	const dragonfly = field('dragonfly_version');
	return dragonfly ? `${version} (Dragonfly ${dragonfly})` : version;
}
