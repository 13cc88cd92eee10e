import {encodeExportString, encodeMsgpack} from '../../source/tokens/index.js';
import {VECTOR} from './vectors.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same cases, so a failure replays. */
export function random(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};

	const int = (max: number) => Math.floor(next() * max);
	return {next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!};
}

/** How many fuzz cases to run: small in `npm test`, large in `npm run fuzz`. */
export const fuzzCases = (normal: number) => Number(process.env['FUZZ_CASES'] ?? normal);

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const VALID = [
	VECTOR.exportString,
	encodeExportString('ab'.repeat(32), {
		created: 1,
		expires: 2,
		account: 'acme',
		scopes: ['api', 'smtp'],
		description: 'd',
		restrictions: {referrers: ['*'], addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 1, timeWindow: 2}},
		metadata: '{}',
	}),
];

const WRONG_VALUES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 40, '', 'x', [], [1], {}, {a: 1}, new Uint8Array([1, 2]), new Date(0)];
const FIELDS = ['created', 'expires', 'account', 'description', 'metadata', 'ip', 'remoteAddress', 'scopes', 'restrictions'];
const BAD_IDS: unknown[] = [
	undefined,
	null,
	1,
	'',
	'abc',
	'g'.repeat(64),
	'a'.repeat(63),
	'a'.repeat(65),
	` ${'a'.repeat(64)}`,
	new Uint8Array(32),
	['a'.repeat(64)],
];

/** One hostile export string; `kind` says which family it comes from, for failure messages. */
export function hostileExportString(rng: ReturnType<typeof random>): {kind: string; input: string} {
	const valid = rng.pick(VALID);
	switch (rng.int(9)) {
		case 0: {
			const bytes = new Uint8Array(rng.int(200));
			for (let index = 0; index < bytes.length; index++) {
				bytes[index] = rng.int(256);
			}

			return {kind: 'random bytes', input: b64(bytes)};
		}

		case 1: {
			return {kind: 'truncated', input: valid.slice(0, rng.int(valid.length))};
		}

		case 2: {
			const bytes = Buffer.from(valid, 'base64url');
			for (let flips = 1 + rng.int(3); flips > 0; flips--) {
				bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
			}

			return {kind: 'bit flips', input: b64(bytes)};
		}

		case 3: {
			const alphabet = 'AZaz09-_+/= \t\n.,!"\'\\\u0000\u001B\u00E9\u4E2D\u{1F600}';
			const characters = Array.from({length: rng.int(120)}, () => rng.pick([...alphabet]));
			return {kind: 'random text', input: characters.join('')};
		}

		case 4: {
			const field = rng.pick(FIELDS);
			return {kind: `wrong type for ${field}`, input: b64(encodeMsgpack({id: VECTOR.id, [field]: rng.pick(WRONG_VALUES)}))};
		}

		case 5: {
			return {kind: 'bad id', input: b64(encodeMsgpack({id: rng.pick(BAD_IDS), description: 'x'}))};
		}

		case 6: {
			const depth = 30 + rng.int(5000);
			return {kind: `nesting ${depth}`, input: b64(new Uint8Array(depth).fill(rng.pick([0x91, 0x81])))};
		}

		case 7: {
			const key = Buffer.from('__proto__');
			const bytes = Buffer.from([
				0x82,
				0xa2,
				0x69,
				0x64,
				0xd9,
				0x40,
				...Buffer.from(VECTOR.id),
				0xa0 | key.length,
				...key,
				0x81,
				0xa1,
				0x61,
				0x01,
			]);
			return {kind: '__proto__ key', input: b64(bytes)};
		}

		default: {
			// Lies about sizes: a str32/array32/map32 header claiming gigabytes.
			const header = rng.pick([0xdb, 0xdd, 0xdf, 0xc6, 0xc9]);
			return {kind: 'size claim', input: b64(Buffer.from([0x81, 0xa2, 0x69, 0x64, header, 0xff, 0xff, 0xff, 0xf0, 0x41]))};
		}
	}
}
