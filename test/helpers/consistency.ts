import type {Redis} from 'ioredis';
import {accountOf, decodeRecord} from '../../source/tokens/index.js';

/**
 * Checks the token keys tell one story: every record has an access record and exactly the right
 * index entry, and no index or access entry points at a missing record. Returns the problems found.
 */
export async function inconsistencies(client: Redis, prefix = ''): Promise<string[]> {
	const problems: string[] = [];
	const records = await client.hgetallBuffer(`${prefix}tokens`);
	const access = new Set(await client.hkeys(`${prefix}tokens:access`));
	const indexKeys = [`${prefix}iat`, ...(await client.keys(`${prefix}iat:*`))];
	const indexed = new Map<string, string[]>();
	for (const key of indexKeys) {
		for (const id of await client.smembers(key)) {
			indexed.set(id, [...(indexed.get(id) ?? []), key]);
		}
	}

	for (const [id, bytes] of Object.entries(records)) {
		const account = accountOf(decodeRecord(bytes));
		const expected = account === undefined ? `${prefix}iat` : `${prefix}iat:${account}`;
		if (!access.has(id)) {
			problems.push(`${id}: no access record`);
		}

		if (JSON.stringify(indexed.get(id)) !== JSON.stringify([expected])) {
			problems.push(`${id}: indexed in ${JSON.stringify(indexed.get(id))}, expected ${expected}`);
		}
	}

	for (const id of access) {
		if (!(id in records)) {
			problems.push(`${id}: access record without a token`);
		}
	}

	for (const id of indexed.keys()) {
		if (!(id in records)) {
			problems.push(`${id}: index entry without a token`);
		}
	}

	return problems;
}
