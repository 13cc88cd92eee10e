import redisErrors from 'redis-errors';
import {TokenError, oneLine} from '../tokens/index.js';
import {type RedisTarget, describeEndpoint} from './connection.js';

// The base class of every error ioredis makes (ReplyError, AbortError, MaxRetriesPerRequestError,
// ParserError, InterruptError), from the package ioredis itself uses. Matching by class, not by
// name: readline and AbortController throw errors named AbortError too (a Ctrl-C at a prompt).
const {RedisError} = redisErrors;
const CONNECTION_TROUBLE =
	/connection is closed|stream isn't writeable|enableofflinequeue|max retries per request|command timed out|econnreset|econnrefused|epipe|etimedout|enotconn|enotfound/i;

/** What ioredis rejects a command with when the time limit (commandTimeout) passes. */
const TIMED_OUT = 'Command timed out';

/** Where a failure happened, for its message: the URL (masked when shown) and the time limit. */
export type RedisEndpoint = Pick<RedisTarget, 'url' | 'timeoutMs' | 'log'> & {source?: RedisTarget['source']};

/**
 * Redis's error replies whose first word names a state of the server rather than a mistake in the
 * command, in words a person acts on. Redis's own reply is always said too.
 */
const CONDITIONS: Record<string, string> = {
	MISCONF: 'disk full or not writable',
	READONLY: 'read-only replica',
	OOM: 'out of memory (maxmemory reached)',
	NOPERM: 'this user lacks the permission',
	WRONGPASS: 'wrong password',
	NOAUTH: 'no password given, and this Redis needs one',
	LOADING: 'still loading its data',
	BUSY: 'busy running a script',
	MASTERDOWN: 'replica whose master is down',
};

/** Whether an error (ours or ioredis's) says Redis cannot be reached right now, as opposed to refusing a command. */
export function isConnectionTrouble(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
	return CONNECTION_TROUBLE.test(`${oneLine(error)} ${code}`);
}

/** Whether the time limit ran out on a command. */
export const isTimeout = (error: unknown): boolean => error instanceof Error && error.message === TIMED_OUT;

/**
 * The reply that says why: a MULTI refused at queue time fails as `EXECABORT … previous errors`,
 * with the refusals themselves on `previousErrors` (ioredis); the ready check wraps its reply.
 */
export function redisReply(error: unknown): string {
	const previous = (error as {previousErrors?: unknown[]} | undefined)?.previousErrors?.[0];
	const text = oneLine(previous ?? error);
	return text.replace(/^Ready check failed: /, '');
}

/** Redis's reply with its condition in words first, when it names one: "read-only replica (READONLY …)". */
export function describeReply(reply: string): string {
	const condition = CONDITIONS[/^[A-Z]+/.exec(reply)?.[0] ?? ''];
	return condition ? `${condition} (${reply})` : reply;
}

/** "10 s", "0.5 s": a time limit as messages say it. */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** "Redis at redis://…/8 did not answer within 10 s": what a time limit that ran out says. */
export const notAnswering = (endpoint: RedisEndpoint): string =>
	`Redis at ${describeEndpoint(endpoint)} did not answer within ${seconds(endpoint.timeoutMs)}`;

/**
 * Turns what ioredis throws when Redis goes away, does not answer or refuses a command into the
 * typed error the edges report (exit 3, 503, a banner), with Redis's own reason: a refused write
 * says "read-only replica (READONLY …)", never only "EXECABORT … previous errors". Anything else is
 * left alone, since it is a bug and should say so.
 */
export function asRedisError(error: unknown, endpoint?: RedisEndpoint): unknown {
	if (error instanceof TokenError || !(error instanceof Error)) {
		return error;
	}

	const where = endpoint ? `Redis at ${describeEndpoint(endpoint)}` : 'Redis';
	if (isTimeout(error)) {
		return new TokenError('redis', endpoint ? notAnswering(endpoint) : `${where} did not answer in time`);
	}

	if (error instanceof RedisError || isConnectionTrouble(error)) {
		const reply = redisReply(error);
		const described = describeReply(reply);
		const command = (error as {command?: {name?: string; args?: unknown[]}}).command;
		if (command?.name === 'select') {
			// A reconnect whose SELECT was refused: the connection is not used (see connectRedis).
			return new TokenError('redis', `${where} refused database ${String(command.args?.[0])}: ${described}`);
		}

		const log = endpoint?.log && isConnectionTrouble(error) ? ` (see ${endpoint.log})` : '';
		return new TokenError('redis', described === reply ? `${where} failed: ${reply}${log}` : `${where} refused: ${described}`, {
			cause: error,
		});
	}

	return error;
}

/** Replies that refuse a command because of what its key holds, not because of the server's state. */
const KEY_CONTENT = /^(?:WRONGTYPE|ERR (?:hash )?value is not (?:an integer|a valid float)|ERR increment or decrement would overflow)/;

/**
 * What is wrong when Redis refused a command because of what a key holds (another writer left a
 * string where a hash belongs, a counter that is no integer): the reply, with the command and key
 * when ioredis says them, or the failed step's message. Undefined for anything else. Redis works
 * then: retrying or reconnecting cannot help, so this is no outage, and the key needs a person.
 */
export function keyContentProblem(error: unknown): string | undefined {
	const reply = error instanceof TokenError ? error.cause : error;
	if (!(reply instanceof RedisError) || !KEY_CONTENT.test(oneLine(reply))) {
		return undefined;
	}

	if (error instanceof TokenError) {
		return error.message;
	}

	const command = (reply as {command?: {name?: string; args?: unknown[]}}).command;
	const key = command?.args?.[0];
	return command?.name && (typeof key === 'string' || Buffer.isBuffer(key))
		? `${oneLine(reply)} (${command.name.toUpperCase()} ${key.toString()})`
		: oneLine(reply);
}

/**
 * The replies of a MULTI, or a TokenError if any command in it failed: EmailEngine treats a
 * per-command error in EXEC as failure of the whole write (compatibility §1.5).
 */
export function checkExec(replies: Array<[Error | null, unknown]> | null, what: string): unknown[] {
	if (replies === null) {
		throw new TokenError('redis', `${what} failed: transaction aborted`);
	}

	return replies.map(([error, value]) => {
		if (error) {
			throw new TokenError('redis', `${what} failed: ${describeReply(oneLine(error))}`, {cause: error});
		}

		return value;
	});
}
