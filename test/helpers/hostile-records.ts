import {encodeMsgpack} from '../../source/tokens/index.js';

/**
 * Stored records and export strings with hostile fields, for every test that needs a record a
 * well-behaved writer would never produce: values of the wrong type, values nested deeper than any
 * encoder writes, megabytes of text, terminal escape sequences. Records are built from raw msgpack
 * (key, value bytes) pairs, so a test can plant what the encoder refuses to write (it stops at 100
 * levels) exactly as another writer of the same Redis could.
 */

/** One field: its key and its value's msgpack bytes. */
export type RawField = [key: string, value: Uint8Array];

/** The msgpack bytes of a value, through the same encoder EmailEngine uses. */
export const packed = (value: unknown): Buffer => Buffer.from(encodeMsgpack(value));

/** A value nested `depth` arrays deep around the integer 1: `[[[…[1]…]]]`, built byte by byte. */
export const deepArray = (depth: number): Buffer => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0x01])]);

/** A value nested `depth` maps deep: `{"a": {"a": … 1}}`. */
export const deepMap = (depth: number): Buffer => Buffer.concat([Buffer.from('81a161'.repeat(depth), 'hex'), Buffer.from([0x01])]);

function mapHeader(size: number): Buffer {
	if (size < 16) {
		return Buffer.from([0x80 | size]);
	}

	const header = Buffer.alloc(3);
	header[0] = 0xde;
	header.writeUInt16BE(size, 1);
	return header;
}

/** A msgpack map of the fields, in their order: what a record with these fields is in Redis. */
export const rawRecord = (fields: readonly RawField[]): Buffer =>
	Buffer.concat([mapHeader(fields.length), ...fields.flatMap(([key, value]) => [packed(key), value])]);

/** An export string of the fields: `id` first, the fields in their order, unpadded base64url (compatibility §3.1). */
export const rawExportString = (id: string, fields: readonly RawField[]): string =>
	rawRecord([['id', packed(id)], ...fields]).toString('base64url');

/** `created`, `scopes` and `description` as EmailEngine's CLI writes them, then `extra`. */
export const cliFields = (description: string, extra: readonly RawField[] = []): RawField[] => [
	['created', packed(1_790_000_000_000)],
	['scopes', packed(['api'])],
	['description', packed(description)],
	...extra,
];

/** The record: a description nested 200,000 arrays deep. */
export const deepRecord = (depth = 200_000): Buffer =>
	rawRecord([
		['created', packed(1_790_000_000_000)],
		['scopes', packed(['api'])],
		['description', deepArray(depth)],
	]);

/** Escape sequences a hostile value carries: window title, clear screen, clipboard, C1 CSI, bidi. */
export const ESCAPES = [
	'\u001B]0;pwned\u0007',
	'\u001B[2J\u001B[H',
	'\u001B]52;c;cHduZWQ=\u0007',
	'\u009B31m',
	'\u202Egnp.exe',
	'\r\u001B[1A',
] as const;

/** Whether terminal output holds a control sequence (ESC, BEL, C1 controls, bidi overrides). */

export const RAW_CONTROL = /[\u0007\u001B\u0080-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * Values that keep a token from authenticating on any route when stored in their field, whatever
 * the request (from 127.0.0.1, no Referer, naming account `example` or none): wrong types, nesting
 * deeper than a record may be, escape sequences, and well-typed values that still refuse.
 */
const GATES: Record<string, () => Buffer[]> = {
	account: () => [
		packed(12_345),
		packed(true),
		packed(false),
		packed(0),
		packed({id: 'example'}),
		packed(['example']),
		packed(new Uint8Array([0x65, 0x78])),
		packed(ESCAPES[0]),
		packed(`example${ESCAPES[1]}`),
		deepArray(40),
	],
	scopes: () => [
		packed('api'),
		packed('*'),
		packed(true),
		packed(false),
		packed(''),
		packed(0),
		packed({api: true}),
		packed([]),
		packed([['*']]),
		packed([1, null, {api: 1}]),
		packed([`*${ESCAPES[0]}`, ESCAPES[2]]),
		packed(['smtp', 'imap-proxy']),
		deepArray(50),
	],
	expires: () => [
		packed(String(Date.now() + 1e10)),
		packed(true),
		packed({at: 1}),
		packed([Date.now() + 1e10]),
		packed(Number.NaN),
		packed(1),
		packed(-5),
		packed(ESCAPES[3]),
		packed(new Date(0)),
	],
	restrictions: () => [
		packed('127.0.0.1'),
		packed(['127.0.0.1']),
		packed(false),
		packed(0),
		packed({addresses: '127.0.0.1'}),
		packed({addresses: []}),
		packed({addresses: ['10.0.0.1', ESCAPES[1]]}),
		packed({addresses: [{ip: '127.0.0.1'}]}),
		packed({referrers: '*'}),
		packed({referrers: [`https://x.example/*${ESCAPES[0]}`]}),
		packed({rateLimit: 'x'}),
		packed({rateLimit: {maxRequests: 0, timeWindow: 60}}),
		packed({rateLimit: false}),
		deepMap(40),
	],
	permissions: () => [
		packed(false),
		packed('all'),
		packed({}),
		packed([]),
		packed({actions: 'read'}),
		packed({groups: ['nope', ESCAPES[0]]}),
		packed({actions: ['write'], groups: ['diagnostics', 'account']}),
		deepMap(40),
	],
};

/** Values for the fields that decide nothing: anything at all, escape sequences first. */
const NOISE: Record<string, () => Buffer[]> = {
	description: () => [
		...ESCAPES.map(escape => packed(`token ${escape} name`)),
		packed(5),
		packed({a: 1}),
		packed('d'.repeat(100_000)),
		deepArray(100),
	],
	metadata: () => [packed(`{"x":"${ESCAPES[2]}"}`), packed(7), packed([ESCAPES[0]]), deepMap(20), packed('m'.repeat(50_000))],
	ip: () => [packed(ESCAPES[0]), packed(10), packed('::1'), packed(['127.0.0.1'])],
	remoteAddress: () => [packed(ESCAPES[5]), packed(null), packed({a: ESCAPES[1]})],
	created: () => [packed('yesterday'), packed(new Date(5)), packed(1e300), packed(ESCAPES[4]), packed(null)],
	[ESCAPES[0]]: () => [packed(ESCAPES[1]), deepArray(31)],
	other: () => [deepArray(5000), packed(new Uint8Array(300)), packed({nested: {deeper: [ESCAPES[3]]}})],
};

/** A token with hostile fields: the record's fields, and which of them must keep it out. */
export type HostileCase = {
	/** Which fields are hostile, for failure messages. */
	kind: string;
	fields: RawField[];
	/** The fields holding a value from GATES: each alone refuses every request. */
	gates: string[];
};

type Rng = {int: (max: number) => number; pick: <T>(items: readonly T[]) => T};

/**
 * The fuzz family "valid token, hostile nested fields": a record with one to three gate fields
 * (so no request may ever be admitted on it) and up to three noise fields, in a random order.
 * Plant `rawRecord(fields)` under a token's id, or import `rawExportString(id, fields)`.
 */
export function hostileRecord(rng: Rng): HostileCase {
	const gateNames = Object.keys(GATES);
	const noiseNames = Object.keys(NOISE);
	const chosen = new Map<string, Buffer>();
	const gates: string[] = [];
	for (let count = 1 + rng.int(3); count > 0; count--) {
		const name = rng.pick(gateNames);
		if (!chosen.has(name)) {
			chosen.set(name, rng.pick(GATES[name]!()));
			gates.push(name);
		}
	}

	for (let count = rng.int(4); count > 0; count--) {
		const name = rng.pick(noiseNames);
		if (!chosen.has(name)) {
			chosen.set(name, rng.pick(NOISE[name]!()));
		}
	}

	const fields = [...chosen.entries()];
	// Shuffled: readers must not depend on EmailEngine's key order.
	for (let index = fields.length - 1; index > 0; index--) {
		const other = rng.int(index + 1);
		[fields[index], fields[other]] = [fields[other]!, fields[index]!];
	}

	return {kind: fields.map(([name]) => JSON.stringify(name)).join(', '), fields, gates};
}
