import type {ReviewedToken} from '../tokens/index.js';
import {displayText, sanitizeText} from './display.js';

/**
 * How review findings read to a person (`ee-tokens review`'s table) and in a spreadsheet (its CSV).
 * The level is always a word, so the table says the same with NO_COLOR or in a mail from cron.
 */

/** What the table shows for a token's description and binding. Untrusted text, made display text. */
function tokenLine(token: ReviewedToken): string {
	if (token.findings.some(finding => finding.code === 'unreadable')) {
		// Nothing of it is known, its account included: "all accounts" would be a guess.
		return '(record cannot be read)';
	}

	const description =
		typeof token.description === 'string' && token.description !== '' ? displayText(token.description) : '(no description)';
	const account = token.account === null || token.account === undefined ? 'all accounts' : `account ${displayText(token.account)}`;
	return `${description} · ${account}`;
}

/** The level word and the gap after it: "medium" is the longest. */
const LEVEL_WIDTH = 8;
const INDENT = '  ';

type Cells = Pick<typeof import('./cells.js'), 'fit' | 'wrapWords'>;

/**
 * The review as text lines `width` cells wide (80 when not on a terminal): for each token its id,
 * then its description and account, then one finding a line (or several, wrapped), its level first;
 * a blank line between tokens. `cells` is format/cells.js, loaded by the caller only for a table.
 */
export function reviewTableLines(tokens: readonly ReviewedToken[], width: number, {fit, wrapWords}: Cells): string[] {
	const lines: string[] = [];
	const sentenceWidth = Math.max(10, width - INDENT.length - LEVEL_WIDTH);
	for (const token of tokens) {
		if (lines.length > 0) {
			lines.push('');
		}

		lines.push(fit(displayText(token.id), width).trimEnd(), `${INDENT}${fit(tokenLine(token), width - INDENT.length).trimEnd()}`);
		for (const {level, sentence} of token.findings) {
			const wrapped = wrapWords(sanitizeText(sentence), sentenceWidth, 20);
			for (const [index, line] of wrapped.entries()) {
				lines.push(`${INDENT}${(index === 0 ? level : '').padEnd(LEVEL_WIDTH)}${line}`.trimEnd());
			}
		}
	}

	return lines;
}

/**
 * CSV, one row per finding: `id,description,account,level,code,finding`. Quoting is RFC 4180's
 * (a field with a comma, a quote or a line break is quoted, quotes doubled), which is a few lines
 * here; a library would add a dependency for them. Values from Redis are display text (control
 * characters made visible, as in the table), and any field that begins with = + - @ (or a tab or
 * carriage return) is prefixed with ' so a spreadsheet shows it rather than running it as a formula.
 */
export const REVIEW_CSV_HEADER = 'id,description,account,level,code,finding';

export function reviewCsvLines(tokens: readonly ReviewedToken[]): string[] {
	const lines: string[] = [];
	for (const token of tokens) {
		const id = csvField(displayText(token.id));
		const description = csvField(typeof token.description === 'string' ? displayText(token.description) : '');
		const account = csvField(token.account === null || token.account === undefined ? '' : displayText(token.account));
		for (const {level, code, sentence} of token.findings) {
			lines.push([id, description, account, level, code, csvField(sanitizeText(sentence))].join(','));
		}
	}

	return lines;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
	const safe = FORMULA_START.test(value) ? `'${value}` : value;
	return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
