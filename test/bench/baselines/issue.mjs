// Baseline for a cold `issue`: connect, write one record with the provision MULTI, print the token.
import {createHash, randomBytes} from 'node:crypto';
import {Encoder} from '@msgpack/msgpack';
import {Redis} from 'ioredis';

const redis = new Redis(process.argv[2]);
const raw = randomBytes(32);
const id = createHash('sha256').update(raw).digest('hex');
const record = new Encoder({ignoreUndefined: true}).encode({created: Date.now(), scopes: ['api'], description: 'x'});
await redis
	.multi()
	.hset('tokens', id, Buffer.from(record))
	.hset('tokens:access', id, Buffer.from([0x80]))
	.sadd('iat', id)
	.exec();
process.stdout.write(`${raw.toString('hex')}\n`);
redis.disconnect();
