// Baseline for `import -t -`: decode every line and write the trio, pipelined, no validation,
// no existence check.
import {readFileSync} from 'node:fs';
import {Decoder, Encoder} from '@msgpack/msgpack';
import {Redis} from 'ioredis';

const encoder = new Encoder({ignoreUndefined: true});
const decoder = new Decoder();
const redis = new Redis(process.argv[2]);
const lines = readFileSync(0, 'utf8').split('\n').filter(Boolean);
const empty = Buffer.from([0x80]);
for (let start = 0; start < lines.length; start += 1000) {
	const pipeline = redis.pipeline();
	for (const line of lines.slice(start, start + 1000)) {
		const {id, ...record} = decoder.decode(Buffer.from(line, 'base64url'));
		record.created = Date.now();
		pipeline.hset('tokens', id, Buffer.from(encoder.encode(record)));
		pipeline.hset('tokens:access', id, empty);
		pipeline.sadd(record.account ? `iat:${record.account}` : 'iat', id);
	}

	await pipeline.exec();
}

redis.disconnect();
