import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {afterAll, describe, expect, it} from 'vitest';
import {
	ensureEmbeddedRedis,
	maskRedisUrl,
	openStore,
	redisOptionsFor,
	resolveRedisTarget,
} from '../../source/store/index.js';
import {freePort} from '../helpers/redis.js';

describe('Redis target resolution (spec §1.1, flag first)', () => {
	it('follows EENGINE_REDIS → REDIS_URL → default, and skips set-but-empty values', () => {
		expect(resolveRedisTarget(undefined, {}).target).toMatchObject({url: 'redis://127.0.0.1:6379/8', source: 'default', prefix: ''});
		expect(resolveRedisTarget(undefined, {REDIS_URL: 'redis://r/1'}).target.source).toBe('REDIS_URL');
		expect(resolveRedisTarget(undefined, {EENGINE_REDIS: 'redis://e/2', REDIS_URL: 'redis://r/1'}).target.url).toBe('redis://e/2');
		expect(resolveRedisTarget(undefined, {EENGINE_REDIS: '', REDIS_URL: 'redis://r/1'}).target.url).toBe('redis://r/1');
	});

	it('reads NAME_FILE, stripping the trailing newline', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-env-'));
		const file = path.join(dir, 'url');
		writeFileSync(file, 'redis://from-file:6379/3\n');
		expect(resolveRedisTarget(undefined, {EENGINE_REDIS_FILE: file}).target.url).toBe('redis://from-file:6379/3');
		rmSync(dir, {recursive: true});
	});

	it('lets an explicit --dbs.redis win over the environment, and says so once', () => {
		const {target, notice} = resolveRedisTarget('redis://flag:6379/8', {EENGINE_REDIS: 'redis://:secret@env:6379/8'});
		expect(target).toMatchObject({url: 'redis://flag:6379/8', source: '--dbs.redis'});
		expect(notice).toMatch(/using --dbs.redis redis:\/\/flag:6379\/8, not EENGINE_REDIS/);
		expect(notice).not.toContain('secret');
		expect(resolveRedisTarget('redis://same/8', {EENGINE_REDIS: 'redis://same/8'}).notice).toBeUndefined();
	});

	it('turns EENGINE_REDIS_PREFIX into a key prefix', () => {
		expect(resolveRedisTarget(undefined, {EENGINE_REDIS_PREFIX: ' ee '}).target.prefix).toBe('ee:');
	});

	it('parses URLs as EmailEngine does', () => {
		expect(redisOptionsFor('redis://127.0.0.1:6379/8')).toMatchObject({host: '127.0.0.1', port: 6379, db: 8});
		expect(redisOptionsFor('rediss://u:p%40ss@host:6380?db=3&family=6')).toMatchObject({
			host: 'host',
			port: 6380,
			db: 3,
			password: 'p@ss',
			username: 'u',
			family: 6,
			tls: {},
		});
		expect(redisOptionsFor('redis://default:pw@host/1').username).toBeUndefined();
		expect(redisOptionsFor('redis://host/?password=q').password).toBe('q');
		expect(redisOptionsFor('unix:///tmp/r.sock?db=8')).toMatchObject({path: '/tmp/r.sock', db: 8});
		expect(() => redisOptionsFor('http://x')).toThrow(/Unsupported Redis URL scheme/);
		expect(maskRedisUrl('redis://user:secret@h:1/2')).toBe('redis://user:***@h:1/2');
	});
});

describe('the embedded redis-server', () => {
	const dirs: string[] = [];
	const shutdown = async (socket: string) => {
		const client = new Redis({path: socket, retryStrategy: () => null});
		client.on('error', () => {});
		await client.shutdown('NOSAVE').catch(() => {});
		client.disconnect();
	};

	afterAll(() => {
		for (const dir of dirs) {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('starts when nothing is configured and nothing answers, then is reused and keeps data', async () => {
		const state = mkdtempSync(path.join(tmpdir(), 'eet-'));
		dirs.push(state);
		const silent = `redis://127.0.0.1:${await freePort()}/8`;
		const notices: string[] = [];
		const first = await openStore({env: {XDG_STATE_HOME: state}, defaultUrl: silent, notify: message => notices.push(message)});
		expect(first.target.source).toBe('embedded');
		expect(notices.join('\n')).toMatch(/started the embedded one/);
		const {id} = await first.store.issue({description: 'kept', scopes: ['*']});
		await first.close();

		const dir = path.join(state, 'ee-tokens');
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(dir, 'redis.sock')).mode & 0o077).toBe(0);

		const again: string[] = [];
		const second = await openStore({env: {XDG_STATE_HOME: state}, defaultUrl: silent, notify: message => again.push(message)});
		expect(again.join('\n')).toMatch(/using the embedded one/);
		expect((await second.store.resolve(id)).id).toBe(id);
		await second.close();
		await shutdown(path.join(dir, 'redis.sock'));
	});

	it('recovers from a stale socket and pid file left by a crashed run', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'eet-'));
		dirs.push(dir);
		writeFileSync(path.join(dir, 'redis.sock'), '');
		writeFileSync(path.join(dir, 'redis.pid'), '999999');
		const embedded = await ensureEmbeddedRedis(dir);
		expect(embedded.started).toBe(true);
		await shutdown(embedded.socket);
	});

	it('says how to get one when redis-server is not installed', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'eet-'));
		dirs.push(dir);
		await expect(ensureEmbeddedRedis(dir, path.join(dir, 'no-such-redis-server'))).rejects.toThrow(
			/redis-server is not installed: install it \(sudo apt-get install redis-server\) or pass --dbs.redis=/,
		);
	});

	it('does not fall back to the embedded server when a Redis was configured', async () => {
		const url = `redis://127.0.0.1:${await freePort()}/8`;
		await expect(openStore({flag: url, env: {}})).rejects.toMatchObject({code: 'redis', message: expect.stringMatching(/Cannot connect to Redis at .*ECONNREFUSED/)});
	});
});
