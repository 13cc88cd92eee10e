/**
 * Listed tokens' JSON text written straight from their stored bytes into one buffer: what
 * `list --json` prints for each of 100,000 tokens. The plain shape EmailEngine writes (short text
 * keys, text, numbers, nil, booleans, lists, maps) is read once and its bytes copied or written as
 * JSON as they are read, without the library's decoder building the record, entryToJson() a second
 * object of it, JSON.stringify() a string of that and the stream encoding the string again; at
 * 100,000 tokens those steps and their garbage were most of the listing's time. Anything else
 * (binary, extension types such as dates, odd text, keys an object would reorder or refuse,
 * repeated keys, deep nesting) goes the library's way, so both give the same bytes by construction.
 *
 * Over 300 lines for a reason: one msgpack reader and one JSON writer whose cursors are module
 * state (an object would cost the hot path, as in summary-reader.ts); its parts are not used apart.
 */
import {isUtf8} from 'node:buffer';
import {MAX_RECORD_BYTES, decodeLastUse, decodeRecord} from './record.js';
import {lastUseOf} from './summary-reader.js';
import {isoTime} from './time.js';
import {escapeUnsafe} from './typed-text.js';
import {type JsonOptions, entryToJson} from './view.js';

/** Thrown inside the reader for anything but the plain shape: the library then decodes the record. */
const UNUSUAL = new Error('unusual msgpack');

/** Maps with more keys than this are the library's (the repeated-key check below is a linear search). */
const MAX_KEYS = 64;
/** Nesting deeper than this is the library's too (a real record is three levels deep). */
const MAX_DEPTH = 8;

// The reader's cursor over a record's bytes. Module state: this runs 100,000 times per listing.
let bytes: Buffer;
let position = 0;
// The writer's cursor over the output: a buffer of its own for each chunk (a stream may still hold
// the last one), as large as the last one was, grown as needed.
let out = Buffer.allocUnsafe(0);
let at = 0;

function room(size: number): void {
	if (at + size > out.length) {
		const grown = Buffer.allocUnsafe(Math.max(out.length * 2, at + size));
		out.copy(grown, 0, 0, at);
		out = grown;
	}
}

/** Text known to be ASCII (digits, ISO times, JSON punctuation), one byte a character. */
function ascii(text: string): void {
	room(text.length);
	for (let index = 0; index < text.length; index++) {
		out[at++] = text.charCodeAt(index);
	}
}

/**
 * bytes[start, end) to the output. A short run is copied by a loop: Buffer.copy() costs more to
 * call than to copy the dozen bytes of a key or a scope, and a record is mostly those.
 */
function copy(start: number, end: number): void {
	room(end - start);
	if (end - start > 64) {
		at += bytes.copy(out, at, start, end);
		return;
	}

	for (let index = start; index < end; index++) {
		out[at++] = bytes[index]!;
	}
}

/** JSON text of any kind: UTF-8. */
function utf8(text: string): void {
	room(text.length * 3);
	at += out.write(text, at, 'utf8');
}

function byte(): number {
	if (position >= bytes.length) {
		throw UNUSUAL;
	}

	return bytes[position++]!;
}

function unsigned(size: 1 | 2 | 4): number {
	if (position + size > bytes.length) {
		throw UNUSUAL;
	}

	const from = position;
	position += size;
	return size === 1 ? bytes[from]! : size === 2 ? bytes.readUInt16BE(from) : bytes.readUInt32BE(from);
}

/** 64-bit integers as the library reads them (its default, no BigInt): high * 2^32 + low. */
function sixtyFour(signed: boolean): number {
	const high = unsigned(4);
	const low = unsigned(4);
	return (signed && high >= 0x80_00_00_00 ? high - 0x1_00_00_00_00 : high) * 4_294_967_296 + low;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DEL = 0x7f;
const BOM_FIRST_BYTE = 0xef;

/**
 * A string of `length` bytes as JSON. Printable ASCII without a quote or a backslash is its own
 * JSON text and is copied; other ASCII is JSON.stringify's; anything else must be valid UTF-8 not
 * starting with what may be a byte-order mark (the library's two text decoders differ on one),
 * else it is unusual, and is escaped (escapeUnsafe) as well.
 */
function string(length: number): void {
	const start = position;
	const end = start + length;
	if (end > bytes.length) {
		throw UNUSUAL;
	}

	position = end;
	let plain = true;
	for (let index = start; index < end; index++) {
		const code = bytes[index]!;
		if (code >= DEL) {
			if (bytes[start] === BOM_FIRST_BYTE || !isUtf8(bytes.subarray(start, end))) {
				throw UNUSUAL;
			}

			utf8(escapeUnsafe(JSON.stringify(bytes.toString('utf8', start, end))));
			return;
		}

		if (code < 0x20 || code === QUOTE || code === BACKSLASH) {
			plain = false;
		}
	}

	if (!plain) {
		ascii(JSON.stringify(bytes.toString('latin1', start, end)));
		return;
	}

	room(length + 2);
	out[at++] = QUOTE;
	copy(start, end);
	out[at++] = QUOTE;
}

/** A number as JSON.stringify writes it: finite numbers as text, NaN and the infinities as null. */
const number = (value: number): void => {
	ascii(Number.isFinite(value) ? String(value) : 'null');
};

/** The number whose type byte was just read, or undefined when the type is no number. */
function numberOf(type: number): number | undefined {
	if (type <= 0x7f) {
		return type;
	}

	if (type >= 0xe0) {
		return type - 0x100;
	}

	switch (type) {
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
			return sixtyFour(false);
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
			return sixtyFour(true);
		}

		case 0xca: {
			unsigned(4);
			return bytes.readFloatBE(position - 4);
		}

		case 0xcb: {
			unsigned(4);
			unsigned(4);
			return bytes.readDoubleBE(position - 8);
		}

		default: {
			return undefined;
		}
	}
}

/** The next value as JSON, nested `depth` levels deep in the record. */
function value(depth: number): void {
	const type = byte();
	const numeric = numberOf(type);
	if (numeric !== undefined) {
		number(numeric);
	} else if (type >= 0xa0 && type <= 0xbf) {
		string(type & 0x1f);
	} else if (type >= 0x80 && type <= 0x8f) {
		map(type & 0x0f, depth);
	} else if (type >= 0x90 && type <= 0x9f) {
		array(type & 0x0f, depth);
	} else {
		switch (type) {
			case 0xc0: {
				ascii('null');
				break;
			}

			case 0xc2: {
				ascii('false');
				break;
			}

			case 0xc3: {
				ascii('true');
				break;
			}

			case 0xd9: {
				string(unsigned(1));
				break;
			}

			case 0xda: {
				string(unsigned(2));
				break;
			}

			case 0xdb: {
				string(unsigned(4));
				break;
			}

			case 0xdc: {
				array(unsigned(2), depth);
				break;
			}

			case 0xdd: {
				array(unsigned(4), depth);
				break;
			}

			case 0xde: {
				map(unsigned(2), depth);
				break;
			}

			case 0xdf: {
				map(unsigned(4), depth);
				break;
			}

			default: {
				// Binary data, extension types (dates among them) and the never-used byte 0xc1.
				throw UNUSUAL;
			}
		}
	}
}

const isMapType = (type: number) => (type >= 0x80 && type <= 0x8f) || type === 0xde || type === 0xdf;

/**
 * A list. One holding a map is unusual: the JSON listing puts a line break between a map and a
 * next one whose first key is "id" (writeJsonArray), which only the library's way reproduces.
 */
function array(size: number, depth: number): void {
	// Every item takes at least one byte: a larger claim is truncated data.
	if (depth >= MAX_DEPTH || size > bytes.length - position) {
		throw UNUSUAL;
	}

	ascii('[');
	for (let index = 0; index < size; index++) {
		if (position < bytes.length && isMapType(bytes[position]!)) {
			throw UNUSUAL;
		}

		if (index > 0) {
			ascii(',');
		}

		value(depth + 1);
	}

	ascii(']');
}

/** Where each key of the maps being read starts and how long it is, by depth, for refusing a repeated key. */
const keyStarts: number[][] = Array.from({length: MAX_DEPTH + 1}, () => []);
const keyLengths: number[][] = Array.from({length: MAX_DEPTH + 1}, () => []);

const CREATED = Buffer.from('created');
const EXPIRES = Buffer.from('expires');
const ACCOUNT = Buffer.from('account');
const ID = Buffer.from('id');

/** Whether the key of `length` bytes at `start` is `name`. */
function keyIs(name: Buffer, start: number, length: number): boolean {
	if (length !== name.length) {
		return false;
	}

	for (let index = 0; index < length; index++) {
		if (bytes[start + index] !== name[index]) {
			return false;
		}
	}

	return true;
}

/**
 * Reads the next key of a map at `depth` and returns where its text starts (its length is
 * `keyLength`). Unusual unless it is printable ASCII without a quote or a backslash (its own JSON
 * text), keeps its place in an object (no leading digit: `"7"` would go first) and is read once
 * (the library's object keeps a repeated key's first place and last value); `__proto__` (which
 * the library refuses) has a quote-free name but is refused by the underscore test below.
 */
let keyLength = 0;
function key(depth: number): number {
	const type = byte();
	const length = type >= 0xa0 && type <= 0xbf ? type & 0x1f : type === 0xd9 ? unsigned(1) : -1;
	const start = position;
	if (length <= 0 || start + length > bytes.length) {
		throw UNUSUAL;
	}

	const first = bytes[start]!;
	if ((first >= 0x30 && first <= 0x39) || (first === 0x5f && length === 9)) {
		throw UNUSUAL;
	}

	for (let index = start; index < start + length; index++) {
		const code = bytes[index]!;
		if (code < 0x20 || code >= DEL || code === QUOTE || code === BACKSLASH) {
			throw UNUSUAL;
		}
	}

	const starts = keyStarts[depth]!;
	const lengths = keyLengths[depth]!;
	for (let index = 0; index < starts.length; index++) {
		if (lengths[index] === length && bytes.compare(bytes, start, start + length, starts[index], starts[index]! + length) === 0) {
			throw UNUSUAL;
		}
	}

	starts.push(start);
	lengths.push(length);
	position += length;
	keyLength = length;
	return start;
}

/** `"key":` of a key key() read. */
function keyJson(start: number): void {
	room(keyLength + 3);
	out[at++] = QUOTE;
	copy(start, start + keyLength);
	room(1);
	out[at++] = QUOTE;
	out[at++] = 0x3a;
}

function map(size: number, depth: number): void {
	if (depth >= MAX_DEPTH || size > MAX_KEYS) {
		throw UNUSUAL;
	}

	keyStarts[depth]!.length = 0;
	keyLengths[depth]!.length = 0;
	ascii('{');
	for (let index = 0; index < size; index++) {
		if (index > 0) {
			ascii(',');
		}

		keyJson(key(depth));
		value(depth + 1);
	}

	ascii('}');
}

/** `created` and `expires` as entryToJson writes them: a time as ISO text (null beyond a Date), anything else as it is. */
function time(depth: number): void {
	const start = position;
	const numeric = numberOf(byte());
	if (numeric === undefined) {
		position = start;
		value(depth);
		return;
	}

	const iso = Number.isFinite(numeric) ? isoTime(numeric) : undefined;
	quotedIso(iso);
}

/** An ISO time as a JSON string, or null for none. */
function quotedIso(iso: string | undefined): void {
	if (iso === undefined) {
		ascii('null');
		return;
	}

	room(iso.length + 2);
	out[at++] = QUOTE;
	ascii(iso);
	out[at++] = QUOTE;
}

const ID_OPEN = '{"id":"';
const ACCOUNT_OPEN = '","account":';

/**
 * `{"id":"…","account":`, the id copied as it is when it is its own JSON text (printable ASCII
 * without a quote or a backslash: a real id is 64 hex digits), else as JSON.stringify and
 * escapeUnsafe write it.
 */
function idAndAccountKey(id: string): void {
	const start = at;
	ascii(ID_OPEN);
	room(id.length);
	for (let index = 0; index < id.length; index++) {
		const code = id.charCodeAt(index);
		if (code < 0x20 || code >= DEL || code === QUOTE || code === BACKSLASH) {
			at = start;
			utf8(`{"id":${escapeUnsafe(JSON.stringify(id))},"account":`);
			return;
		}

		out[at++] = code;
	}

	ascii(ACCOUNT_OPEN);
}

/**
 * `{"id":…,"account":…` and the record's other fields, in entryToJson()'s order, without the
 * closing brace (the last use comes before it). Throws UNUSUAL for anything but the plain shape.
 */
function record(id: string): void {
	const type = byte();
	const size = type >= 0x80 && type <= 0x8f ? type & 0x0f : type === 0xde ? unsigned(2) : -1;
	if (size < 0 || size > MAX_KEYS) {
		throw UNUSUAL;
	}

	idAndAccountKey(id);

	keyStarts[0]!.length = 0;
	keyLengths[0]!.length = 0;
	// The account goes first but may be stored anywhere: its value is written after the other
	// fields, then moved in front of them.
	const fields = at;
	let account = -1;
	for (let index = 0; index < size; index++) {
		const name = key(0);
		if (keyIs(ACCOUNT, name, keyLength)) {
			account = position;
			skipValue();
		} else if (keyIs(ID, name, keyLength)) {
			// The listing's id is the hash field's; a stored `id` is read (it must be readable) and left out.
			const before = at;
			value(1);
			at = before;
		} else {
			ascii(',');
			keyJson(name);
			if (keyIs(CREATED, name, keyLength) || keyIs(EXPIRES, name, keyLength)) {
				time(1);
			} else {
				value(1);
			}
		}
	}

	const end = position;
	const fieldsEnd = at;
	if (account >= 0) {
		position = account;
		value(1);
		position = end;
	}

	const accountLength = at - fieldsEnd;
	// Unbound (absent, nil or empty text) is null, as jsonAccount() says.
	if (accountLength === 0 || (accountLength === 2 && out[fieldsEnd] === QUOTE && out[fieldsEnd + 1] === QUOTE)) {
		at = fieldsEnd;
		ascii('null');
	}

	rotate(fields, fieldsEnd, at);
}

/** Where rotate() keeps what it moves: an account is short, and a longer one gets a buffer of its own. */
let scratch = Buffer.allocUnsafe(256);

/** Moves out[middle, end) in front of out[start, middle). */
function rotate(start: number, middle: number, end: number): void {
	const length = end - middle;
	if (length > scratch.length) {
		scratch = Buffer.allocUnsafe(length);
	}

	for (let index = 0; index < length; index++) {
		scratch[index] = out[middle + index]!;
	}

	out.copyWithin(start + length, start, middle);
	for (let index = 0; index < length; index++) {
		out[start + index] = scratch[index]!;
	}
}

/** Reads past the value whose type byte comes next (the account, written later), checking it as value() does. */
function skipValue(): void {
	const before = at;
	value(1);
	at = before;
}

const NEVER_USED = ',"access":{"time":null,"ip":null}';

/** `,"access":{…}` as entryToJson() writes a last use, or nothing for a token without a last-use value. */
function access(stored: Buffer | null | undefined, options: JsonOptions): void {
	if (!stored) {
		return;
	}

	if (stored.length === 1 && stored[0] === 0x80) {
		ascii(NEVER_USED);
		return;
	}

	const lastUse = lastUseOf(stored)!;
	ascii(',"access":{"time":');
	quotedIso(lastUse.time === null ? undefined : isoTime(lastUse.time));
	ascii(',"ip":');
	utf8(lastUse.ip === null ? 'null' : escapeUnsafe(JSON.stringify(lastUse.ip)));
	ascii(options.sayUnreadableUse && lastUse.unreadable ? ',"unreadable":true}' : '}');
}

/** A listed token as stored: its id, its record's bytes and its last-use bytes (none when not read). */
export type StoredEntry = {id: string; record: Buffer; access: Buffer | undefined};

/**
 * Writes one token's JSON text (entryToJson(), stringified, escaped as escapeUnsafe escapes) at
 * the writer's cursor, after `,\n` unless it is the chunk's first; false, with nothing written,
 * when the record cannot be read.
 */
function entry({id, record: stored, access: lastUse}: StoredEntry, options: JsonOptions, first: boolean): boolean {
	const start = at;
	bytes = stored;
	position = 0;
	try {
		if (stored.length > MAX_RECORD_BYTES) {
			throw UNUSUAL;
		}

		if (!first) {
			ascii(',\n');
		}

		record(id);
		access(lastUse, options);
		ascii('}');
		return true;
	} catch (error) {
		if (error !== UNUSUAL) {
			throw error;
		}
	}

	at = start;
	let decoded;
	try {
		decoded = decodeRecord(stored);
	} catch {
		return false;
	}

	// As writeJsonArray() wrote a chunk of entryToJson() objects: one JSON.stringify of them all,
	// with a line break put after each `},` followed by `{"id":`. An object's first key is "id"
	// unless the record has keys an object puts first (`"7"`), and objects whose first key is "id"
	// can be nested in a list, so the library's text gets its line breaks the same way.
	const json = escapeUnsafe(JSON.stringify(entryToJson({id, record: decoded, lastUse: decodeLastUse(lastUse)}, options)));
	if (!first) {
		ascii(json.startsWith('{"id":') ? ',\n' : ',');
	}

	utf8(json.replaceAll('},{"id":', '},\n{"id":'));
	return true;
}

/**
 * The JSON texts of some listed tokens, one a line, separated by `,\n` (the body of a chunk of
 * the JSON listing, as writeJsonArray writes entryToJson() objects), as UTF-8 bytes. A record that
 * cannot be read is left out and its id given to `onUnreadable`.
 */
export function entriesJson(entries: readonly StoredEntry[], options: JsonOptions, onUnreadable: (id: string) => void): Buffer {
	out = Buffer.allocUnsafe(Math.max(64 * 1024, Math.ceil(at * 1.25)));
	at = 0;
	let first = true;
	for (const stored of entries) {
		if (entry(stored, options, first)) {
			first = false;
		} else {
			onUnreadable(stored.id);
		}
	}

	return out.subarray(0, at);
}
