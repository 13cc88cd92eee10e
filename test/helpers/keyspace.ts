import type {Redis} from 'ioredis';
import {EMPTY_ACCESS} from '../../source/tokens/index.js';

/**
 * Every key and value in the db as one text (binary values as latin1 so nothing is lost), for
 * "is this secret anywhere" checks and before/after comparisons.
 */
export async function dumpKeyspace(client: Redis): Promise<string> {
	const parts: string[] = [];
	for (const key of (await client.keys('*')).sort()) {
		parts.push(`# ${key}`);
		switch (await client.type(key)) {
			case 'hash': {
				const entries = Object.entries(await client.hgetallBuffer(key)).sort(([a], [b]) => a.localeCompare(b));
				parts.push(...entries.map(([field, value]) => `${field}=${value.toString('latin1')}`));
				break;
			}

			case 'set': {
				parts.push(...(await client.smembers(key)).sort());
				break;
			}

			case 'list': {
				parts.push(...(await client.lrangeBuffer(key, 0, -1)).map(value => value.toString('latin1')));
				break;
			}

			default: {
				parts.push((await client.getBuffer(key))?.toString('latin1') ?? '');
			}
		}
	}

	return parts.join('\n');
}

/**
 * A token's trio as EmailEngine (or any other writer of the same Redis) leaves it: the record bytes
 * as given, an empty last use, and the id in the index of its account (`iat` for none). Bypasses our
 * encoder and validation, so a test can plant what they would refuse.
 */
export async function plantRecord(client: Redis, id: string, record: Uint8Array, account?: string | number): Promise<void> {
	await client
		.multi()
		.hset('tokens', id, Buffer.from(record))
		.hset('tokens:access', id, EMPTY_ACCESS)
		.sadd(account === undefined ? 'iat' : `iat:${account}`, id)
		.exec();
}
