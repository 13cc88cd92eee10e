// Baseline for `list --json`: the least work with the same result. HGETALL of the hash,
// msgpack-decode every value, print JSON. No sorting, no filtering, no last-use.
import {decode} from '@msgpack/msgpack';
import {Redis} from 'ioredis';

const redis = new Redis(process.argv[2]);
const all = await redis.hgetallBuffer('tokens');
const out = [];
for (const [id, value] of Object.entries(all)) {
	out.push({id, ...decode(value)});
}

process.stdout.write(JSON.stringify(out));
redis.disconnect();
