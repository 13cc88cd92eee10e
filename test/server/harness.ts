import {Writable} from 'node:stream';
import pino from 'pino';
import {afterAll, beforeAll, beforeEach} from 'vitest';
import {connectRedis, TokenStore} from '../../source/store/index.js';
import {type TokenRecord, encodeRecord, generateRawToken, tokenIdOf} from '../../source/tokens/index.js';
import {createApiServer, type ApiServer} from '../../source/server/server.js';
import {startRedis, type TestRedis} from '../helpers/redis.js';
import {plantRecord} from '../helpers/keyspace.js';
import {type HttpInit, fetchHttp} from '../helpers/http.js';

/**
 * A real redis-server and the API server in this process on a free port, with the clock under the
 * test's control (for expiry and rate-limit windows) and every log line kept for assertions.
 */
export type Harness = {
	redis: TestRedis;
	store: TokenStore;
	api: ApiServer;
	base: string;
	logs: string[];
	clock: {now: number | undefined};
	/** Writes a record as EmailEngine would have, bypassing our validation; returns the raw token. */
	plant(record: TokenRecord, account?: string): Promise<{token: string; id: string}>;
	close(): Promise<void>;
};

export type HarnessOptions = {
	host?: string;
	env?: Record<string, string | undefined>;
	headersTimeoutMs?: number;
	inventoryCacheMs?: number;
	inventoryWaitMs?: number;
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
	const redis = await startRedis();
	const target = {url: redis.url(), source: '--dbs.redis' as const, prefix: '', timeoutMs: 10_000};
	const client = await connectRedis(target, true);
	const clock: {now: number | undefined} = {now: undefined};
	// One clock for the whole server: the store's (auth, listings, reaping, issuing all read it).
	const store = new TokenStore(client, '', () => clock.now ?? Date.now());
	const logs: string[] = [];
	const sink = new Writable({
		write(chunk, _encoding, done) {
			logs.push(...String(chunk).split('\n').filter(Boolean));
			done();
		},
	});
	const logger = pino({level: 'trace'}, sink);
	const api = createApiServer({
		store,
		logger,
		version: '0.0.0-test',
		env: options.env ?? {},
		headersTimeoutMs: options.headersTimeoutMs,
		inventoryCacheMs: options.inventoryCacheMs,
		inventoryWaitMs: options.inventoryWaitMs,
	});
	const address = await api.listen(0, options.host ?? '127.0.0.1');
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return {
		redis,
		store,
		api,
		base: `http://${host}:${address.port}`,
		logs,
		clock,
		async plant(record, account) {
			const token = generateRawToken();
			const id = tokenIdOf(token);
			await plantRecord(client, id, encodeRecord(record), account);
			return {token, id};
		},
		async close() {
			await api.close(1000);
			client.disconnect();
			await redis.stop();
		},
	};
}

export const bearer = (token: string, extra: Record<string, string> = {}) => ({headers: {authorization: `Bearer ${token}`, ...extra}});

export async function getJson(url: string, init?: HttpInit): Promise<{status: number; headers: Headers; body: any; text: string}> {
	const response = await fetchHttp(url, init);
	const text = await response.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}

	return {status: response.status, headers: response.headers, body, text};
}

/**
 * One harness for the test file: started before its tests, closed after them, and before each test
 * its Redis flushed, its clock back to real time, its log emptied, then `prepare` run. What it
 * returns stands for the harness once started (a Proxy, since the file's tests are declared before
 * the harness exists), so a file writes `const h = useHarness()` and uses `h` as the harness.
 */
export function useHarness(prepare?: (harness: Harness) => Promise<void>, options?: HarnessOptions): Harness {
	let started: Harness | undefined;
	beforeAll(async () => {
		started = await startHarness(options);
	});
	afterAll(async () => started?.close());
	beforeEach(async () => {
		started!.clock.now = undefined;
		started!.logs.length = 0;
		await started!.redis.client().flushdb();
		await prepare?.(started!);
	});
	return new Proxy({} as Harness, {get: (_target, key) => Reflect.get(started!, key)});
}
