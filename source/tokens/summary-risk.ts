import {type Finding, type Level, highestLevel, reviewToken} from './findings.js';
import {problemIsAbout} from './record-shape.js';
import type {TokenRecord} from './record.js';
import {type TokenSummary, lastUseOfSummary} from './summary.js';

/**
 * Review on a table's row (the app's risk marker, `risk:` in the filter language): the same
 * reviewToken() as `ee-tokens review`, given the record as far as review reads it. A summary holds
 * every field review reads of a plain record (account, scopes, created, expires, last use); the
 * rest (restrictions, permissions, metadata, or the whole record when it has a problem) is its
 * `review` field, so no rule is written twice and no record is decoded twice.
 */

/** The account whose existence review asks about, or undefined for none (unbound, or no usable record). */
export const reviewedAccountOf = (summary: TokenSummary): string | undefined =>
	summary.problem === undefined ? summary.account : undefined;

/**
 * The record as far as review reads it: a plain summary's fields (its description too, which
 * review prints) with its `review` fields; the whole record when the summary has a problem (its
 * `review` field is then the record).
 */
export function reviewedRecordOf(summary: TokenSummary): TokenRecord {
	return summary.problem === undefined
		? {
				description: summary.description,
				account: summary.account,
				scopes: summary.scopes,
				created: summary.created,
				expires: summary.expires,
				// Last: a time kept as stored (a Date) is what review reads, not its number.
				...summary.review,
			}
		: (summary.review ?? {});
}

export function summaryFindings(summary: TokenSummary, accountExists: boolean | undefined, now: number): Finding[] {
	if (problemIsAbout(summary.problem, 'record')) {
		return reviewToken({record: undefined, unreadable: summary.problem, now});
	}

	return reviewToken({record: reviewedRecordOf(summary), lastUse: lastUseOfSummary(summary.lastUsed), accountExists, now});
}

/** The most severe level of a row's findings; null when it has none. */
export const summaryRisk = (summary: TokenSummary, accountExists: boolean | undefined, now: number): Level | null =>
	highestLevel(summaryFindings(summary, accountExists, now)) ?? null;
