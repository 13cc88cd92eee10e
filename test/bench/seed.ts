import {createHash} from 'node:crypto';
import type {Redis} from 'ioredis';
import {EMPTY_ACCESS, buildRecord, encodeExportString, encodeLastUse, encodeRecord} from '../../source/tokens/index.js';

/** Tokens per batch: one HSET of each hash and one SADD of each index set per batch. */
const BATCH = 5000;
/** Batches in flight at once: Redis stores one while the next is encoded here. */
const IN_FLIGHT = 4;

/**
 * `count` tokens shaped like a real instance's: mostly root tokens from the CLI, some bound to one
 * of 500 accounts, a third used recently. Written straight into Redis, a batch of 5,000 as one
 * variadic HSET per hash and one SADD per index set, a few batches in flight: a million tokens
 * take seconds this way, where three commands a token (pipelined) took minutes, most of it Redis
 * and the client handling three million replies.
 */
export async function seedTokens(redis: Redis, count: number): Promise<void> {
	const now = Date.now();
	const pending = new Set<Promise<unknown>>();
	for (let start = 0; start < count; start += BATCH) {
		const records: Array<string | Buffer> = [];
		const access: Array<string | Buffer> = [];
		const indexes = new Map<string, string[]>();
		for (let index = start; index < Math.min(count, start + BATCH); index++) {
			const id = createHash('sha256').update(`bench-${index}`).digest('hex');
			const account = index % 4 === 0 ? `account-${index % 500}` : undefined;
			const record = buildRecord({
				created: now - index * 60_000,
				account,
				scopes: index % 3 === 0 ? ['metrics'] : ['api'],
				description: `Token ${index} for service ${index % 97}`,
			});
			records.push(id, encodeRecord(record));
			access.push(id, index % 3 === 0 ? encodeLastUse(now - index * 1000, '127.0.0.1') : EMPTY_ACCESS);
			const key = account ? `iat:${account}` : 'iat';
			let members = indexes.get(key);
			if (!members) {
				members = [];
				indexes.set(key, members);
			}

			members.push(id);
		}

		const pipeline = redis
			.pipeline()
			.hset('tokens', ...records)
			.hset('tokens:access', ...access);
		for (const [key, members] of indexes) {
			pipeline.sadd(key, ...members);
		}

		const written = pipeline.exec().then(replies => {
			pending.delete(written);
			const failed = replies?.find(([error]) => error);
			if (!replies || failed) {
				throw new Error(`seeding failed: ${failed?.[0]?.message ?? 'no reply'}`);
			}
		});
		pending.add(written);
		if (pending.size >= IN_FLIGHT) {
			await Promise.race(pending);
		}
	}

	await Promise.all(pending);
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
