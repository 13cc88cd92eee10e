// Over 300 lines for a reason: the stored record's types and its codec, whose encoding and
// decoding must be read side by side to stay byte-compatible (compatibility §2).
import {MSGPACK_TYPES, type MsgpackType, checkMsgpackShape, decodeFirstMsgpack, encodeMsgpack, extentOf, isPlainMap} from './msgpack.js';

export type RateLimit = {maxRequests: number; timeWindow: number};

export type Restrictions = {
	referrers?: string[] | null;
	addresses?: string[] | null;
	rateLimit?: RateLimit | null;
};

/**
 * A stored token record (compatibility §2). Imported records keep whatever keys their export string had, so
 * the type is open; the known keys are typed loosely because EmailEngine itself stores an integer
 * account in one CLI path and nil restriction keys in another.
 */
export type TokenRecord = Record<string, unknown>;

/** What `issue` takes; everything optional is omitted from the record when empty (compatibility §2). */
export type NewToken = {
	created: number;
	expires?: number;
	account?: string;
	ip?: string;
	remoteAddress?: string;
	scopes: string[];
	description: string;
	restrictions?: Restrictions;
	/** REST-issued root tokens only (compatibility §6.4): which groups and actions they may use. */
	permissions?: Record<string, unknown>;
	metadata?: string;
};

/**
 * The order EmailEngine's provision() writes a record's keys in (compatibility §2, §9.4): the one
 * owner of that order, for new records and for fields added to stored ones (withFields).
 */
export const RECORD_KEY_ORDER = [
	'created',
	'expires',
	'account',
	'ip',
	'remoteAddress',
	'scopes',
	'description',
	'restrictions',
	'permissions',
	'metadata',
] as const;

/** The record EmailEngine's provision() writes: keys in its order, each only when truthy. */
export function buildRecord(token: NewToken): TokenRecord {
	const values: Partial<Record<(typeof RECORD_KEY_ORDER)[number], unknown>> = {
		...token,
		restrictions: token.restrictions && Object.keys(token.restrictions).length > 0 ? token.restrictions : undefined,
	};
	const record: TokenRecord = {created: token.created};
	for (const key of RECORD_KEY_ORDER) {
		if (key !== 'created' && values[key]) {
			record[key] = values[key];
		}
	}

	return record;
}

/**
 * A stored record with some fields changed, as an edit or a rotation writes it back: every other
 * key keeps its place and its value (unknown keys of an imported record included), a changed key
 * keeps its place, a key set to undefined is removed, and a key the record lacked goes where
 * provision would have put it (RECORD_KEY_ORDER), so the bytes differ from the stored ones only in
 * what was changed.
 */
export function withFields(record: TokenRecord, changes: Readonly<Record<string, unknown>>): TokenRecord {
	const rank = (key: string) => (RECORD_KEY_ORDER as readonly string[]).indexOf(key);
	const keys = Object.keys(record);
	for (const [key, value] of Object.entries(changes)) {
		const at = keys.indexOf(key);
		if (value === undefined) {
			if (at !== -1) {
				keys.splice(at, 1);
			}
		} else if (at === -1) {
			// After the last key provision writes before this one; unknown keys stay where they are.
			let after = -1;
			for (const [index, existing] of keys.entries()) {
				if (rank(existing) !== -1 && rank(existing) < rank(key)) {
					after = index;
				}
			}

			keys.splice(after + 1, 0, key);
		}
	}

	const result: TokenRecord = {};
	for (const key of keys) {
		result[key] = Object.hasOwn(changes, key) ? changes[key] : record[key];
	}

	return result;
}

export const encodeRecord = (record: TokenRecord): Buffer => Buffer.from(encodeMsgpack(record));

/**
 * The largest stored record that is read. EmailEngine's own limits (1 MiB of metadata text, up to
 * 3 MiB as UTF-8, and 1,024 characters of description) fit with room to spare; anything larger is
 * not a token record anyone wrote on purpose, and decoding it would cost every listing.
 */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/**
 * Decodes a stored value. Everything in Redis is untrusted, so its size and shape are checked before
 * the decoder builds anything (a record nested 200,000 levels deep decodes, then breaks every
 * JSON.stringify and encoder after it). Throws with a plain reason for anything that is not a
 * record; a caller treats such a value as no record and says so (unreadableReason).
 */
export function decodeRecord(bytes: Uint8Array): TokenRecord {
	if (bytes.length > MAX_RECORD_BYTES) {
		throw new RangeError(`larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
	}

	checkMsgpackShape(bytes);
	const value = decodeFirstMsgpack(bytes);
	if (!isPlainMap(value)) {
		throw new TypeError('not a map');
	}

	return value;
}

/**
 * Why stored bytes are not a readable record ("nested deeper than 32 levels"), or undefined when
 * they are one. For the warnings about skipped records: it decodes again, so it is only called for
 * records already found unreadable.
 */
export function unreadableReason(bytes: Uint8Array): string | undefined {
	try {
		decodeRecord(bytes);
		return undefined;
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return reason.replaceAll(/\s+/g, ' ').trim().slice(0, 200) || 'not msgpack';
	}
}

/**
 * What can be read of an unreadable record without decoding it: the top-level `account` and
 * `description` when they are plain strings or integers. Revoking such a record needs its account
 * (the index entry to remove) and its confirmation shows its description. A linear walk with a
 * counter, no recursion and nothing built, so any size and depth costs one pass.
 */
export function shallowFields(bytes: Uint8Array): TokenRecord {
	const fields: TokenRecord = {};
	const length = bytes.length;
	let position = 0;
	const header = (): {kind: MsgpackType['kind']; size: number; skip: number; children: number} | undefined => {
		if (position >= length) {
			return undefined;
		}

		const info = MSGPACK_TYPES[bytes[position++]!]!;
		let size = info.inline;
		if (info.lengthBytes > 0) {
			if (position + info.lengthBytes > length) {
				return undefined;
			}

			size = 0;
			for (let index = 0; index < info.lengthBytes; index++) {
				size = size * 256 + bytes[position++]!;
			}
		}

		return info.kind === 'never' ? undefined : {kind: info.kind, size, ...extentOf(info, size)};
	};

	const text = (size: number) =>
		position + size <= length ? Buffer.from(bytes.buffer, bytes.byteOffset + position, size).toString('utf8') : undefined;
	const top = header();
	if (top?.kind !== 'map') {
		return fields;
	}

	for (let entry = 0; entry < top.size; entry++) {
		const key = header();
		if (key?.kind !== 'str') {
			return fields;
		}

		const name = text(key.size);
		position += key.skip;
		const start = position;
		const value = header();
		if (!value) {
			return fields;
		}

		if ((name === 'account' || name === 'description') && value.kind === 'str') {
			const content = text(value.size);
			if (content !== undefined) {
				fields[name] = content;
			}
		} else if (name === 'account' && value.kind === 'int' && position + value.skip <= length) {
			// An integer account (EmailEngine's CLI writes `-a 12345` as one, compatibility §4): type byte and payload.
			fields[name] = decodeFirstMsgpack(bytes.subarray(start, position + value.skip));
		}

		// Skip the value and everything inside it, counting items rather than descending.
		position += value.skip;
		let pending = value.children;
		while (pending > 0 && position <= length) {
			pending--;
			const inner = header();
			if (!inner) {
				return fields;
			}

			position += inner.skip;
			pending += inner.children;
		}

		if (position > length) {
			return fields;
		}
	}

	return fields;
}

/** Integer milliseconds, whichever way a record or export string carried it. */
export function toMillis(value: unknown): number | undefined {
	if (value instanceof Date) {
		// An invalid Date (a timestamp beyond what a Date holds) is no time at all.
		return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	}

	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Compatibility §1.8: expired when `expires` is truthy and now >= expires. */
export function isExpired(record: TokenRecord, now: number): boolean {
	return expiredAt(toMillis(record['expires']), now);
}

/** The expiry rule on an expiry time already read (ms; 0 or absent never expires): records and summaries share it. */
export const expiredAt = (expires: number | null | undefined, now: number): boolean => Boolean(expires) && now >= expires!;

/**
 * The account as a person reads it in a table or a preview: the text, or an integer account (which
 * EmailEngine's CLI stores for `-a 12345`, compatibility §4) as text. Not for the account check
 * (boundAccountOf) nor for the index key (indexAccountOf): those read the stored value differently.
 */
export function accountOf(record: TokenRecord): string | undefined {
	const account = record['account'];
	if (typeof account === 'string' && account !== '') {
		return account;
	}

	if (typeof account === 'number') {
		return String(account);
	}

	return undefined;
}

/**
 * Who a token is bound to, for the account check (compatibility §6.4, §2): undefined when it is unbound
 * (no account, nil or empty text: optional scalars are read with truthiness, compatibility §2), the account
 * id when it is text, and null when it is anything else. EmailEngine compares strictly, so an
 * integer 12345 matches no request (a path parameter is always text), and neither does an object,
 * a list or a boolean. `false` and 0 count as bound to nothing too: EmailEngine would read them as
 * unbound, which widens a token whose account field is plainly broken.
 */
export function boundAccountOf(record: TokenRecord): string | null | undefined {
	const account = record['account'];
	if (account === undefined || account === null || account === '') {
		return undefined;
	}

	return typeof account === 'string' ? account : null;
}

/**
 * The `{account}` of the index key `iat:{account}` (compatibility §1.2), as EmailEngine forms it: a truthy
 * account, as JavaScript's template literals turn it into text (an integer 12345 is indexed under
 * `iat:12345`); undefined for an unbound token, indexed under `iat`.
 */
export function indexAccountOf(record: TokenRecord): string | undefined {
	const account = record['account'];
	return account ? asText(account) : undefined;
}

/** `${value}` for what msgpack decodes to, without running anything a hostile map could define. */
function asText(value: unknown): string {
	if (value instanceof Uint8Array) {
		// EmailEngine decodes bin as a Buffer, whose text is its UTF-8.
		return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
	}

	if (Array.isArray(value)) {
		return value.map(item => (item === null || item === undefined ? '' : asText(item))).join(',');
	}

	return typeof value === 'object' && value !== null && !(value instanceof Date) ? '[object Object]' : String(value);
}

export const scopesOf = (record: TokenRecord): string[] | undefined => {
	const scopes = record['scopes'];
	return Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : undefined;
};

export const stringField = (record: TokenRecord, key: string): string | undefined => {
	const value = record[key];
	return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Last use (compatibility §1.6): `{time, ip}`; a missing value, or the empty map every new token gets,
 * reads as never used. A value that is there but cannot be read (not a map, undecodable, oversized, a
 * time that is no time) is `unreadable`: when the token was last used is unknown, so nothing may take
 * it for never used (a `revoke --query is:never-used` would otherwise remove a token in use).
 */
export type LastUse = {time: number | null; ip: string | null; unreadable?: true};

/** The largest last-use value read: `{time, ip}` takes about 30 bytes. */
export const MAX_ACCESS_BYTES = 4096;

/** One shared, frozen value for every token that was never used: most of a large instance. */
const NEVER_USED: LastUse = Object.freeze({time: null, ip: null});
const UNREADABLE_USE: LastUse = Object.freeze({time: null, ip: null, unreadable: true});

export function decodeLastUse(bytes: Uint8Array | null | undefined): LastUse | undefined {
	if (!bytes) {
		return undefined;
	}

	// The fresh access record (0x80, an empty map) needs no decoder and no new object.
	if (bytes.length === 1 && bytes[0] === 0x80) {
		return NEVER_USED;
	}

	// A time and an address: anything much larger, or nested, is not a last use.
	if (bytes.length > MAX_ACCESS_BYTES) {
		return UNREADABLE_USE;
	}

	try {
		checkMsgpackShape(bytes);
		const value = decodeFirstMsgpack(bytes);
		if (!isPlainMap(value)) {
			return UNREADABLE_USE;
		}

		const stored = value['time'];
		const time = toMillis(stored) ?? null;
		if (time === null && (stored === undefined ? Object.keys(value).length > 0 : stored !== null)) {
			return UNREADABLE_USE;
		}

		return {time, ip: typeof value['ip'] === 'string' ? value['ip'] : null};
	} catch {
		return UNREADABLE_USE;
	}
}

/** The access value EmailEngine writes on each authenticated request: keys `time` then `ip`. */
export const encodeLastUse = (time: number, ip: string | null): Buffer => Buffer.from(encodeMsgpack({time, ip}));

/** The fresh access record written with every new token: an empty map, the single byte 0x80. */
export const EMPTY_ACCESS = Buffer.from([0x80]);
