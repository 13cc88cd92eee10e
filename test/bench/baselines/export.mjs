// Baseline for `export --all`: HGETALL plus re-encoding each record as an export string.
import {Decoder, Encoder} from '@msgpack/msgpack';
import {Redis} from 'ioredis';

const encoder = new Encoder({ignoreUndefined: true});
const decoder = new Decoder();
const redis = new Redis(process.argv[2]);
const all = await redis.hgetallBuffer('tokens');
const lines = [];
for (const [id, value] of Object.entries(all)) {
	const record = decoder.decode(value);
	lines.push(Buffer.from(encoder.encode({id, ...record, created: new Date(record.created)})).toString('base64url'));
}

process.stdout.write(lines.join('\n'));
redis.disconnect();
