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
	highestLevel,
	isLevel,
	jsonAccount,
	quoteTyped,
	reviewToken,
	sortBySeverity,
} from '../tokens/index.js';
import type {ReviewRecord} from '../store/index.js';
import {REVIEW_CSV_HEADER, reviewCsvLines, reviewTableLines} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, type OutputStream, defineCommand, jsonFlag} from './command.js';
import {writeEscapedJsonBodies, writeLines} from './output.js';
import {ReviewJsonLines} from './review-json.js';

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
		const review = ({record, unreadable, lastUse, accountExists}: ReviewRecord) =>
			reviewToken({record, unreadable, lastUse, accountExists, now}, options);
		const counts =
			format === 'json' ? await reviewJson(context, flags.account, review) : await reviewObjects(context, flags.account, review, format);
		context.say(summary(counts));
		return failOn !== undefined && LEVELS.some(level => atLeast(level, failOn) && counts.levels.get(level)! > 0) ? EXIT.findings : EXIT.ok;
	},
});

type Review = (entry: ReviewRecord) => Finding[];

/**
 * `--json`: each token's line is made as it is reviewed and kept packed (review-json.ts), not the
 * token as objects; once every token is read, the lines are written most severe first.
 */
async function reviewJson(context: Context, account: string | undefined, review: Review): Promise<Counts> {
	const lines = new ReviewJsonLines();
	const all = await context.withStore(async ({store}) =>
		store.reviewEach(
			{account},
			entry => {
				const findings = review(entry);
				return findings.length === 0
					? lines.add(entry.id, findings, undefined, null)
					: lines.add(entry.id, findings, entry.record?.['description'], entry.record ? jsonAccount(entry.record) : null);
			},
			index => lines.id(index),
		),
	);
	const reviewed = lines.bySeverity(all);
	await writeEscapedJsonBodies(context.stdout, lines.json(reviewed));
	return levelCounts(all.length, reviewed, index => lines.level(index));
}

/** The table and CSV: each token is reviewed as soon as it is read, and only its findings (and their level) are kept. */
async function reviewObjects(
	context: Context,
	account: string | undefined,
	review: Review,
	format: Exclude<Format, 'json'>,
): Promise<Counts> {
	const all = await context.withStore(async ({store}) =>
		store.reviewEach({account}, (entry): Leveled => {
			const findings = review(entry);
			return findings.length === 0
				? {id: entry.id, description: undefined, account: null, findings, level: undefined}
				: {
						id: entry.id,
						description: entry.record?.['description'],
						account: entry.record ? jsonAccount(entry.record) : null,
						findings,
						level: highestLevel(findings),
					};
		}),
	);
	const reviewed = all.filter(token => token.level !== undefined);
	sortBySeverity(reviewed, token => token.level);
	await write(context.stdout, format, reviewed);
	return levelCounts(all.length, reviewed, token => token.level);
}

async function write(stream: OutputStream, format: Exclude<Format, 'json'>, reviewed: ReviewedToken[]): Promise<void> {
	if (format === 'csv') {
		writeLines(stream, [REVIEW_CSV_HEADER, ...reviewCsvLines(reviewed)]);
	} else if (reviewed.length > 0) {
		// Cell widths (string-width's tables) load only for the table.
		const width = stream.isTTY ? Math.max(40, stream.columns || 80) : 80;
		writeLines(stream, reviewTableLines(reviewed, width, await import('../format/cells.js')));
	}
}

/** How many tokens were reviewed, and how many of them are at each level (the rest have no findings). */
type Counts = {total: number; reviewed: number; levels: Map<Level, number>};

function levelCounts<T>(total: number, reviewed: ArrayLike<T> & Iterable<T>, levelOf: (token: T) => Level | undefined): Counts {
	const levels = new Map<Level, number>(LEVELS.map(level => [level, 0]));
	for (const token of reviewed) {
		const level = levelOf(token)!;
		levels.set(level, levels.get(level)! + 1);
	}

	return {total, reviewed: reviewed.length, levels};
}

/** "Reviewed 1,204 tokens: 3 high, 40 medium, 2 low, 1,159 without findings." */
function summary({total, reviewed, levels}: Counts): string {
	const count = (value: number) => value.toLocaleString('en-US');
	const counted = LEVELS.map(level => `${count(levels.get(level)!)} ${level}`).join(', ');
	return `Reviewed ${count(total)} token${total === 1 ? '' : 's'}: ${counted}, ${count(total - reviewed)} without findings.`;
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
