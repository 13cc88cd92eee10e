import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type Stalled, startStalled} from '../helpers/stalled.js';
import {startApp} from './helpers/in-process-app.js';
import {type AppProcess} from './helpers/pty.js';
import {seedTokens} from './helpers/seed.js';
import {endApp} from './helpers/app-fixture.js';

/** The app and its Redis: a database that cannot be used, silence at start and while running. */

let redis: TestRedis;
let stalled: Stalled;
let app: AppProcess | undefined;
const INTRUDER = 'Intruder living in db 0';

beforeAll(async () => {
	redis = await startRedis();
	stalled = await startStalled();
	await seedTokens(redis.url(8));
	// What a silent fall back to db 0 would show.
	await new TokenStore(redis.client(0)).issue({description: INTRUDER, scopes: ['*']});
});

afterAll(async () => {
	await stalled.close();
	await redis.stop();
});

afterEach(async () => {
	await endApp(app);
	app = undefined;
});

describe('the app on a database that cannot be used', () => {
	it.each([
		[
			'/99',
			(port: number) => `redis://127.0.0.1:${port}/99`,
			3,
			/^ee-tokens: Cannot use database 99 of Redis at redis:\/\/127\.0\.0\.1:\d+\/99: ERR DB index is out of range$/m,
		],
		[
			'/16',
			(port: number) => `redis://127.0.0.1:${port}/16`,
			3,
			/^ee-tokens: Cannot use database 16 of Redis at .*: ERR DB index is out of range$/m,
		],
		[
			'?db=99',
			(port: number) => `redis://127.0.0.1:${port}?db=99`,
			3,
			/^ee-tokens: Cannot use database 99 of Redis at .*\?db=99: ERR DB index is out of range$/m,
		],
		[
			'/abc',
			(port: number) => `redis://127.0.0.1:${port}/abc`,
			2,
			/^ee-tokens: Invalid Redis URL .*: the database must be a whole number from 0 up/m,
		],
	])('%s: exits with one line, never showing a table', async (_what, url, code, message) => {
		app = startApp([`--dbs.redis=${url(redis.port)}`]);
		const {exitCode} = await app.exited;
		expect(exitCode).toBe(code);
		// The last bytes can reach the terminal after the exit.
		await app.waitFor(screen => message.test(screen), {timeout: 10_000});
		expect(app.output()).not.toContain(INTRUDER);
		expect(app.output()).not.toMatch(/tokens\b.*connected/);
	});

	it('a reconnect whose database is gone: the banner says so, and db 0 is never shown', async () => {
		const lost = await startRedis();
		try {
			await seedTokens(lost.url(12));
			await new TokenStore(lost.client(0)).issue({description: INTRUDER, scopes: ['*']});
			app = startApp([`--dbs.redis=${lost.url(12)}`]);
			await app.waitFor('6 tokens');
			await lost.restart(['--databases', '4']);
			// A reload (r here; the 10-s timer's, tested with its interval injected in
			// app-loading.test.tsx) meets the refusal: the banner, never db 0's token.
			await app.type('r');
			await app.waitFor(/Redis unavailable: .*database 12/, {timeout: 30_000});
			// With database 12 back, the app reconnects to it by itself, never having shown db 0.
			await lost.restart([]);
			await app.waitFor(screen => screen.includes('● connected') && !screen.includes('Redis unavailable'), {timeout: 30_000});
			expect(app.output()).not.toContain(INTRUDER);
		} finally {
			await lost.stop();
		}
	}, 60_000);
});

describe('the app and a Redis that answers with an error', () => {
	it('is not a lost connection: connected, and the banner says what Redis answered', async () => {
		const client = redis.client(13);
		await client.set('tokens', 'not a hash');
		try {
			app = startApp([`--dbs.redis=${redis.url(13)}`]);
			await app.waitFor(/Redis answered with an error: .*WRONGTYPE/, {timeout: 20_000});
			expect(app.screen()).toContain('● connected');
			expect(app.screen()).not.toContain('Redis unavailable');
			// Fixed in Redis, the next retry reads the table and the banner goes.
			await client.del('tokens');
			await app.waitFor(screen => screen.includes('0 tokens') && !screen.includes('Redis answered'), {timeout: 20_000});
		} finally {
			await client.del('tokens');
		}
	}, 60_000);
});

describe('the app and a Redis that does not answer', () => {
	it('silent at start: exits 3 within the limit, saying so, instead of a blank screen for ever', async () => {
		app = startApp([`--dbs.redis=${stalled.url()}`, '--dbs.timeout', '1']);
		const {exitCode} = await app.exited;
		expect(exitCode).toBe(3);
		await app.waitFor(`ee-tokens: Redis at ${stalled.url()} did not answer within 1 s`, {timeout: 10_000});
	});

	it('silent while running: the disconnected banner with the reason, then back', async () => {
		// 3 s, not 1: the first load on a loaded CI machine (three test workers, two cores) took over
		// a second, and the app then rightly exits before the table is shown.
		app = startApp([`--dbs.redis=${redis.url()}`, '--dbs.timeout', '3']);
		await app.waitFor('6 tokens');
		redis.freeze();
		try {
			await app.type('r');
			await app.waitFor(`Redis unavailable: Redis at ${redis.url()} did not answer within 3 s`, {timeout: 20_000});
			expect(app.screen()).toContain('disconnected');
			// At 80 columns the banner takes a second line rather than cutting the reason off.
			app.resize(80, 24);
			await app.waitFor(screen =>
				screen.replaceAll(/\s+/g, ' ').includes(`Redis at ${redis.url()} did not answer within 3 s. Retrying; nothing you typed is lost.`),
			);
		} finally {
			redis.resume();
		}

		await app.waitFor(screen => !screen.includes('Redis unavailable') && screen.includes('● connected'), {timeout: 30_000});
	}, 60_000);
});
