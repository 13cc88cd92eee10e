import {
	DEFAULT_OLDER_DAYS,
	DEFAULT_UNUSED_DAYS,
	type Finding,
	LEVELS,
	type Level,
	type ReviewOptions,
	type ReviewedToken,
	TokenError,
	atLeast,
	escapeUnsafe,
	highestLevel,
	isLevel,
	jsonAccount,
	quoteTyped,
	reviewToken,
	sortBySeverity,
} from '../tokens/index.js';
import {REVIEW_CSV_HEADER, reviewCsvLines, reviewTableLines} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type OutputStream, defineCommand, jsonFlag} from './command.js';
import {writeEscapedJsonBodies, writeLines} from './output.js';

/** The most days either threshold takes: a hundred years is already "never". */
const MAX_DAYS = 36_500;
const FORMATS = ['table', 'json', 'csv'] as const;
/** A reviewed token with its highest level, reckoned once (undefined: no findings). */
type Leveled = ReviewedToken & {level: Level | undefined};
type Format = (typeof FORMATS)[number];

export const reviewCommand = defineCommand({
	name: 'review',
	usage: `
	Usage
	  $ ee-tokens review [--unused-days 90] [--older-days 365] [--json | --format csv]
	                     [--fail-on high|medium|low] [--account A]

	Options
	  --unused-days  A token not used for this many days is a finding (default 90)
	  --older-days   A token created this many days ago is a finding (default 365)
	  --json         One JSON object per token: id, description, account, level, findings
	  --format       table (default), json or csv (one row per finding)
	  --fail-on      Exit 9 when any finding is at this level or above: high, medium or low
	  --account      Only tokens bound to this account
	  --dbs.redis    Redis URL

	Every stored token is reviewed, expired ones and unreadable records too, most
	severe first. Tokens without findings are left out and counted on stderr.
	Review only reads: nothing in Redis is changed.

	Levels
	  high    every scope (*) or the api scope on every account, unnarrowed
	  medium  * on one account, unused for --unused-days, never used that long,
	          expiring within 7 days, bound to a deleted account, restrictions that
	          allow everything, a record that can never authenticate
	  low     no expiry, older than --older-days, expired but still stored, an MCP
	          agent token, not used yet

	Examples
	  $ ee-tokens review
	  $ ee-tokens review --fail-on high --unused-days 45 > /dev/null
	  $ ee-tokens review --format csv > review.csv
`,
	flags: {
		unusedDays: {type: 'number'},
		olderDays: {type: 'number'},
		format: {type: 'string'},
		failOn: {type: 'string'},
		account: {type: 'string'},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		// Every flag is checked before Redis is opened.
		const options: Required<ReviewOptions> = {
			unusedDays: days('--unused-days', flags.unusedDays, DEFAULT_UNUSED_DAYS),
			olderDays: days('--older-days', flags.olderDays, DEFAULT_OLDER_DAYS),
		};
		const format = formatOf(flags.format, flags.json);
		const failOn = failLevel(flags.failOn);
		const now = context.now();
		// Each token is reviewed as soon as it is read, and only its findings (and their level) are kept.
		const all = await context.withStore(async ({store}) =>
			store.reviewEach({account: flags.account}, ({id, record, unreadable, lastUse, accountExists}): Leveled => {
				const findings = reviewToken({record, unreadable, lastUse, accountExists, now}, options);
				return findings.length === 0
					? {id, description: undefined, account: null, findings, level: undefined}
					: {
							id,
							description: record?.['description'],
							account: record ? jsonAccount(record) : null,
							findings,
							level: highestLevel(findings),
						};
			}),
		);
		const total = all.length;
		const reviewed = all.filter(token => token.level !== undefined);
		sortBySeverity(reviewed, token => token.level);
		await write(context.stdout, format, reviewed);
		context.say(summary(total, reviewed));
		return failOn !== undefined && reviewed.some(token => atLeast(token.level, failOn)) ? EXIT.findings : EXIT.ok;
	},
});

async function write(stream: OutputStream, format: Format, reviewed: ReviewedToken[]): Promise<void> {
	if (format === 'json') {
		await writeEscapedJsonBodies(stream, asJson(reviewed));
	} else if (format === 'csv') {
		writeLines(stream, [REVIEW_CSV_HEADER, ...reviewCsvLines(reviewed)]);
	} else if (reviewed.length > 0) {
		// Cell widths (string-width's tables) load only for the table.
		const width = stream.isTTY ? Math.max(40, stream.columns || 80) : 80;
		writeLines(stream, reviewTableLines(reviewed, width, await import('../format/cells.js')));
	}
}

/**
 * The review as JSON, one object a line, a thousand a chunk, each chunk one buffer of UTF-8 bytes,
 * already escaped (escapeUnsafe). Each object is written by hand, in the order JSON.stringify would
 * write it: at a million tokens that costs a fraction of stringifying the objects, as most findings
 * are shared (findings.ts) and made bytes once, then copied. Only what came from Redis (id,
 * description, account) and each finding's text (made once) are escaped, not the 475 MB of the
 * whole: escapeUnsafe replaces single characters, and the text around those parts has none to
 * replace, so the bytes are the same. Written as bytes, not joined as text: joining a chunk's
 * strings and encoding the result as UTF-8 again were half of a million-token review's time.
 */
function* asJson(reviewed: readonly ReviewedToken[]): Generator<Buffer> {
	for (let start = 0; start < reviewed.length; start += 1000) {
		const tokens = reviewed.slice(start, start + 1000);
		const stored: string[] = [];
		const rest: Buffer[] = [];
		// Each line's bytes, at most: a UTF-16 unit is at most 3 bytes of UTF-8, and ",\n" between lines.
		let size = 0;
		for (const {id, description, account, findings} of tokens) {
			const text = escapeUnsafe(
				`{"id":${JSON.stringify(id)},"description":${JSON.stringify(description ?? null)},"account":${JSON.stringify(account)}`,
			);
			const bytes = findingsJson(findings);
			stored.push(text);
			rest.push(bytes);
			size += text.length * 3 + bytes.length + 2;
		}

		const out = Buffer.allocUnsafe(size);
		let at = 0;
		for (const [index, text] of stored.entries()) {
			if (index > 0) {
				at = out.write(',\n', at, 'latin1') + at;
			}

			at += out.write(text, at, 'utf8');
			at += rest[index]!.copy(out, at);
		}

		yield out.subarray(0, at);
	}
}

/**
 * The rest of a token's line after its account (its level and findings, escaped, as UTF-8), made
 * once per list of findings: most tokens share a few lists of the same finding objects
 * (findings.ts), so the bytes are looked up along the list, a finding at a time, rather than made
 * again. Bounded, since a finding that names a date or a count can be of one token alone.
 */
type FindingsText = {bytes?: Buffer; next: Map<Finding, FindingsText>};
const findingsTexts: FindingsText = {next: new Map()};
let findingsTextsKept = 0;
const MAX_FINDINGS_TEXTS = 10_000;

function findingsJson(findings: readonly Finding[]): Buffer {
	let node = findingsTexts;
	for (const finding of findings) {
		let next = node.next.get(finding);
		if (!next) {
			if (findingsTextsKept >= MAX_FINDINGS_TEXTS) {
				return findingsBytes(findings);
			}

			next = {next: new Map()};
			node.next.set(finding, next);
			findingsTextsKept++;
		}

		node = next;
	}

	node.bytes ??= findingsBytes(findings);
	return node.bytes;
}

const findingsBytes = (findings: readonly Finding[]): Buffer =>
	Buffer.from(
		`,"level":${JSON.stringify(highestLevel(findings))},"findings":[${findings.map(finding => escapeUnsafe(JSON.stringify(finding))).join(',')}]}`,
	);

/** "Reviewed 1,204 tokens: 3 high, 40 medium, 2 low, 1,159 without findings." */
function summary(total: number, reviewed: readonly Leveled[]): string {
	const counts = new Map<Level, number>(LEVELS.map(level => [level, 0]));
	for (const {level} of reviewed) {
		counts.set(level!, counts.get(level!)! + 1);
	}

	const count = (value: number) => value.toLocaleString('en-US');
	const levels = LEVELS.map(level => `${count(counts.get(level)!)} ${level}`).join(', ');
	return `Reviewed ${count(total)} token${total === 1 ? '' : 's'}: ${levels}, ${count(total - reviewed.length)} without findings.`;
}

const usage = (message: string) => new TokenError('usage', message);

function days(flag: string, value: number | undefined, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isSafeInteger(value) || value < 1 || value > MAX_DAYS) {
		throw usage(`${flag} takes a number of days from 1 to ${MAX_DAYS.toLocaleString('en-US')}`);
	}

	return value;
}

function formatOf(format: string | undefined, json: boolean): Format {
	if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
		throw usage(`--format takes table, json or csv, not ${quoteTyped(format)}`);
	}

	if (json && format !== undefined && format !== 'json') {
		throw usage(`--json and --format ${format} ask for two formats; give one`);
	}

	return json ? 'json' : ((format as Format | undefined) ?? 'table');
}

function failLevel(value: string | undefined): Level | undefined {
	if (value !== undefined && !isLevel(value)) {
		throw usage(`--fail-on takes high, medium or low, not ${quoteTyped(value)}`);
	}

	return value;
}
