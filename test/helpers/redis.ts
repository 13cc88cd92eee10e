import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach, inject} from 'vitest';

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

export type TestRedis = {
	port: number;
	/** The server's data directory (its append-only file lives here; it holds earlier files' writes unless the server was started fresh). */
	dir: string;
	/** `redis://127.0.0.1:PORT/DB` */
	url(db?: number): string;
	/** A raw client for assertions on the keyspace (buffers via the *Buffer methods). */
	client(db?: number): Redis;
	flush(): Promise<void>;
	stop(): Promise<void>;
	/** Stops the server but keeps its data directory, for restart-in-the-middle tests. */
	restart(extraArgs?: readonly string[]): Promise<void>;
	kill(): Promise<void>;
	/**
	 * Stops the server process (SIGSTOP) until resume(): connections are still accepted by the
	 * kernel, nothing is answered. A Redis that hangs, for exactly as long as the test wants, where
	 * CLIENT PAUSE would run out on its own clock (and holds even CLIENT UNPAUSE).
	 */
	freeze(): void;
	resume(): void;
};

/** A redis-server process and what it was started with. */
type Server = {
	port: number;
	dir: string;
	args: readonly string[];
	child?: ResultPromise;
	/** Its settings, ACL users and role right after it started: a server given back must still have them to be used again. */
	baseline?: string;
};

/**
 * Servers a file gave back as it got them (no arguments of its own, never restarted, killed or
 * frozen, the same settings), emptied, for the next file of this test worker. Starting and stopping
 * a redis-server for each of about a hundred files was about a tenth of the suite's CPU: each start
 * forks the test worker (hundreds of MB) and waits for the server to answer. The workers share their
 * module state between files (vitest.config.ts, isolate: false), so this list outlives a file. Idle
 * servers are execa children of the worker: execa's cleanup stops them when the worker ends.
 */
const idle: Server[] = [];

declare module 'vitest' {
	export interface ProvidedContext {
		/** Where the servers' data directories go: removed with everything in it when the run ends. */
		serversDir: string;
	}
}

/**
 * The run's directory for data directories (test/global-setup.ts), so that the idle servers', which
 * outlive their files, go with it; outside vitest (the bench) there is none, and no server is kept.
 */
function serversDir(): string | undefined {
	try {
		return inject('serversDir');
	} catch {
		return undefined;
	}
}

async function launch(server: Server): Promise<void> {
	server.child = execa(
		'redis-server',
		[
			'--port',
			String(server.port),
			'--bind',
			'127.0.0.1',
			'--dir',
			server.dir,
			// For the run's teardown to stop a server whose worker died without stopping it (global-setup.ts).
			'--pidfile',
			path.join(server.dir, 'redis.pid'),
			'--save',
			'',
			// An append-only file so that a restart keeps what was written; written before each reply
			// (so a SIGKILL loses nothing acknowledged) but never fsynced: no test is about power loss.
			'--appendonly',
			'yes',
			'--appendfsync',
			'no',
			...server.args,
		],
		{stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', reject: false},
	);
	for (let attempt = 0; attempt < 200; attempt++) {
		const probe = new Redis({port: server.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0});
		probe.on('error', () => {});
		try {
			await probe.connect();
			await probe.ping();
			server.baseline ??= await settingsOf(probe);
			probe.disconnect();
			return;
		} catch {
			probe.disconnect();
			await new Promise(resolve => setTimeout(resolve, 25));
		}
	}

	throw new Error(`redis-server did not start on port ${server.port}`);
}

const settingsOf = async (client: Redis): Promise<string> =>
	JSON.stringify([
		await client.config('GET', '*'),
		await client.call('ACL', 'LIST'),
		/role:\w+/.exec(await client.info('replication'))?.[0],
	]);

async function halt(server: Server, signal: NodeJS.Signals): Promise<void> {
	server.child?.kill(signal);
	server.child?.kill('SIGCONT');
	await server.child;
}

/**
 * Empties a server a file gave back, for the next one: every database, script and function, and
 * the statistics INFO counts. Connections are left open: a client some file left connected would
 * reconnect at once, in the middle of the next file, if it were closed. False (and the caller stops it) when it
 * is not the server it was: another setting, user or role, a pause, or no answer within a second.
 */
async function emptied(server: Server): Promise<boolean> {
	const client = new Redis({
		port: server.port,
		lazyConnect: true,
		retryStrategy: () => null,
		maxRetriesPerRequest: 0,
		commandTimeout: 1000,
	});
	client.on('error', () => {});
	try {
		await client.connect();
		if ((await settingsOf(client)) !== server.baseline) {
			return false;
		}

		await client.flushall();
		await client.script('FLUSH');
		await client.call('FUNCTION', 'FLUSH');
		await client.config('RESETSTAT');
		return true;
	} catch {
		return false;
	} finally {
		client.disconnect();
	}
}

export type StartOptions = {
	/**
	 * A server no other file has used: its data directory holds only this file's writes (a file
	 * that reads the directory, such as the secrets test, asks for one).
	 */
	fresh?: boolean;
};

/**
 * A real redis-server on a free port, for one test file at a time: no persistence but an AOF so a
 * restart keeps what was written. Given back by stop(), which closes its clients; a server started
 * without arguments and left as it was is emptied and kept for this worker's next file (see idle).
 * `extraArgs` are added to its command line (`--databases 4`, `--replicaof …`); restart() may
 * replace them.
 */
export async function startRedis(extraArgs: readonly string[] = [], options: StartOptions = {}): Promise<TestRedis> {
	let server = extraArgs.length === 0 && !options.fresh ? idle.pop() : undefined;
	if (!server) {
		server = {port: await freePort(), dir: mkdtempSync(path.join(serversDir() ?? tmpdir(), 'ee-tokens-test-redis-')), args: extraArgs};
		await launch(server);
	}

	const own = server;
	const clients: Redis[] = [];
	// Restarted, killed or frozen: not the server the next file would expect.
	let altered = extraArgs.length > 0;
	return {
		port: own.port,
		dir: own.dir,
		url: (db = 8) => `redis://127.0.0.1:${own.port}/${db}`,
		client(db = 8) {
			const client = new Redis({port: own.port, db, maxRetriesPerRequest: 1});
			client.on('error', () => {});
			clients.push(client);
			return client;
		},
		async flush() {
			const client = new Redis({port: own.port});
			await client.flushall();
			client.disconnect();
		},
		async restart(nextArgs) {
			altered = true;
			await halt(own, 'SIGTERM');
			own.args = nextArgs ?? own.args;
			await launch(own);
		},
		async kill() {
			altered = true;
			await halt(own, 'SIGKILL');
		},
		freeze() {
			altered = true;
			own.child?.kill('SIGSTOP');
		},
		resume() {
			own.child?.kill('SIGCONT');
		},
		async stop() {
			for (const client of clients) {
				client.disconnect();
			}

			if (!altered && serversDir() !== undefined && (await emptied(own))) {
				idle.push(own);
				return;
			}

			await halt(own, 'SIGTERM');
			rmSync(own.dir, {recursive: true, force: true});
		},
	};
}

/** What a CLI test file needs of its redis-server: the server, a client on db 8, and the flag for db 8. */
export type CliRedis = {readonly redis: TestRedis; readonly raw: Redis; readonly db8: string};

/**
 * One redis-server for the test file, started before its tests and stopped after them, flushed
 * before each test. The fields are read when a test runs (getters), since the file's tests are
 * declared before the server exists.
 */
export function useCliRedis(): CliRedis {
	let started: {redis: TestRedis; raw: Redis; db8: string} | undefined;
	beforeAll(async () => {
		const redis = await startRedis();
		started = {redis, raw: redis.client(8), db8: `--dbs.redis=${redis.url(8)}`};
	});
	afterAll(async () => started?.redis.stop());
	beforeEach(async () => started!.redis.flush());
	return {
		get redis() {
			return started!.redis;
		},
		get raw() {
			return started!.raw;
		},
		get db8() {
			return started!.db8;
		},
	};
}
