import {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {startApp} from './helpers/in-process-app.js';
import {seedTokens} from './helpers/seed.js';

const PASSWORD = 'hunter2-s3cret';
let redis: TestRedis;

beforeAll(async () => {
	redis = await startRedis();
	await seedTokens(redis.url());
	const admin = new Redis(redis.port, '127.0.0.1');
	await admin.config('SET', 'requirepass', PASSWORD);
	admin.disconnect();
});

afterAll(async () => {
	await redis.stop();
});

describe('the app: header', () => {
	it('shows the endpoint with the password masked, and never prints the password', async () => {
		const app = startApp([`--dbs.redis=redis://:${PASSWORD}@127.0.0.1:${redis.port}/8`]);
		try {
			await app.waitFor('6 tokens');
			expect(app.screen()).toMatch(new RegExp(`redis://:(\\*\\*\\*|%2A%2A%2A)@127\\.0\\.0\\.1:${redis.port}/8`));
			app.write('q');
			await app.exited;
			expect(app.output()).not.toContain(PASSWORD);
		} finally {
			app.kill('SIGKILL');
		}
	});
});
