import {chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {connect} from 'node:net';
import {homedir} from 'node:os';
import path from 'node:path';
import {TokenError} from '../tokens/index.js';
import {DEFAULT_TIMEOUT_SECONDS} from './connection.js';

/** Where the embedded Redis keeps its data: `$XDG_STATE_HOME/ee-tokens`, private to this user. */
export function embeddedStateDir(env: Record<string, string | undefined> = process.env): string {
	const base = env['XDG_STATE_HOME'] || path.join(homedir(), '.local', 'state');
	return path.join(base, 'ee-tokens');
}

export type Embedded = {url: string; socket: string; dir: string; log: string; started: boolean};

export type EmbeddedOptions = {
	/** The redis-server to start (tests name one that does not exist). */
	binary?: string;
	/** How long the running server may take to answer, and a new one to start. */
	timeoutMs?: number;
};

/** The same db as EmailEngine's default, so a later switch to a real instance needs no renumbering. */
const EMBEDDED_DB = 8;

/**
 * How long a process waits for another one that is starting the server. The lock is stale (its
 * holder died) after LOCK_STALE_MS without its holder touching it, so waiting longer than that
 * lets a waiter take over from a holder killed mid-start.
 */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 50;

/** "EROFS (read-only file system)" from a Node fs error. */
export function fsProblem(error: unknown): string {
	const {code, message} = error as NodeJS.ErrnoException;
	const text = /^[A-Z]+: ([^,]+)/.exec(message ?? '')?.[1];
	return code ? `${code}${text ? ` (${text})` : ''}` : String(message ?? error);
}

const unusable = (dir: string, problem: string) =>
	new TokenError(
		'redis',
		`The state directory ${dir} cannot be used for the embedded Redis: ${problem}; set XDG_STATE_HOME or pass --dbs.redis`,
	);

/**
 * Creates `dir` (mode 0700) and its missing parents one level at a time. Node's recursive mkdir is
 * not used: on a directory that says ENOENT to every mkdir (XDG_STATE_HOME=/proc) it loops for ever.
 */
function makeDirectory(dir: string, depth = 0): void {
	try {
		mkdirSync(dir, {mode: 0o700});
		return;
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'EEXIST') {
			if (!statSync(dir).isDirectory()) {
				throw unusable(dir, 'it is a file, not a directory');
			}

			return;
		}

		const parent = path.dirname(dir);
		if (code !== 'ENOENT' || parent === dir || depth > 64) {
			throw unusable(dir, fsProblem(error));
		}
	}

	makeDirectory(path.dirname(dir), depth + 1);
	try {
		mkdirSync(dir, {mode: 0o700});
	} catch (error) {
		throw unusable(dir, fsProblem(error));
	}
}

/** The state directory, created if needed and private to this user. */
function privateDirectory(dir: string): void {
	makeDirectory(dir);
	try {
		chmodSync(dir, 0o700);
	} catch (error) {
		throw unusable(dir, fsProblem(error));
	}
}

/** A probe's answer: an answer, nothing there, or a server going away mid-probe (ask again). */
type Probe = 'answered' | 'nothing' | 'closing';

/** Connects to the socket and sends PING; any reply at all is an answer. */
async function probe(socket: string, timeoutMs: number): Promise<Probe> {
	return new Promise<Probe>((resolve, reject) => {
		const connection = connect(socket);
		let settled = false;
		const done = (value: Probe | Error) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(timer);
			connection.destroy();
			if (value instanceof Error) {
				reject(value);
			} else {
				resolve(value);
			}
		};

		const timer = setTimeout(() => {
			done(new TokenError('redis', `The embedded Redis at ${socket} accepts connections but did not answer within ${timeoutMs / 1000} s`));
		}, timeoutMs);
		connection.once('connect', () => connection.write('PING\r\n'));
		connection.once('data', () => done('answered'));
		connection.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
				done('nothing');
			} else if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
				done('closing');
			} else {
				done(new TokenError('redis', `Cannot reach the embedded Redis at ${socket}: ${fsProblem(error)}`));
			}
		});
		connection.once('end', () => done('closing'));
	});
}

/**
 * Whether a Redis is running on the socket. Any answer at all counts, an error reply included: a
 * Redis whose disk is full answers even PING with MISCONF, and it is still the server that holds
 * the data, never to be replaced by another one on the same files. Only "nothing there" (no socket,
 * or a socket nobody listens on) is "not running"; a socket that accepts and stays silent is an
 * error, not an invitation to start a second server. A server that closes the connection without
 * a word is on its way out (killed a moment ago): it is asked again until it is gone.
 */
export async function running(socket: string, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const answer = await probe(socket, timeoutMs);
		if (answer !== 'closing') {
			return answer === 'answered';
		}

		if (Date.now() > deadline) {
			throw new TokenError('redis', `The embedded Redis at ${socket} keeps closing connections without answering`);
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

/**
 * Holds the start lock of `dir` (proper-lockfile: a directory created atomically, kept fresh while
 * held, taken over once stale) while `work` runs. Concurrent first runs thus start one server, and
 * every one of them ends on it.
 */
async function withStartLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
	// By its default export: the bundle gives a CommonJS module's exports only as the default.
	const {default: lockfile} = await import('proper-lockfile');
	const lockPath = path.join(dir, 'start.lock');
	let release: () => Promise<void>;
	try {
		release = await lockfile.lock(dir, {
			lockfilePath: lockPath,
			realpath: false,
			stale: LOCK_STALE_MS,
			retries: {retries: LOCK_WAIT_MS / LOCK_POLL_MS, factor: 1, minTimeout: LOCK_POLL_MS, maxTimeout: LOCK_POLL_MS},
			// Losing the lock (its directory gone, or taken over) must not crash the command; the
			// start under way finishes and the socket check that follows is what counts.
			onCompromised() {},
		});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
			throw new TokenError(
				'redis',
				`Another ee-tokens has been starting the embedded Redis for ${LOCK_WAIT_MS / 1000} s (lock ${lockPath}); try again`,
			);
		}

		throw unusable(dir, fsProblem(error));
	}

	try {
		return await work();
	} finally {
		await release().catch(() => {});
	}
}

/** Writes a file whole or not at all: a full disk never leaves a truncated redis.conf. */
function writeWhole(file: string, text: string, dir: string): void {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		writeFileSync(temporary, text, {mode: 0o600});
		renameSync(temporary, file);
	} catch (error) {
		rmSync(temporary, {force: true});
		throw unusable(dir, `cannot write ${file}: ${fsProblem(error)}`);
	}
}

const NO_REDIS_SERVER =
	'No Redis is configured, none answers at 127.0.0.1:6379, and redis-server is not installed: install it (sudo apt-get install redis-server) or pass --dbs.redis=redis://host:6379/8';

/**
 * Starts (or reuses) a private redis-server for this user: data and a unix socket in the state
 * directory (mode 0700, socket 0700, no TCP port). The AOF is fsynced on every write, so a token
 * printed is a token on disk. It is daemonised so later runs and `serve` share it.
 */
export async function ensureEmbeddedRedis(
	dir = embeddedStateDir(),
	{binary = 'redis-server', timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000}: EmbeddedOptions = {},
): Promise<Embedded> {
	const socket = path.join(dir, 'redis.sock');
	const url = `unix://${socket}?db=${EMBEDDED_DB}`;
	const log = path.join(dir, 'redis.log');
	privateDirectory(dir);
	if (await running(socket, timeoutMs)) {
		return {url, socket, dir, log, started: false};
	}

	return withStartLock(dir, async () => {
		// Another process may have started it while this one waited for the lock.
		if (await running(socket, timeoutMs)) {
			return {url, socket, dir, log, started: false};
		}

		// Left over from a crashed or killed run: nothing answers, so nothing uses them.
		rmSync(socket, {force: true});
		rmSync(path.join(dir, 'redis.pid'), {force: true});
		const config = path.join(dir, 'redis.conf');
		writeWhole(
			config,
			[
				'# Written by ee-tokens for its embedded Redis; rewritten on each start.',
				'port 0',
				`unixsocket ${JSON.stringify(socket)}`,
				'unixsocketperm 700',
				`dir ${JSON.stringify(dir)}`,
				'daemonize yes',
				`pidfile ${JSON.stringify(path.join(dir, 'redis.pid'))}`,
				`logfile ${JSON.stringify(log)}`,
				'appendonly yes',
				'appendfsync always',
				'save 60 1',
				'',
			].join('\n'),
			dir,
		);

		try {
			// execa costs ~60 ms to load; only this rare path needs it.
			const {execa} = await import('execa');
			await execa(binary, [config], {stdin: 'ignore', timeout: 10_000});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				throw new TokenError('redis', NO_REDIS_SERVER);
			}

			throw new TokenError('redis', `The embedded redis-server did not start; see ${log}`);
		}

		const deadline = Date.now() + Math.max(timeoutMs, 5000);
		while (Date.now() < deadline) {
			if (await running(socket, timeoutMs)) {
				return {url, socket, dir, log, started: true};
			}

			await new Promise(resolve => setTimeout(resolve, 50));
		}

		throw new TokenError('redis', `The embedded redis-server did not answer; see ${log}`);
	});
}
