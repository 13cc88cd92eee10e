import {Redis} from 'ioredis';
import {describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();

/** Connections Redis has accepted so far: a child loader opens one of its own, the app's thread does not. */
async function connectionsAccepted(client: Redis): Promise<number> {
	return Number(/total_connections_received:(\d+)/.exec(await client.info('stats'))![1]);
}

describe('the app over a small instance', () => {
	it('reloads its table without starting a loader process (no connection but its own)', async () => {
		const app = fixture.start();
		await app.waitFor(screen => screen.includes('6 tokens') && !screen.includes('loading'));
		const client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
		try {
			await new TokenStore(client).issue({description: 'Issued by a script', scopes: ['api']});
			const before = await connectionsAccepted(client);
			await app.type('r');
			await app.waitFor(screen => screen.includes('7 tokens') && screen.includes('Issued by a script'));
			expect(await connectionsAccepted(client)).toBe(before);
		} finally {
			client.disconnect();
		}
	});
});
