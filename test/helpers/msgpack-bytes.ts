import {buildRecord, encodeMsgpack} from '../../source/tokens/index.js';

/** A value as msgpack bytes, the library's encoding. */
export const bytesOf = (value: unknown) => Buffer.from(encodeMsgpack(value));
/** Bytes written as hex pairs, spaces ignored. */
export const hex = (text: string) => Buffer.from(text.replaceAll(' ', ''), 'hex');

/**
 * Stored records that are not the plain shape EmailEngine writes: broken, truncated, claiming more
 * than they hold, or hostile to an object. Each fast reader (summary-reader.ts, entry-json.ts) must
 * give up on them and answer as the library does; the library reads only invalid UTF-8 of these
 * (with replacement characters).
 */
export const ODD_RECORDS: ReadonlyArray<[string, Buffer]> = [
	['empty', Buffer.alloc(0)],
	['not a map', bytesOf(['description'])],
	['a string', bytesOf('x')],
	['nil', hex('c0')],
	['never-used byte', hex('81 a1 61 c1')],
	['truncated map', hex('82 a7 63 72 65 61 74 65 64 01')],
	['truncated string', hex('81 ab 64 65 73 63 72 69 70 74 69 6f 6e a5 61 62')],
	['huge claimed array', hex('81 a6 73 63 6f 70 65 73 dd ff ff ff ff')],
	['huge claimed map', hex('df ff ff ff ff')],
	['array key', hex('81 91 01 a1 78')],
	['__proto__ key', bytesOf(JSON.parse('{"__proto__": 1, "description": "x"}'))],
	['nested __proto__', hex('82 ab 64 65 73 63 72 69 70 74 69 6f 6e a1 78 a1 72 81 a9 5f 5f 70 72 6f 74 6f 5f 5f 01')],
	['invalid UTF-8', hex('81 ab 64 65 73 63 72 69 70 74 69 6f 6e a3 61 ff 62')],
	['invalid UTF-8 key', hex('81 a2 c3 28 01')],
	['bad timestamp extension', hex('81 a7 63 72 65 61 74 65 64 d4 ff 01')],
	['nested 40 deep', Buffer.concat([hex('81 a1 61'), Buffer.alloc(40, 0x91), hex('01')])],
];

/** A record with every field EmailEngine writes set. */
export const FULL_RECORD = buildRecord({
	created: 1_790_000_000_000,
	expires: 1_800_000_000_000,
	account: 'acme',
	ip: '127.0.0.1',
	remoteAddress: '10.0.0.1',
	scopes: ['api', 'smtp'],
	description: 'Billing sync',
	restrictions: {referrers: ['*.example.com'], addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 10, timeWindow: 60}},
	metadata: '{"a":1}',
});
