import {type TokenEntry, type TokenSummary, entryToJson} from '../tokens/index.js';
import {COLUMNS, displayText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type OutputStream, defineCommand, jsonFlag} from './command.js';
import {listingWarnings} from './listing-warnings.js';
import {escapeUnsafe} from './safe-json.js';

export const listCommand = defineCommand({
	name: 'list',
	usage: `
	Usage
	  $ ee-tokens list [--json] [--account A] [--scope S] [--query Q] [--all]

	Options
	  --account      Only tokens bound to this account
	  --scope        Only tokens that list this scope (a * token does not match "api")
	  --query        Only tokens whose id, description or account contains this (any case)
	  --all          Include expired tokens (hidden by default, as EmailEngine hides them)
	  --json         A JSON array in EmailEngine's REST listing shape
	  --dbs.redis    Redis URL

	Sorted by id, descending, as EmailEngine lists them.

	Examples
	  $ ee-tokens list
	  $ ee-tokens list --json --scope metrics | jq -r '.[].id'
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
			scope: flags.scope,
			query: flags.query,
			includeExpired: flags.all,
			onUnreadable: warnings.onUnreadable,
			onUnusable: warnings.onUnusable,
		};
		if (flags.json) {
			// Every Redis read is done before the first chunk comes, so a failure leaves no half array.
			await context.withStore(async ({store}) => writeJsonArray(context.stdout, store.listInChunks(filters)));
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
 * Streams the array as the store decodes it, a chunk at a time, instead of building the whole
 * listing (or one string of it) first.
 */
async function writeJsonArray(stream: NodeJS.WritableStream, chunks: AsyncIterable<TokenEntry[]>): Promise<void> {
	let first = true;
	for await (const chunk of chunks) {
		if (chunk.length === 0) {
			continue;
		}

		// One stringify and one escape pass per chunk, not per entry.
		const array = JSON.stringify(chunk.map(entry => entryToJson(entry)));
		const body = escapeUnsafe(array.slice(1, -1).replaceAll('},{"id":', '},\n{"id":'));
		stream.write(`${first ? '[\n' : ',\n'}${body}`);
		first = false;
	}

	stream.write(first ? '[]\n' : '\n]\n');
}

/**
 * On a terminal the table fits the window: the id is cut to 12 characters, scopes and account to
 * 24, the description to what is left (at least 11), and when even that is too wide the least
 * needed columns go (Created, then Expires, Last used, Account). Into a pipe every value is whole
 * (up to DISPLAY_LIMIT characters, beyond EmailEngine's own limits), one row per line, columns
 * separated by two spaces.
 */
function writeTable(
	stream: OutputStream,
	tokens: readonly TokenSummary[],
	now: number,
	{fit, textWidth}: typeof import('../format/cells.js'),
): void {
	const tty = Boolean(stream.isTTY);
	const header = ['Id', ...COLUMNS.map(column => column.title)];
	// Column texts are already display text (tokens/columns.ts); the id is the hash field, which any
	// writer to Redis may have made a megabyte of escape sequences, so it goes through the same door.
	const rows = tokens.map(token => [
		displayText(tty ? token.id.slice(0, 12) : token.id),
		...COLUMNS.map(column => column.text(token, now)),
	]);
	// A loop, not Math.max(...cells): 100,000 arguments overflow the stack.
	const widths = header.map(title => title.length);
	for (const row of rows) {
		for (const [index, cell] of row.entries()) {
			widths[index] = Math.max(widths[index]!, textWidth(cell));
		}
	}

	let shown = header.map((_, index) => index);
	if (tty) {
		const limit = stream.columns || 120;
		const DESCRIPTION = 1;
		for (const index of [2, 3]) {
			widths[index] = Math.min(widths[index]!, 24);
		}

		const needed = (columns: number[], description: number) =>
			columns.reduce((sum, index) => sum + (index === DESCRIPTION ? description : widths[index]!), 0) + 2 * (columns.length - 1);
		for (const title of ['Created', 'Expires', 'Last used', 'Account']) {
			if (needed(shown, 11) <= limit) {
				break;
			}

			shown = shown.filter(index => header[index] !== title);
		}

		widths[DESCRIPTION] = Math.max(11, Math.min(widths[DESCRIPTION]!, limit - needed(shown, 0)));
	}

	const format = (row: string[]) =>
		shown
			.map(index => fit(row[index]!, widths[index]!))
			.join('  ')
			.trimEnd();
	const lines = [format(header), ...rows.map(format)];
	for (let start = 0; start < lines.length; start += 1000) {
		stream.write(`${lines.slice(start, start + 1000).join('\n')}\n`);
	}
}
