import {isoTime} from './display.js';
import {type LastUse, type TokenRecord, accountOf, toMillis} from './record.js';

/** One token as every front end sees it: the id, its stored record and its last use. */
export type TokenEntry = {
	id: string;
	record: TokenRecord;
	lastUse?: LastUse;
};

/** Dates as ISO text; one no Date can hold is null, as EmailEngine's JSON shows an invalid Date. */
const iso = (value: unknown): unknown => {
	const ms = toMillis(value);
	return ms === undefined ? value : (isoTime(ms) ?? null);
};

/**
 * The JSON shape of EmailEngine's REST listing (spec §7): `id`, then `account` (null when unbound),
 * then the record's own fields, dates as ISO strings, `access` when a last-use record exists.
 */
export function entryToJson(entry: TokenEntry): Record<string, unknown> {
	const json: Record<string, unknown> = {id: entry.id, account: accountOf(entry.record) ?? null};
	const {record} = entry;
	// for…in rather than Object.entries: this runs once per token in a 100,000-token listing.
	for (const key in record) {
		if (key !== 'account' && key !== 'id' && Object.hasOwn(record, key)) {
			json[key] = key === 'created' || key === 'expires' ? iso(record[key]) : record[key];
		}
	}

	if (entry.lastUse) {
		json['access'] = {
			time: entry.lastUse.time === null ? null : (isoTime(entry.lastUse.time) ?? null),
			ip: entry.lastUse.ip,
		};
	}

	return json;
}
