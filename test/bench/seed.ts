import {createHash} from 'node:crypto';
import type {Redis} from 'ioredis';
import {EMPTY_ACCESS, buildRecord, encodeExportString, encodeLastUse, encodeRecord} from '../../source/tokens/index.js';

/**
 * `count` tokens shaped like a real instance's: mostly root tokens from the CLI, some bound to one
 * of 500 accounts, a third used recently. Written with pipelines straight into Redis.
 */
export async function seedTokens(redis: Redis, count: number): Promise<string[]> {
	const ids: string[] = [];
	const now = Date.now();
	for (let start = 0; start < count; start += 5000) {
		const pipeline = redis.pipeline();
		for (let index = start; index < Math.min(count, start + 5000); index++) {
			const id = createHash('sha256').update(`bench-${index}`).digest('hex');
			ids.push(id);
			const account = index % 4 === 0 ? `account-${index % 500}` : undefined;
			const record = buildRecord({
				created: now - index * 60_000,
				account,
				scopes: index % 3 === 0 ? ['metrics'] : ['api'],
				description: `Token ${index} for service ${index % 97}`,
			});
			pipeline.hset('tokens', id, encodeRecord(record));
			pipeline.hset('tokens:access', id, index % 3 === 0 ? encodeLastUse(now - index * 1000, '127.0.0.1') : EMPTY_ACCESS);
			pipeline.sadd(account ? `iat:${account}` : 'iat', id);
		}

		await pipeline.exec();
	}

	return ids;
}

/** `count` export strings of fresh ids, as a file for `import -t -`. */
export function exportStrings(count: number): string {
	const lines: string[] = [];
	for (let index = 0; index < count; index++) {
		const id = createHash('sha256').update(`import-${index}`).digest('hex');
		lines.push(encodeExportString(id, {created: Date.now(), scopes: ['api'], description: `Imported ${index}`}));
	}

	return `${lines.join('\n')}\n`;
}
