import {Redis} from 'ioredis';
import {describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {KEYS, type AppProcess} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();
let app: AppProcess;

describe('the app: live data', () => {
	// The periodic refresh itself is tested in app-loading.test.tsx with its interval injected.
	// One app for both: the outage comes after the reload.
	it('picks up tokens issued elsewhere on r', async () => {
		app = await fixture.shared();
		await app.waitFor('6 tokens');
		const client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
		try {
			const store = new TokenStore(client);
			await store.issue({description: 'Made by a script', scopes: ['api']});
			await app.type('r');
			await app.waitFor(screen => screen.includes('7 tokens') && screen.includes('Made by a script'));
		} finally {
			client.disconnect();
		}
	});

	it('shows a banner while Redis is away, keeps the wizard input, and recovers', async () => {
		app = await fixture.shared();
		await app.waitFor(/\d+ tokens/);
		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type('typed before the outage');
		// Typed means on screen: the outage comes after the last key was drawn.
		await app.waitFor('Description › typed before the outage');
		await fixture.redis.kill();
		await app.waitFor('Redis unavailable', {timeout: 30_000});
		expect(app.screen()).toContain('Description › typed before the outage');
		await app.type(`${KEYS.enter} ${KEYS.enter}`);
		await app.waitFor('step 3 of 9');
		for (let step = 3; step <= 8; step++) {
			await app.type(KEYS.enter);
			await app.waitFor(`step ${step + 1} of 9`);
		}

		await app.type(KEYS.enter);
		await app.waitFor('Could not issue the token: Redis is unavailable', {timeout: 30_000});
		expect(app.screen()).toMatch(/description\s+typed before the outage/);
		await fixture.redis.restart();
		await app.waitFor(screen => !screen.includes('Redis unavailable') && screen.includes('connected'), {timeout: 30_000});
		await app.type(KEYS.enter);
		await app.waitFor('This is the only time the token is shown', {timeout: 30_000});
		// Not copied: Esc asks once, Esc again closes.
		await app.type(`${KEYS.escape}${KEYS.escape}`);
		await app.waitFor('typed before the outage');
		expect(app.screen()).toContain('● connected');
	}, 90_000);
});
