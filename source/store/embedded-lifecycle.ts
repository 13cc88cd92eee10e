import {readFileSync} from 'node:fs';
import {Redis} from 'ioredis';
import path from 'node:path';
import {TokenError} from '../tokens/index.js';
import {DEFAULT_TIMEOUT_SECONDS} from './connection.js';
import {embeddedStateDir, fsProblem, running} from './embedded.js';

/**
 * The embedded Redis's lifecycle after its start (`ee-tokens embedded status|stop`): who uses it,
 * and stopping it only when nobody does. Starting it is embedded.ts's.
 */

/** The embedded Redis as `ee-tokens embedded status` reports it; `clients` only while it runs. */
export type EmbeddedStatus = {dir: string; socket: string; log: string; running: boolean; pid?: number; clients?: string[]};

/**
 * The name each ee-tokens connection to the embedded Redis gives itself (CLIENT SETNAME), so that
 * `embedded stop` can say who uses the server: `ee-tokens-serve-pid-4242`. Redis names take no
 * spaces. Only the embedded server is named: a live Redis's ACL may not allow CLIENT.
 */
export const embeddedClientName = (what: string, pid = process.pid) => `ee-tokens-${what}-pid-${pid}`;

/** The pid the server wrote, if it did (only read: nothing is ever signalled by it). */
function pidOf(dir: string): number | undefined {
	try {
		const pid = Number(readFileSync(path.join(dir, 'redis.pid'), 'utf8').trim());
		return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

/** A connection to the embedded server's socket, for status and stop; no database is selected. */
async function connectEmbedded(socket: string, timeoutMs: number) {
	const redis = new Redis({
		path: socket,
		lazyConnect: true,
		connectTimeout: timeoutMs,
		commandTimeout: timeoutMs,
		retryStrategy: () => null,
		maxRetriesPerRequest: 0,
	});
	redis.on('error', () => {});
	try {
		await redis.connect();
	} catch (error) {
		redis.disconnect();
		throw new TokenError('redis', `Cannot reach the embedded Redis at ${socket}: ${fsProblem(error)}`);
	}

	return redis;
}

/**
 * Every other client of the server, by the name it gave (or its id when it gave none). Redis takes
 * names of printable ASCII without spaces only, so a name is safe to print.
 */
async function otherClients(redis: Awaited<ReturnType<typeof connectEmbedded>>): Promise<string[]> {
	const [own, list] = await Promise.all([redis.client('ID'), redis.client('LIST') as Promise<string>]);
	return list
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => Object.fromEntries(line.split(' ').map(pair => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])))
		.filter(fields => fields['id'] !== String(own))
		.map(fields => (fields['name'] ? fields['name'] : `an unnamed client (id ${fields['id']})`));
}

/** Whether the embedded Redis runs, where its files are, and who is connected; starts nothing. */
export async function embeddedStatus(dir = embeddedStateDir(), {timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000} = {}): Promise<EmbeddedStatus> {
	const socket = path.join(dir, 'redis.sock');
	const status: EmbeddedStatus = {dir, socket, log: path.join(dir, 'redis.log'), running: false};
	if (!(await running(socket, timeoutMs))) {
		return status;
	}

	const redis = await connectEmbedded(socket, timeoutMs);
	try {
		return {...status, running: true, pid: pidOf(dir), clients: await otherClients(redis)};
	} finally {
		redis.disconnect();
	}
}

/**
 * Stops the embedded Redis (SHUTDOWN: it saves, and the append-only file already holds every
 * write), unless another client uses it and `force` is not given: an app or a serve on it would
 * lose its Redis mid-work. Returns the clients it was stopped under (with `force`), or throws a
 * 'refused' TokenError naming them. Not running is not an error: there is nothing to stop.
 */
export async function stopEmbedded(
	dir = embeddedStateDir(),
	{force = false, timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000} = {},
): Promise<{wasRunning: boolean; clients: string[]}> {
	const socket = path.join(dir, 'redis.sock');
	if (!(await running(socket, timeoutMs))) {
		return {wasRunning: false, clients: []};
	}

	const redis = await connectEmbedded(socket, timeoutMs);
	let clients: string[];
	try {
		clients = await otherClients(redis);
		if (clients.length > 0 && !force) {
			throw new TokenError(
				'refused',
				`The embedded Redis is in use by ${clients.length === 1 ? 'a client' : `${clients.length} clients`}: ${clients.join(', ')}; stop ${clients.length === 1 ? 'it' : 'them'} first, or give --force`,
			);
		}

		// The reply never comes: the server closes the connection as it goes.
		await redis.shutdown().catch(() => {});
	} finally {
		redis.disconnect();
	}

	const deadline = Date.now() + Math.max(timeoutMs, 5000);
	while (await running(socket, timeoutMs)) {
		if (Date.now() > deadline) {
			throw new TokenError('redis', `The embedded Redis at ${socket} did not stop; see ${path.join(dir, 'redis.log')}`);
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}

	return {wasRunning: true, clients};
}
