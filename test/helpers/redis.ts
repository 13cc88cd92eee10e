import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {Redis} from 'ioredis';
import {afterAll, beforeAll, beforeEach} from 'vitest';

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
	/** The server's data directory (its append-only file lives here). */
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

/**
 * A real redis-server on a free port, private to one test file: no persistence but an AOF so a
 * restart keeps what was written. Stopped (and its clients closed) by stop(). `extraArgs` are
 * added to its command line (`--databases 4`, `--replicaof …`); restart() may replace them.
 */
export async function startRedis(extraArgs: readonly string[] = []): Promise<TestRedis> {
	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-redis-'));
	const port = await freePort();
	const clients: Redis[] = [];
	let child: ResultPromise | undefined;
	let args = extraArgs;

	const launch = async () => {
		child = execa(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'yes',
				'--appendfsync',
				'always',
				...args,
			],
			{stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', reject: false},
		);
		for (let attempt = 0; attempt < 200; attempt++) {
			const probe = new Redis({port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0});
			probe.on('error', () => {});
			try {
				await probe.connect();
				await probe.ping();
				probe.disconnect();
				return;
			} catch {
				probe.disconnect();
				await new Promise(resolve => setTimeout(resolve, 25));
			}
		}

		throw new Error(`redis-server did not start on port ${port}`);
	};

	const halt = async (signal: NodeJS.Signals) => {
		child?.kill(signal);
		// A frozen server only acts on the signal once it runs again.
		child?.kill('SIGCONT');
		await child;
	};

	await launch();
	return {
		port,
		dir,
		url: (db = 8) => `redis://127.0.0.1:${port}/${db}`,
		client(db = 8) {
			const client = new Redis({port, db, maxRetriesPerRequest: 1});
			client.on('error', () => {});
			clients.push(client);
			return client;
		},
		async flush() {
			const client = new Redis({port});
			await client.flushall();
			client.disconnect();
		},
		async restart(nextArgs) {
			await halt('SIGTERM');
			args = nextArgs ?? args;
			await launch();
		},
		async kill() {
			await halt('SIGKILL');
		},
		freeze() {
			child?.kill('SIGSTOP');
		},
		resume() {
			child?.kill('SIGCONT');
		},
		async stop() {
			for (const client of clients) {
				client.disconnect();
			}

			await halt('SIGTERM');
			rmSync(dir, {recursive: true, force: true});
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
