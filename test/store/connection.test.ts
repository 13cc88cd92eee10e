import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {afterAll, describe, expect, it} from 'vitest';
import {ensureEmbeddedRedis, maskRedisUrl, openStore, redisOptionsFor, resolveRedisTarget, timeoutFrom} from '../../source/store/index.js';
import {freePort} from '../helpers/redis.js';

describe('Redis target resolution (compatibility §1.1, flag first)', () => {
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

	it('stops at the first variable set, as EmailEngine does: a later _FILE is never read', () => {
		expect(resolveRedisTarget(undefined, {EENGINE_REDIS: 'redis://e/2', REDIS_URL_FILE: '/nonexistent/url'}).target.url).toBe(
			'redis://e/2',
		);
		// Unread because nothing else was set, it is an error: never a fallback to the default.
		expect(() => resolveRedisTarget(undefined, {EENGINE_REDIS_FILE: '/nonexistent/url'})).toThrow(
			'Cannot read EENGINE_REDIS_FILE (/nonexistent/url): ENOENT',
		);
	});

	it('takes an explicit --dbs.redis even when an environment file it overrides cannot be read', () => {
		for (const env of [{EENGINE_REDIS_FILE: '/nonexistent/url'}, {REDIS_URL_FILE: '/nonexistent/url'}]) {
			const {target, notice} = resolveRedisTarget('redis://flag:6379/8', env);
			expect(target).toMatchObject({url: 'redis://flag:6379/8', source: '--dbs.redis'});
			expect(notice).toBeUndefined();
		}

		// An unreadable EENGINE_REDIS_FILE is passed over for the notice, which names REDIS_URL.
		const {notice} = resolveRedisTarget('redis://flag:6379/8', {EENGINE_REDIS_FILE: '/nonexistent/url', REDIS_URL: 'redis://r/1'});
		expect(notice).toBe('ee-tokens: using --dbs.redis redis://flag:6379/8, not REDIS_URL redis://r/1');
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

describe('a database part that is not a number is refused, never read as db 0', () => {
	it.each([
		'redis://127.0.0.1:6379/-1',
		'redis://127.0.0.1:6379/abc',
		'redis://127.0.0.1:6379/1.5',
		'redis://127.0.0.1:6379/8/x',
		'redis://127.0.0.1:6379/99999999999999999999',
		'redis://127.0.0.1:6379/8?db=abc',
		'redis://127.0.0.1:6379/8?db=-1',
		'redis://127.0.0.1:6379/8?db=',
		'unix:///tmp/r.sock?db=x',
	])('%s', url => {
		expect(() => redisOptionsFor(url)).toThrow(
			expect.objectContaining({
				code: 'usage',
				message: expect.stringMatching(/^Invalid Redis URL .*: the database must be a whole number from 0 up/),
			}),
		);
	});

	it('reads the numbers it is given, and no database part as EmailEngine does', () => {
		expect(redisOptionsFor('redis://h/16')).toMatchObject({db: 16});
		expect(redisOptionsFor('redis://h?db=99')).toMatchObject({db: 99});
		expect(redisOptionsFor('redis://h/8?db=8')).toMatchObject({db: 8});
		expect(redisOptionsFor('redis://h:6379').db).toBeUndefined();
		expect(redisOptionsFor('redis://h:6379/').db).toBeUndefined();
	});
});

describe('a URL that reads two ways is refused, not read one way', () => {
	it.each([
		['redis://h/8?db=99', /the path names database 8 and \?db= names 99/],
		['redis://h?db=8&db=0', /db is given more than once/],
		['unix:///tmp/r.sock?db=8&db=0', /db is given more than once/],
		['redis://h/8?password=a&password=b', /password is given more than once/],
		['redis://h/8?family=7', /family must be 4 or 6/],
		['redis://h/8?family=', /family must be 4 or 6/],
		['unix://host/tmp/r.sock', /a socket URL has no host: write unix:\/\/\/path\/to\/redis\.sock/],
	])('%s', (url, why) => {
		expect(() => redisOptionsFor(url)).toThrow(expect.objectContaining({code: 'usage', message: expect.stringMatching(why)}));
	});
});

describe('passwords are masked in every message, whatever they contain', () => {
	const secret = (character: string) => `Zk${character}9q${character}s3cr`;
	const forms = (password: string) => [
		`redis://:${password}@10.0.0.1:6379/8`,
		`redis://admin:${password}@10.0.0.1:6379/8`,
		`rediss://admin:${encodeURIComponent(password)}@10.0.0.1:6380/8`,
		`redis://10.0.0.1:6379/8?password=${password}`,
		`redis://10.0.0.1:6379/8?db=8&password=${password}&family=4`,
	];

	it.each(['/', '@', ':', '%', '#'])('a password with %s', character => {
		const password = secret(character);
		for (const url of forms(password)) {
			const masked = maskRedisUrl(url);
			expect(masked).not.toContain(password);
			expect(masked).not.toContain(encodeURIComponent(password));
			// Nothing of the secret after its first character shows (the parts around the odd one).
			expect(masked).not.toMatch(/9q|s3cr/);
			expect(masked).toContain('10.0.0.1');
			let message = '';
			try {
				redisOptionsFor(url);
			} catch (error) {
				message = (error as Error).message;
			}

			expect(message).not.toMatch(/9q|s3cr/);
		}
	});

	it('keeps a user name and the rest of the URL readable', () => {
		expect(maskRedisUrl('redis://user:secret@h:1/2')).toBe('redis://user:***@h:1/2');
		expect(maskRedisUrl('redis://:secret@h:1/2')).toBe('redis://:***@h:1/2');
		expect(maskRedisUrl('redis://h:1/2?password=secret&family=6')).toBe('redis://h:1/2?password=***&family=6');
		expect(maskRedisUrl('unix:///tmp/r.sock?db=8')).toBe('unix:///tmp/r.sock?db=8');
	});

	it('refuses a password whose "/", "?" or "#" the URL parser would read as something else, and a stray "%"', () => {
		for (const url of [
			'redis://:12/ab@h:6379/8',
			'redis://:ab/cd@h:6379/8',
			'redis://u:1?x@h/8',
			'redis://:a#b@h/8',
			'redis://h/8?password=a#b',
			'redis://:a%zz@h/8',
		]) {
			expect(() => redisOptionsFor(url), url).toThrow(
				expect.objectContaining({code: 'usage', message: expect.stringMatching(/^Invalid Redis URL /)}),
			);
		}

		// Text that is no URL at all (a token or password pasted into the wrong place) is not echoed.
		const pasted = 'a'.repeat(64);
		expect(() => redisOptionsFor(pasted)).toThrow(
			expect.objectContaining({
				code: 'usage',
				message: 'Invalid Redis URL (64 characters): not a URL (write a "/", "?", "#" or "@" in the password as %2F, %3F, %23 or %40)',
			}),
		);

		// Encoded, each of them works; a raw "@" and ":" need no encoding.
		expect(redisOptionsFor(`redis://:${encodeURIComponent('12/a?b#c%d')}@h:6379/8`)).toMatchObject({
			host: 'h',
			db: 8,
			password: '12/a?b#c%d',
		});
		expect(redisOptionsFor('redis://:p@ss:w@h:6379/8')).toMatchObject({host: 'h', password: 'p@ss:w'});
	});

	it('the notice about which URL won masks both', () => {
		const {notice} = resolveRedisTarget(`redis://:${secret('/')}@flag:6379/8`, {EENGINE_REDIS: `redis://:${secret('#')}@env:6379/8`});
		expect(notice).toMatch(/using --dbs\.redis redis:\/\/:\*\*\*@flag:6379\/8, not EENGINE_REDIS redis:\/\/:\*\*\*@env:6379\/8/);
	});
});

describe('the time limit', () => {
	it('is 10 s unless --dbs.timeout or EE_TOKENS_REDIS_TIMEOUT says otherwise; the flag wins', () => {
		expect(timeoutFrom(undefined, {})).toBe(10_000);
		expect(timeoutFrom(undefined, {EE_TOKENS_REDIS_TIMEOUT: ''})).toBe(10_000);
		expect(timeoutFrom(undefined, {EE_TOKENS_REDIS_TIMEOUT: '2.5'})).toBe(2500);
		expect(timeoutFrom('30', {EE_TOKENS_REDIS_TIMEOUT: '2.5'})).toBe(30_000);
		expect(resolveRedisTarget(undefined, {}, '3').target.timeoutMs).toBe(3000);
	});

	it.each(['0', '-1', 'abc', '10s', '', '1e3', '3601'])('refuses %j', value => {
		expect(() => timeoutFrom(value, {})).toThrow(
			expect.objectContaining({code: 'usage', message: expect.stringMatching(/^Invalid --dbs\.timeout/)}),
		);
		expect(() => timeoutFrom(undefined, {EE_TOKENS_REDIS_TIMEOUT: value || ' '})).toThrow(/^Invalid EE_TOKENS_REDIS_TIMEOUT/);
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
		await expect(ensureEmbeddedRedis(dir, {binary: path.join(dir, 'no-such-redis-server')})).rejects.toThrow(
			/redis-server is not installed: install it \(sudo apt-get install redis-server\) or pass --dbs.redis=/,
		);
	});

	it('does not fall back to the embedded server when a Redis was configured', async () => {
		const url = `redis://127.0.0.1:${await freePort()}/8`;
		await expect(openStore({flag: url, env: {}})).rejects.toMatchObject({
			code: 'redis',
			message: expect.stringMatching(/Cannot connect to Redis at .*ECONNREFUSED/),
		});
	});
});
