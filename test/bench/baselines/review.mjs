// Baseline for `review`: reading every record once. HGETALL of the tokens hash and a
// msgpack-decode of every value; no last use, no accounts, no findings, no output but a count.
import {decode} from '@msgpack/msgpack';
import {Redis} from 'ioredis';

const redis = new Redis(process.argv[2]);
const all = await redis.hgetallBuffer('tokens');
let count = 0;
for (const value of Object.values(all)) {
	if (decode(value)) {
		count++;
	}
}

process.stdout.write(`${count}\n`);
redis.disconnect();
