import {
	QUERY_TERMS,
	QUERY_WORDS_HELP,
	type StoredEntry,
	type TokenSummary,
	entriesJson,
	parseQuery,
	parseScopeFilter,
	unreadableReason,
} from '../tokens/index.js';
import type {UnreadableRecord} from '../store/index.js';
import {COLUMNS, ID_SHOWN, displayText, layoutColumns} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type OutputStream, defineCommand, jsonFlag} from './command.js';
import {listingWarnings} from './listing-warnings.js';
import {writeEscapedJsonBodies, writeLines} from './output.js';
import {CLI_JSON} from './safe-json.js';

/** How much of the id a terminal shows, and what stands between two columns. */
const GAP = '  ';

export const listCommand = defineCommand({
	name: 'list',
	usage: `
	Usage
	  $ ee-tokens list [--json] [--account A] [--scope S] [--query Q] [--all]

	Options
	  --account      Only tokens bound to this account
	  --scope        Only tokens that list this scope (a * token does not match "api")
	  --query        Only tokens matching this filter (all of its words and terms; see Query)
	  --all          Include expired tokens (hidden by default, as EmailEngine hides them)
	  --json         A JSON array in EmailEngine's REST listing shape
	  --dbs.redis    Redis URL

	Sorted by id, descending, as EmailEngine lists them.

	Query (the app's / filter speaks the same language)
${QUERY_TERMS.map(term => `	  ${term.example.padEnd(21)}${term.help}`).join('\n')}
	  ${QUERY_WORDS_HELP}
	  Durations: s m h d w y; dates: 2026-01-01 (UTC) or 2026-01-01T09:00Z.
	  is:expired includes expired tokens without --all.

	Examples
	  $ ee-tokens list
	  $ ee-tokens list --json --scope metrics | jq -r '.[].id'
	  $ ee-tokens list --query 'scope:api unused:>90d'
`,
	flags: {
		account: {type: 'string'},
		scope: {type: 'string'},
		query: {type: 'string'},
		all: {type: 'boolean', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		const warnings = listingWarnings(context.say);
		const filters = {
			account: flags.account,
			scope: parseScopeFilter(flags.scope),
			// The filter language, not EmailEngine's substring search (which `serve` keeps).
			where: flags.query === undefined ? undefined : parseQuery(flags.query),
			includeExpired: flags.all,
			onUnreadable: warnings.onUnreadable,
			onUnusable: warnings.onUnusable,
		};
		if (flags.json) {
			// Every Redis read is done before the first chunk comes, so a failure leaves no half array.
			await context.withStore(async ({store}) =>
				writeEscapedJsonBodies(context.stdout, entriesAsJson(store.listBytesInChunks(filters), warnings.onUnreadable)),
			);
		} else {
			// A table shows a few fields of each token: summaries, not whole records.
			const summaries = await context.withStore(async ({store}) => store.summaries(filters));
			// Cell widths (string-width's tables) load only for the table, not for --json.
			writeTable(context.stdout, summaries, context.now(), await import('../format/cells.js'));
			if (context.stdout.isTTY) {
				context.say(`${summaries.length.toLocaleString('en-US')} token${summaries.length === 1 ? '' : 's'}`);
			}
		}

		warnings.finish();
		return EXIT.ok;
	},
});

/**
 * On a terminal the table fits the window: the id is cut to 12 characters, and the columns and
 * their widths follow the app's rule (format/columns.ts), each column no wider than its content.
 * Into a pipe every value is whole (up to DISPLAY_LIMIT characters, beyond EmailEngine's own
 * limits), one row per line, columns separated by two spaces.
 */
export function writeTable(
	stream: OutputStream,
	tokens: readonly TokenSummary[],
	now: number,
	{fit, textWidth}: Pick<typeof import('../format/cells.js'), 'fit' | 'textWidth'>,
): void {
	const tty = Boolean(stream.isTTY);
	const header = ['Id', ...COLUMNS.map(column => column.title)];
	// Column texts are already display text (format/columns.ts); the id is the hash field, which any
	// writer to Redis may have made a megabyte of escape sequences, so it goes through the same door.
	const rows = tokens.map(token => [
		displayText(tty ? token.id.slice(0, ID_SHOWN) : token.id),
		...COLUMNS.map(column => column.text(token, now)),
	]);
	// A loop, not Math.max(...cells): 100,000 arguments overflow the stack.
	const widths = header.map(title => title.length);
	for (const row of rows) {
		for (const [index, cell] of row.entries()) {
			widths[index] = Math.max(widths[index]!, textWidth(cell));
		}
	}

	// Index 0 is the id; the columns of COLUMNS follow it.
	let shown = header.map((_, index) => ({index, width: widths[index]!}));
	if (tty) {
		const layout = layoutColumns(stream.columns || 120, {lead: ID_SHOWN + GAP.length, gap: GAP.length, natural: widths.slice(1)});
		shown = [{index: 0, width: ID_SHOWN}, ...layout.map(({column, width}) => ({index: column + 1, width}))];
	}

	const format = (row: string[]) =>
		shown
			.map(({index, width}) => fit(row[index]!, width))
			.join(GAP)
			.trimEnd();
	writeLines(stream, [format(header), ...rows.map(format)]);
}

/**
 * The listing's chunks in EmailEngine's REST listing shape (entryToJson), as escaped JSON text
 * written straight from each token's stored bytes (entriesJson).
 */
async function* entriesAsJson(
	chunks: AsyncIterable<StoredEntry[]>,
	onUnreadable: (record: UnreadableRecord) => void,
): AsyncGenerator<Buffer> {
	for await (const chunk of chunks) {
		// The listing selects readable records only, so this is a guard.
		yield entriesJson(chunk, CLI_JSON, id => {
			onUnreadable({id, reason: unreadableReason(chunk.find(entry => entry.id === id)!.record) ?? 'unreadable'});
		});
	}
}
