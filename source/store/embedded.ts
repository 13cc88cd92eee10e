import {chmodSync, existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {TokenError} from '../tokens/index.js';

/** Where the embedded Redis keeps its data: `$XDG_STATE_HOME/ee-tokens`, private to this user. */
export function embeddedStateDir(env: Record<string, string | undefined> = process.env): string {
	const base = env['XDG_STATE_HOME'] || path.join(homedir(), '.local', 'state');
	return path.join(base, 'ee-tokens');
}

export type Embedded = {url: string; socket: string; dir: string; started: boolean};

/** The same db as EmailEngine's default, so a later switch to a real instance needs no renumbering. */
const EMBEDDED_DB = 8;

async function answers(socket: string): Promise<boolean> {
	const probe = new Redis({path: socket, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0});
	probe.on('error', () => {});
	try {
		await probe.connect();
		return (await probe.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		probe.disconnect();
	}
}

const NO_REDIS_SERVER =
	'No Redis is configured, none answers at 127.0.0.1:6379, and redis-server is not installed: install it (sudo apt-get install redis-server) or pass --dbs.redis=redis://host:6379/8';

/**
 * Starts (or reuses) a private redis-server for this user: data and a unix socket in the state
 * directory (mode 0700, socket 0700, no TCP port), AOF on so a token issued is a token kept. It is
 * daemonised so later runs and `serve` share it.
 */
export async function ensureEmbeddedRedis(dir = embeddedStateDir(), binary = 'redis-server'): Promise<Embedded> {
	const socket = path.join(dir, 'redis.sock');
	const url = `unix://${socket}?db=${EMBEDDED_DB}`;
	mkdirSync(dir, {recursive: true, mode: 0o700});
	chmodSync(dir, 0o700);
	if (await answers(socket)) {
		return {url, socket, dir, started: false};
	}

	// Left over from a crashed or killed run: nothing answers, so nothing uses them.
	rmSync(socket, {force: true});
	rmSync(path.join(dir, 'redis.pid'), {force: true});

	const config = path.join(dir, 'redis.conf');
	writeFileSync(
		config,
		[
			'# Written by ee-tokens for its embedded Redis; rewritten on each start.',
			'port 0',
			`unixsocket ${JSON.stringify(socket)}`,
			'unixsocketperm 700',
			`dir ${JSON.stringify(dir)}`,
			'daemonize yes',
			`pidfile ${JSON.stringify(path.join(dir, 'redis.pid'))}`,
			`logfile ${JSON.stringify(path.join(dir, 'redis.log'))}`,
			'appendonly yes',
			'appendfsync everysec',
			'save 60 1',
			'',
		].join('\n'),
		{mode: 0o600},
	);

	try {
		// execa costs ~60 ms to load; only this rare path needs it.
		const {execa} = await import('execa');
		await execa(binary, [config], {stdin: 'ignore', timeout: 10_000});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new TokenError('redis', NO_REDIS_SERVER);
		}

		throw new TokenError('redis', `The embedded redis-server did not start; see ${path.join(dir, 'redis.log')}`);
	}

	for (let attempt = 0; attempt < 100; attempt++) {
		// eslint-disable-next-line no-await-in-loop
		if (existsSync(socket) && (await answers(socket))) {
			return {url, socket, dir, started: true};
		}

		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	throw new TokenError('redis', `The embedded redis-server did not answer; see ${path.join(dir, 'redis.log')}`);
}
