/**
 * Times as EmailEngine's JSON writes them: ISO text, and no exception for a time no Date holds
 * (records come from anywhere that can write to Redis).
 */

/** The furthest a Date reaches from 1970, either way (ECMAScript TimeClip): beyond it no calendar date exists. */
const MAX_TIME = 8.64e15;

/** Whether a Date can hold this time at all. */
export const isCalendarTime = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME;

const pad2 = (value: number) => (value < 10 ? `0${value}` : `${value}`);
const pad3 = (value: number) => (value < 10 ? `00${value}` : value < 100 ? `0${value}` : `${value}`);
const DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
export const LAST_FOUR_DIGIT_YEAR = 253_402_300_799_999;

/**
 * `toISOString()` of a time in ms, or undefined when no Date can hold it: times come from Redis,
 * and `new Date(1e300).toISOString()` throws. Whole milliseconds from 1970 to 9999 (every real
 * token) are formatted here with the civil-from-days arithmetic, three times faster than a Date,
 * which a 100,000-token JSON listing notices; anything else goes through a Date.
 */
export function isoTime(ms: number): string | undefined {
	if (!isCalendarTime(ms)) {
		return undefined;
	}

	if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR) {
		return new Date(ms).toISOString();
	}

	const days = Math.floor(ms / DAY);
	let rest = ms - days * DAY;
	// Howard Hinnant's days_from_civil, inverted: eras of 400 years, years starting in March.
	const shifted = days + 719_468;
	const era = Math.floor(shifted / 146_097);
	const dayOfEra = shifted - era * 146_097;
	const yearOfEra = Math.floor(
		(dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
	);
	const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
	const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	const hours = Math.floor(rest / 3_600_000);
	rest -= hours * 3_600_000;
	const minutes = Math.floor(rest / 60_000);
	rest -= minutes * 60_000;
	const seconds = Math.floor(rest / 1000);
	return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
}
