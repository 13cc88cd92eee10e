import {Redis} from 'ioredis';
import {TokenStore} from '../../../source/store/index.js';
import {encodeLastUse} from '../../../source/tokens/index.js';

export type Seeded = {id: string; description: string};

const SAMPLE = [
	{description: 'Billing service', scopes: ['api'], account: 'acme'},
	{description: 'Prometheus scraper', scopes: ['metrics']},
	{description: 'Helpdesk integration', scopes: ['api', 'smtp'], account: 'support'},
	{description: 'Mail relay', scopes: ['smtp', 'imap-proxy'], account: 'relay'},
	{description: 'Admin automation', scopes: ['*']},
	{description: 'MCP assistant', scopes: ['mcp'], account: 'acme'},
];

/**
 * Seeds tokens through the real TokenStore. The raw tokens are dropped on the floor: seeded tokens
 * only need to exist. `count` beyond the sample adds numbered tokens (for 10,000 and 100,000).
 */
export async function seedTokens(url: string, count = SAMPLE.length, prefix = ''): Promise<Seeded[]> {
	const redis = new Redis(url, {maxRetriesPerRequest: 1});
	const store = new TokenStore(redis, prefix);
	const seeded: Seeded[] = [];
	try {
		await redis.sadd(`${prefix}ia:accounts`, 'acme', 'support', 'relay', 'example');
		const now = Date.now();
		for (let start = 0; start < count; start += 500) {
			const batch = [];
			for (let index = start; index < Math.min(count, start + 500); index++) {
				const sample = SAMPLE[index % SAMPLE.length]!;
				const description = index < SAMPLE.length ? sample.description : `${sample.description} #${index}`;
				batch.push(
					store.issue({description, scopes: sample.scopes, account: sample.account}).then(({id}) => {
						seeded.push({id, description});
						return id;
					}),
				);
			}

			const ids = await Promise.all(batch);
			// Some of them have been used: last use a few minutes to days ago.
			const pipeline = redis.pipeline();
			for (const [offset, id] of ids.entries()) {
				if ((start + offset) % 3 === 0) {
					pipeline.hset(`${prefix}tokens:access`, id, encodeLastUse(now - ((start + offset) % 50) * 3_600_000 - 120_000, '10.0.0.7'));
				}
			}

			await pipeline.exec();
		}
	} finally {
		redis.disconnect();
	}

	return seeded;
}
