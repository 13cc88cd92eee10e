import type {Redis} from 'ioredis';

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
