import {decodeFirstMsgpack, encodeMsgpack, isPlainMap} from './msgpack.js';

export type RateLimit = {maxRequests: number; timeWindow: number};

export type Restrictions = {
	referrers?: string[] | null;
	addresses?: string[] | null;
	rateLimit?: RateLimit | null;
};

/**
 * A stored token record (spec §2). Imported records keep whatever keys their export string had, so
 * the type is open; the known keys are typed loosely because EmailEngine itself stores an integer
 * account in one CLI path and nil restriction keys in another.
 */
export type TokenRecord = Record<string, unknown>;

/** What `issue` takes; everything optional is omitted from the record when empty (spec §2). */
export type NewToken = {
	created: number;
	expires?: number;
	account?: string;
	ip?: string;
	remoteAddress?: string;
	scopes: string[];
	description: string;
	restrictions?: Restrictions;
	/** REST-issued root tokens only (spec §6.4): which groups and actions they may use. */
	permissions?: Record<string, unknown>;
	metadata?: string;
};

/** The record EmailEngine's provision() writes: keys in its order, each only when truthy. */
export function buildRecord(token: NewToken): TokenRecord {
	const record: TokenRecord = {created: token.created};
	const optional: Array<[string, unknown]> = [
		['expires', token.expires],
		['account', token.account],
		['ip', token.ip],
		['remoteAddress', token.remoteAddress],
		['scopes', token.scopes],
		['description', token.description],
		['restrictions', token.restrictions && Object.keys(token.restrictions).length > 0 ? token.restrictions : undefined],
		['permissions', token.permissions],
		['metadata', token.metadata],
	];
	for (const [key, value] of optional) {
		if (value) {
			record[key] = value;
		}
	}

	return record;
}

export const encodeRecord = (record: TokenRecord): Buffer => Buffer.from(encodeMsgpack(record));

/** Decodes a stored value; anything that is not a map is as good as no record. */
export function decodeRecord(bytes: Uint8Array): TokenRecord {
	const value = decodeFirstMsgpack(bytes);
	if (!isPlainMap(value)) {
		throw new TypeError('token record is not a map');
	}

	return value;
}

/** Integer milliseconds, whichever way a record or export string carried it. */
export function toMillis(value: unknown): number | undefined {
	if (value instanceof Date) {
		// An invalid Date (a timestamp beyond what a Date holds) is no time at all.
		return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	}

	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Spec §1.8: expired when `expires` is truthy and now >= expires. */
export function isExpired(record: TokenRecord, now: number): boolean {
	const expires = toMillis(record['expires']);
	return Boolean(expires) && now >= expires!;
}

/** Account ids are strings, but EmailEngine's CLI can store an integer (spec §4); both read as text. */
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

export const scopesOf = (record: TokenRecord): string[] | undefined => {
	const scopes = record['scopes'];
	return Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : undefined;
};

export const stringField = (record: TokenRecord, key: string): string | undefined => {
	const value = record[key];
	return typeof value === 'string' && value !== '' ? value : undefined;
};

export function restrictionsOf(record: TokenRecord): Restrictions | undefined {
	const restrictions = record['restrictions'];
	return isPlainMap(restrictions) ? (restrictions as Restrictions) : undefined;
}

/** Last use (spec §1.6): `{time, ip}`; a missing or undecodable value reads as never used. */
export type LastUse = {time: number | null; ip: string | null};

/** One shared, frozen value for every token that was never used: most of a large instance. */
const NEVER_USED: LastUse = Object.freeze({time: null, ip: null});

export function decodeLastUse(bytes: Uint8Array | null | undefined): LastUse | undefined {
	if (!bytes) {
		return undefined;
	}

	// The fresh access record (0x80, an empty map) needs no decoder and no new object.
	if (bytes.length === 1 && bytes[0] === 0x80) {
		return NEVER_USED;
	}

	try {
		const value = decodeFirstMsgpack(bytes);
		if (!isPlainMap(value)) {
			return NEVER_USED;
		}

		return {time: toMillis(value['time']) ?? null, ip: typeof value['ip'] === 'string' ? value['ip'] : null};
	} catch {
		return NEVER_USED;
	}
}

/** The access value EmailEngine writes on each authenticated request: keys `time` then `ip`. */
export const encodeLastUse = (time: number, ip: string | null): Buffer =>
	Buffer.from(encodeMsgpack({time, ip}));

/** The fresh access record written with every new token: an empty map, the single byte 0x80. */
export const EMPTY_ACCESS = Buffer.from([0x80]);
