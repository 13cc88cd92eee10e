/**
 * The listing's hot path: a token's summary read straight out of its msgpack bytes, without
 * building the record (100,000 times per listing). Anything but the plain shape EmailEngine writes
 * falls back to the library's decoder, so both paths give the same answer by construction.
 *
 * Over 300 lines for a reason: one msgpack reader whose cursor is module state (an object would
 * cost the hot path); its parts are not used apart.
 */
import {isUtf8} from 'node:buffer';
import {type MsgpackType, MSGPACK_TYPES, extentOf} from './msgpack.js';
import {accountProblem, expiresProblem, scopesProblem} from './record-shape.js';
import {type LastUse, MAX_ACCESS_BYTES, MAX_RECORD_BYTES, decodeLastUse, decodeRecord} from './record.js';
import {type LastUsed, MCP_ISSUER, type TokenSummary, UNREADABLE_TIME, emptySummary, summaryOf} from './summary.js';

/**
 * Thrown inside the fast reader when the bytes are anything but the plain shape EmailEngine writes
 * (an extension type, a truncated value, an odd string); the caller then decodes the whole record
 * with the library, so both paths give the same answer by construction.
 */
const UNUSUAL = new Error('unusual msgpack');

// The reader's cursor. Module state rather than an object: this runs 100,000 times per listing.
let bytes: Buffer;
let position = 0;

function byte(): number {
	if (position >= bytes.length) {
		throw UNUSUAL;
	}

	return bytes[position++]!;
}

function unsigned(size: 1 | 2 | 4 | 8): number {
	if (position + size > bytes.length) {
		throw UNUSUAL;
	}

	const at = position;
	position += size;
	switch (size) {
		case 1: {
			return bytes[at]!;
		}

		case 2: {
			return bytes.readUInt16BE(at);
		}

		case 4: {
			return bytes.readUInt32BE(at);
		}

		default: {
			// The library's own reading of 64-bit integers: high * 2^32 + low, exact below 2^53.
			return bytes.readUInt32BE(at) * 4_294_967_296 + bytes.readUInt32BE(at + 4);
		}
	}
}

/** The length after a type byte just read: in the type byte itself, or the next 1, 2 or 4 bytes. */
const lengthOf = (info: MsgpackType): number => (info.lengthBytes === 0 ? info.inline : unsigned(info.lengthBytes));

/** Length of a string whose type byte was just read, or -1 when the type is not a string. */
function stringLength(type: number): number {
	const info = MSGPACK_TYPES[type]!;
	return info.kind === 'str' ? lengthOf(info) : -1;
}

const BOM_FIRST_BYTE = 0xef;

/**
 * Reads `length` bytes as text exactly as the library would: ASCII as is; other valid UTF-8 as
 * UTF-8 unless it starts with a byte-order mark (the library's TextDecoder drops one, its short-string
 * path keeps it); invalid UTF-8 is unusual.
 */
function text(length: number): string {
	const start = position;
	const end = start + length;
	if (end > bytes.length) {
		throw UNUSUAL;
	}

	position = end;
	for (let index = start; index < end; index++) {
		if (bytes[index]! >= 0x80) {
			if (bytes[start] === BOM_FIRST_BYTE || !isUtf8(bytes.subarray(start, end))) {
				throw UNUSUAL;
			}

			return bytes.toString('utf8', start, end);
		}
	}

	return bytes.toString('latin1', start, end);
}

type Scalar = string | number | boolean | null | undefined;

/**
 * One value: strings and numbers as the library decodes them; nil and booleans as themselves;
 * containers and binary skipped and read as undefined (no field below wants one). Extension types
 * (dates among them) are unusual: only the library reads those.
 */
function scalar(): Scalar {
	const type = byte();
	if (type <= 0x7f) {
		return type;
	}

	if (type >= 0xe0) {
		return type - 0x100;
	}

	const length = stringLength(type);
	if (length >= 0) {
		return text(length);
	}

	switch (type) {
		case 0xc0: {
			return null;
		}

		case 0xc2: {
			return false;
		}

		case 0xc3: {
			return true;
		}

		case 0xcc: {
			return unsigned(1);
		}

		case 0xcd: {
			return unsigned(2);
		}

		case 0xce: {
			return unsigned(4);
		}

		case 0xcf: {
			return unsigned(8);
		}

		case 0xd0: {
			const value = unsigned(1);
			return value >= 0x80 ? value - 0x100 : value;
		}

		case 0xd1: {
			const value = unsigned(2);
			return value >= 0x80_00 ? value - 0x1_00_00 : value;
		}

		case 0xd2: {
			const value = unsigned(4);
			return value >= 0x80_00_00_00 ? value - 0x1_00_00_00_00 : value;
		}

		case 0xd3: {
			// getInt64 in the library: signed high word * 2^32 + unsigned low word.
			const high = unsigned(4);
			const low = unsigned(4);
			return (high >= 0x80_00_00_00 ? high - 0x1_00_00_00_00 : high) * 4_294_967_296 + low;
		}

		case 0xca: {
			if (position + 4 > bytes.length) {
				throw UNUSUAL;
			}

			position += 4;
			return bytes.readFloatBE(position - 4);
		}

		case 0xcb: {
			if (position + 8 > bytes.length) {
				throw UNUSUAL;
			}

			position += 8;
			return bytes.readDoubleBE(position - 8);
		}

		default: {
			position--;
			skip();
			return undefined;
		}
	}
}

/**
 * Skips one value without building it: a scalar, or an array of scalars. Anything nested deeper is
 * unusual, and so is a map: only the library settles whether such a record is readable at all (it
 * refuses some keys, `__proto__` or arrays, anywhere in a record, and decodeRecord refuses records
 * nested too deep). So are extension types (dates and others only the library reads) and the
 * never-used byte 0xc1.
 */
function skip(): void {
	let pending = 1;
	let container = false;
	while (pending > 0) {
		pending--;
		const info = MSGPACK_TYPES[byte()]!;
		if (info.kind === 'map' || info.kind === 'ext' || info.kind === 'never') {
			throw UNUSUAL;
		}

		const {skip, children} = extentOf(info, lengthOf(info));
		position += skip;
		// Every item takes at least one byte: a larger claim is truncated data.
		if (position > bytes.length || children > bytes.length - position) {
			throw UNUSUAL;
		}

		if (children > 0) {
			// Only the value itself may be an array: an array inside it is nesting.
			if (container) {
				throw UNUSUAL;
			}

			container = true;
		}

		pending += children;
	}
}

/** Items of an array or entries of a map whose type byte comes next, or -1 for any other value. */
function containerSize(kind: 'array' | 'map'): number {
	const info = MSGPACK_TYPES[byte()]!;
	return info.kind === kind ? lengthOf(info) : -1;
}

/**
 * A listing has a handful of distinct scope lists (["api"], ["metrics"], ["*"]…), so each is kept
 * once, keyed by its encoded bytes, instead of 100,000 copies of the same array. Bounded, so odd
 * data cannot grow it without limit.
 */
const sharedScopes = new Map<string, readonly string[]>();
const MAX_SHARED_SCOPES = 1024;

/** Scopes as scopesOf reads them: the string members of an array; anything else is no scopes. */
function scopes(): readonly string[] | undefined {
	const start = position;
	skip();
	const end = position;
	const encoded = bytes.toString('latin1', start, end);
	const known = sharedScopes.get(encoded);
	if (known) {
		return known;
	}

	position = start;
	const size = containerSize('array');
	if (size < 0) {
		position = end;
		return undefined;
	}

	const members: string[] = [];
	for (let index = 0; index < size; index++) {
		const value = scalar();
		if (typeof value === 'string') {
			members.push(value);
		}
	}

	const list = Object.freeze(members);
	if (sharedScopes.size < MAX_SHARED_SCOPES) {
		sharedScopes.set(encoded, list);
	}

	return list;
}

/** The fields the reader looks at (a last use's `time` too, and the key the library refuses), by the length of their names. */
const NAMES_BY_LENGTH: ReadonlyArray<readonly string[]> = (() => {
	const byLength: string[][] = [];
	for (const name of [
		'description',
		'account',
		'scopes',
		'created',
		'expires',
		'restrictions',
		'permissions',
		'metadata',
		'time',
		'ip',
		'__proto__',
	]) {
		(byLength[name.length] ??= []).push(name);
	}

	return byLength;
})();

/** Whether the `length` bytes at `start` are the ASCII name. */
function bytesAre(name: string, start: number): boolean {
	for (let index = 0; index < name.length; index++) {
		if (bytes[start + index] !== name.charCodeAt(index)) {
			return false;
		}
	}

	return true;
}

/**
 * The next map key as text, or undefined for a key that cannot name a field we read. A key is
 * compared with the names above byte by byte rather than made a string: 100,000 records have
 * half a million keys, and a string each is most of the reader's time.
 */
function key(): string | undefined {
	const type = byte();
	const length = stringLength(type);
	if (length < 0) {
		// The library takes number keys too (and refuses others): unusual either way.
		throw UNUSUAL;
	}

	// The longest field read is 12 bytes; the library refuses a `__proto__` key, so that one is unusual.
	if (length > 12) {
		position += length;
		if (position > bytes.length) {
			throw UNUSUAL;
		}

		return undefined;
	}

	const start = position;
	if (start + length > bytes.length) {
		throw UNUSUAL;
	}

	for (const name of NAMES_BY_LENGTH[length] ?? []) {
		if (bytesAre(name, start)) {
			if (name === '__proto__') {
				throw UNUSUAL;
			}

			position += length;
			return name;
		}
	}

	// Another key: text() settles whether it is one the library reads as we would (its UTF-8).
	text(length);
	return undefined;
}

const finiteOrUndefined = (value: Scalar): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The kind of the value whose type byte comes next, without reading it. */
function nextKind(): MsgpackType['kind'] {
	if (position >= bytes.length) {
		throw UNUSUAL;
	}

	return MSGPACK_TYPES[bytes[position]!]!.kind;
}

/**
 * The next value, for a field whose problem is named from it: a container, binary data or an
 * extension there is unusual (only the library builds the value that is then named).
 */
function plainScalar(): Scalar {
	const kind = nextKind();
	if (kind === 'array' || kind === 'map' || kind === 'bin' || kind === 'ext' || kind === 'never') {
		throw UNUSUAL;
	}

	return scalar();
}

/** Fields of one record read without decoding it; throws UNUSUAL for anything but the plain shape. */
function readSummary(id: string, lastUsed: LastUsed): TokenSummary {
	const size = containerSize('map');
	if (size < 0) {
		throw UNUSUAL;
	}

	const summary = emptySummary(id, lastUsed, undefined);
	// Named in recordProblem's order once every key is read: a later key can replace an earlier value.
	let accountIssue: string | undefined;
	let scopesIssue: string | undefined;
	let expiresIssue: string | undefined;
	for (let index = 0; index < size; index++) {
		// A repeated key is read again and the later value wins, as in the library's decoded object.
		switch (key()) {
			case 'description': {
				const value = scalar();
				summary.description = typeof value === 'string' && value !== '' ? value : undefined;
				break;
			}

			case 'account': {
				const value = plainScalar();
				summary.account = typeof value === 'string' ? value || undefined : typeof value === 'number' ? String(value) : undefined;
				accountIssue = accountProblem(value);
				break;
			}

			case 'scopes': {
				const kind = nextKind();
				if (kind === 'array') {
					summary.scopes = scopes();
					scopesIssue = undefined;
				} else {
					summary.scopes = undefined;
					scopesIssue = scopesProblem(plainScalar());
				}

				break;
			}

			case 'created': {
				summary.created = finiteOrUndefined(scalar());
				break;
			}

			case 'expires': {
				const value = plainScalar();
				summary.expires = finiteOrUndefined(value);
				expiresIssue = expiresProblem(value);
				break;
			}

			case 'restrictions':
			case 'permissions': {
				// Nil is as good as absent; anything else is the library's to read and judge.
				if (nextKind() !== 'nil') {
					throw UNUSUAL;
				}

				position++;
				break;
			}

			case 'metadata': {
				// Review reads metadata for one thing, the MCP issuer (summary-risk.ts): a record
				// that may name it is the library's to decode, so its summary keeps it.
				const start = position;
				skip();
				if (bytes.subarray(start, position).includes(MCP_ISSUER)) {
					throw UNUSUAL;
				}

				break;
			}

			default: {
				skip();
			}
		}
	}

	// A record with a problem is rare, and review reads it whole: the library decodes it.
	if (accountIssue !== undefined || scopesIssue !== undefined || expiresIssue !== undefined) {
		throw UNUSUAL;
	}

	return summary;
}

/**
 * The summary of stored record bytes, or undefined when they are no record at all (the listing
 * skips those, as it skips records the library cannot decode).
 */
export function summarizeRecord(id: string, value: Buffer, lastUsed?: LastUsed): TokenSummary | undefined {
	bytes = value;
	position = 0;
	try {
		// An oversized record is the library's to refuse, like every other unreadable one.
		if (value.length > MAX_RECORD_BYTES) {
			throw UNUSUAL;
		}

		return readSummary(id, lastUsed);
	} catch (error) {
		if (error !== UNUSUAL) {
			throw error;
		}
	}

	try {
		return {...summaryOf(id, decodeRecord(value)), lastUsed};
	} catch {
		return undefined;
	}
}

/**
 * The time of a last-use value (compatibility §1.6), as decodeLastUse() reads it: undefined for
 * never used, `unreadable` for a value that is there but says no time. The empty map every new
 * token gets is one byte and costs nothing.
 */
export function lastUsedTime(value: Buffer | null | undefined): LastUsed {
	if (!value || (value.length === 1 && value[0] === 0x80)) {
		return undefined;
	}

	bytes = value;
	position = 0;
	try {
		if (value.length > MAX_ACCESS_BYTES) {
			throw UNUSUAL;
		}

		const size = containerSize('map');
		if (size >= 0) {
			let time: number | undefined;
			for (let index = 0; index < size; index++) {
				if (key() === 'time') {
					time = finiteOrUndefined(scalar());
				} else {
					skip();
				}
			}

			// Anything but a plain time is for the decoder to judge.
			if (time !== undefined) {
				return time;
			}
		}
	} catch (error) {
		if (error !== UNUSUAL) {
			throw error;
		}
	}

	const lastUse = decodeLastUse(value);
	return lastUse?.unreadable ? UNREADABLE_TIME : (lastUse?.time ?? undefined);
}

/**
 * decodeLastUse() of a last-use value, time and address, for review (which reads 100,000 of them):
 * the plain map EmailEngine writes is read straight out of its bytes; anything else (no time, a
 * nested value, an extension type, text the library would read otherwise) is the library's.
 */
export function lastUseOf(value: Buffer | null | undefined): LastUse | undefined {
	// Nothing stored, and the one byte of "never used": decodeLastUse answers those without decoding.
	if (!value || value.length <= 1 || value.length > MAX_ACCESS_BYTES) {
		return decodeLastUse(value);
	}

	bytes = value;
	position = 0;
	try {
		const size = containerSize('map');
		if (size >= 0) {
			let time: number | undefined;
			let ip: Scalar;
			for (let index = 0; index < size; index++) {
				const name = key();
				if (name === 'time') {
					time = finiteOrUndefined(scalar());
				} else if (name === 'ip') {
					ip = scalar();
				} else {
					skip();
				}
			}

			if (time !== undefined) {
				return {time, ip: typeof ip === 'string' ? ip : null};
			}
		}
	} catch (error) {
		if (error !== UNUSUAL) {
			throw error;
		}
	}

	return decodeLastUse(value);
}
