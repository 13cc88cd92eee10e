import {TokenError} from './errors.js';
import {LAST_FOUR_DIGIT_YEAR} from './time.js';
import {quoteTyped} from './typed-text.js';

/**
 * `--expires` and the wizard's expiry field: a duration, or a strict ISO 8601 date or date-time.
 *
 * Date.parse is not used: it reads `2027-01-15 oct` as October 1st, `2099-01-01junk` as some June,
 * rolls `2027-02-29` over to March 1st, and takes a time without a zone as local time while a bare
 * date is UTC. The rule here is one grammar, one zone rule and a round trip:
 * - a date alone (2027-01-15) is 00:00 UTC that day, as EmailEngine's REST API reads it;
 * - a date-time must say its zone (Z or ±hh:mm): a time with no zone is refused, not guessed;
 * - the instant, printed back in the zone typed, must read exactly as typed, so no impossible
 *   date or time (February 29th of 2027, 24:00, a leap second) is quietly moved to another one.
 * A library (Temporal, luxon) would add a dependency and start-up time to every command for a
 * grammar this small, and luxon reads a zoneless time as local.
 */
export const EXPIRY_RULE =
	'a duration (30d, 12h, 90m, 2w, 1y) or an ISO 8601 date (2027-01-15, which is 00:00 UTC) or date-time with its zone (2027-01-15T09:00Z, 2027-01-15T09:00+02:00)';

const UNIT_MS: Record<string, number> = {
	s: 1000,
	m: 60 * 1000,
	h: 60 * 60 * 1000,
	d: 24 * 60 * 60 * 1000,
	w: 7 * 24 * 60 * 60 * 1000,
	y: 365 * 24 * 60 * 60 * 1000,
};

/** Lower-case units only: `1M` would otherwise be one minute to someone who meant a month. */
const DURATION = /^(\d+)\s*([smhdwy])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

const usage = (message: string) => new TokenError('usage', message);
const pad = (value: number, width: number) => String(value).padStart(width, '0');

export function parseExpiry(value: string, now: number): number {
	const text = value.trim();
	const invalid = (why: string) => usage(`Invalid expiry ${quoteTyped(text)}: ${why}`);
	const expires = durationEnd(text, now) ?? isoInstant(text, invalid);
	if (expires === undefined) {
		throw invalid(`use ${EXPIRY_RULE}`);
	}

	if (expires > LAST_FOUR_DIGIT_YEAR) {
		throw invalid('later than 9999-12-31');
	}

	if (expires <= now) {
		throw usage(`Expiry ${new Date(expires).toISOString()} is not in the future`);
	}

	return expires;
}

/**
 * An expiry reckoned from another (an extension, a lifetime carried over by rotation), held to the
 * same last day parseExpiry holds a typed one to: past 9999 no ISO time can say it.
 */
export function reckonedExpiry(expires: number, what: string): number {
	if (!Number.isFinite(expires) || expires > LAST_FOUR_DIGIT_YEAR) {
		throw usage(`${what} would expire later than 9999-12-31; give an earlier expiry`);
	}

	return expires;
}

/**
 * `--created-before`: the same grammar read backwards, an instant in the past. A duration is how
 * long ago (90d: created more than 90 days ago); a date or date-time is that instant.
 */
export function parseCutoff(value: string, now: number, flag: string): number {
	const text = value.trim();
	const invalid = (why: string) => usage(`Invalid ${flag} ${quoteTyped(text)}: ${why}`);
	const duration = DURATION.exec(text);
	const cutoff = duration ? now - Number(duration[1]) * UNIT_MS[duration[2]!]! : isoInstant(text, invalid);
	if (cutoff === undefined || !Number.isFinite(cutoff)) {
		throw invalid(`use ${EXPIRY_RULE}`);
	}

	return cutoff;
}

function durationEnd(text: string, now: number): number | undefined {
	const length = durationMs(text);
	return length === undefined ? undefined : now + length;
}

/** The longest duration taken (`--grace`, `--extend`): up to the last four-digit year from 1970. */
const MAX_DURATION = LAST_FOUR_DIGIT_YEAR;

/**
 * A length of time in ms, in `--expires`'s duration grammar (30d, 12h, 90m, 2w, 1y), for
 * `rotate --grace` and `edit --extend`. `0` alone is allowed where `zero` says so (`--grace 0`:
 * at once); anything else without a unit is refused, as `--expires 30` is.
 */
export function parseDuration(value: string, flag: string, options: {zero?: boolean} = {}): number {
	const text = value.trim();
	if (options.zero && text === '0') {
		return 0;
	}

	const length = durationMs(text);
	if (length === undefined || length > MAX_DURATION || (length === 0 && !options.zero)) {
		throw usage(
			`Invalid ${flag} ${quoteTyped(text)}: use a duration such as 30d, 12h, 90m, 2w or 1y (units s m h d w y, lower case)${options.zero ? ', or 0' : ''}`,
		);
	}

	return length;
}

/** A duration of EXPIRY_RULE's units (30d, 12h, 2w…) in milliseconds, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
	const match = DURATION.exec(text);
	return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/**
 * An ISO 8601 date or date-time of EXPIRY_RULE's grammar as milliseconds, undefined when the text
 * has neither shape; `invalid` makes the error for one that has the shape but is no real instant.
 */
export function isoInstant(text: string, invalid: (why: string) => TokenError): number | undefined {
	const date = DATE.exec(text);
	const parts = date ? [...date.slice(1, 4), '00', '00', undefined, undefined, 'Z'] : DATE_TIME.exec(text)?.slice(1);
	if (!parts) {
		return undefined;
	}

	const [year, month, day, hours, minutes, seconds, fraction, zone] = parts;
	if (zone === undefined) {
		throw invalid(`a time needs its zone: ${text}Z for UTC, or an offset such as ${text}+02:00`);
	}

	const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
	// setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
	const wall = new Date(0);
	wall.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
	wall.setUTCHours(Number(hours), Number(minutes), Number(seconds ?? 0), Number((fraction ?? '').padEnd(3, '0')));
	// Printed back in the zone typed, with the precision typed, it must be what was typed.
	const printed =
		`${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}` +
		(date
			? ''
			: `T${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}` +
				(seconds === undefined ? '' : `:${pad(wall.getUTCSeconds(), 2)}`) +
				(fraction === undefined ? '' : `.${pad(wall.getUTCMilliseconds(), 3).slice(0, fraction.length)}`) +
				zone);
	const offsetOk = Math.abs(offsetMinutes) < 24 * 60 && Number(zone.slice(4, 6) || 0) < 60;
	if (printed !== text || !offsetOk) {
		throw invalid('no such date or time');
	}

	return wall.getTime() - offsetMinutes * 60_000;
}
