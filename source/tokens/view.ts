import {isoTime} from './time.js';
import {type LastUse, type TokenRecord, toMillis} from './record.js';

/** One token as every front end sees it: the id, its stored record and its last use. */
export type TokenEntry = {
	id: string;
	record: TokenRecord;
	lastUse?: LastUse;
	/**
	 * Set when the stored record cannot be read (why); `record` then holds only what could be read
	 * of it without decoding (shallowFields). Only revoking returns such entries.
	 */
	unreadable?: string;
};

/** Dates as ISO text; one no Date can hold is null, as EmailEngine's JSON shows an invalid Date. */
const iso = (value: unknown): unknown => {
	const ms = toMillis(value);
	return ms === undefined ? value : (isoTime(ms) ?? null);
};

/**
 * The `account` of the JSON shapes: null when unbound (absent, nil or empty), else the stored value
 * as it is, so an integer account shows as a number, as EmailEngine shows it (compatibility §2).
 */
export function jsonAccount(record: TokenRecord): unknown {
	const account = record['account'];
	return account === undefined || account === null || account === '' ? null : account;
}

/**
 * How the CLI's JSON differs from serve's REST bodies: a stored last use that cannot be read is
 * `access: {time: null, ip: null}` in EmailEngine's shape, the same as "never used", so a script
 * reading the CLI's output is told which one it is (`"unreadable": true`); serve's bodies stay
 * EmailEngine's (README "Records that are broken or hostile").
 */
export type JsonOptions = {sayUnreadableUse?: boolean};

export const accessJson = (lastUse: LastUse | undefined, {sayUnreadableUse = false}: JsonOptions) => ({
	time: lastUse?.time === undefined || lastUse.time === null ? null : (isoTime(lastUse.time) ?? null),
	ip: lastUse?.ip ?? null,
	...(sayUnreadableUse && lastUse?.unreadable ? {unreadable: true} : {}),
});

/**
 * The JSON shape of EmailEngine's REST listing (compatibility §7): `id`, then `account` (null when unbound),
 * then the record's own fields, dates as ISO strings, `access` when a last-use record exists.
 */
export function entryToJson(entry: TokenEntry, options: JsonOptions = {}): Record<string, unknown> {
	const json: Record<string, unknown> = {id: entry.id, account: jsonAccount(entry.record)};
	const {record} = entry;
	// for…in rather than Object.entries: this runs once per token in a 100,000-token listing.
	for (const key in record) {
		if (key !== 'account' && key !== 'id' && Object.hasOwn(record, key)) {
			json[key] = key === 'created' || key === 'expires' ? iso(record[key]) : record[key];
		}
	}

	if (entry.lastUse) {
		json['access'] = accessJson(entry.lastUse, options);
	}

	return json;
}

/** The fields of GET /v1/tokens/{id}, in EmailEngine's order (compatibility §7). */
const DETAIL_FIELDS = ['description', 'metadata', 'ip', 'remoteAddress', 'scopes', 'restrictions', 'permissions', 'created', 'expires'];

/**
 * EmailEngine's body for one token (GET /v1/tokens/{id}, `show --json`): `id`, `account` (null when
 * unbound), then only the fields the record has, in a fixed order, dates as ISO text, and `access`
 * (`{time: null, ip: null}` for a token never used). Fields EmailEngine does not name are left out.
 */
export function tokenDetailsJson(entry: TokenEntry, options: JsonOptions = {}): Record<string, unknown> {
	const {record} = entry;
	const json: Record<string, unknown> = {id: entry.id, account: jsonAccount(record)};
	for (const key of DETAIL_FIELDS) {
		// Absent fields are left out; a nil one shows as null, except `expires`, shown only when set.
		if (Object.hasOwn(record, key) && record[key] !== undefined && (key !== 'expires' || record[key])) {
			json[key] = key === 'created' || key === 'expires' ? iso(record[key]) : record[key];
		}
	}

	json['access'] = accessJson(entry.lastUse, options);
	return json;
}
