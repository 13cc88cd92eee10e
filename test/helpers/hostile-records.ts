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

/** An export string of the fields: `id` first, the fields in their order, unpadded base64url (spec §3.1). */
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
export const ESCAPES = ['\u001B]0;pwned\u0007', '\u001B[2J\u001B[H', '\u001B]52;c;cHduZWQ=\u0007', '\u009B31m', '\u202Egnp.exe', '\r\u001B[1A'] as const;

/** Whether terminal output holds a control sequence (ESC, BEL, C1 controls, bidi overrides). */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0007\u001B\u0080-\u009F\u202A-\u202E\u2066-\u2069]/;
