// Baseline for a revoke by selection of one account's tokens: the least work with the same
// deletes. SMEMBERS of the account's index, then per 1000 ids one pipelined HDEL from both hashes
// and SREM from the index. No plan, no journal, no check that a record is unchanged.
import {Redis} from 'ioredis';

const [url, account] = process.argv.slice(2);
const redis = new Redis(url);
const ids = await redis.smembers(`iat:${account}`);
const pipeline = redis.pipeline();
for (let start = 0; start < ids.length; start += 1000) {
	const batch = ids.slice(start, start + 1000);
	pipeline
		.hdel('tokens', ...batch)
		.hdel('tokens:access', ...batch)
		.srem(`iat:${account}`, ...batch);
}

await pipeline.exec();
process.stderr.write(`deleted ${ids.length}\n`);
redis.disconnect();
