import {TokenError, importRefusal, parseQuery, parseScopeFilter} from '../tokens/index.js';
import type {ExportedToken} from '../store/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';
import {listingWarnings} from './listing-warnings.js';
import {drained, writeJsonArray, writeLines} from './output.js';

export const exportCommand = defineCommand({
	name: 'export',
	usage: `
	Usage
	  $ ee-tokens export -t ID_OR_TOKEN
	  $ ee-tokens export -t - < token.txt
	  $ ee-tokens export --all [--account A] [--scope S] [--query Q]

	Options
	  -t, --token    The token id (or its first 8+ characters) or the raw token; - reads
	                 it from stdin (typed unseen on a terminal), so a raw token stays out
	                 of argv and shell history
	  --all          Every token, one export string per line
	  --account      With --all: only tokens bound to this account
	  --scope        With --all: only tokens that list this scope
	  --query        With --all: only tokens matching this filter (list --help shows its terms)
	  --json         Print {"id","export"} objects (one JSON array)
	  --dbs.redis    Redis URL

	An export string carries the token's id and record, never the raw token: whoever imports it
	still needs the raw token to authenticate.

	Examples
	  $ ee-tokens export -t f05d76644ea39c4a2…
	  $ ee-tokens export --all > tokens.txt && ee-tokens import -t - --dbs.redis=redis://other:6379/8 < tokens.txt
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		all: {type: 'boolean', default: false},
		account: {type: 'string'},
		scope: {type: 'string'},
		query: {type: 'string'},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		if (flags.all === (flags.token !== undefined)) {
			throw new TokenError('usage', 'Give either -t ID_OR_TOKEN or --all');
		}

		// A filter with -t would be silently ignored: one token is exported whatever it says.
		const filter = (['account', 'scope', 'query'] as const).find(name => flags[name] !== undefined);
		if (!flags.all && filter) {
			throw new TokenError('usage', `--${filter} selects tokens for --all; -t exports the one token named`);
		}

		const scope = parseScopeFilter(flags.scope);
		// The filter language, as list --query speaks it: what list shows is what export writes.
		const where = flags.query === undefined ? undefined : parseQuery(flags.query);
		if (!flags.all) {
			const token = await readTokenArgument(flags.token, context);
			const {id, exportString} = await context.withStore(async ({store}) => store.exportEntry(await store.completeId(token)));
			context.stdout.write(flags.json ? `${safeJson({id, export: exportString})}\n` : `${exportString}\n`);
			return EXIT.ok;
		}

		const warnings = listingWarnings(context.say);
		const options = {
			account: flags.account,
			scope,
			where,
			onUnreadable: warnings.onUnreadable,
			onUnusable: warnings.onUnusable,
		};
		await context.withStore(async ({store}) => {
			// Every Redis read is done before the first chunk comes, so a failure leaves no half output.
			const chunks = warnUnimportable(store.exportInChunks(options), warnings.onUnimportable);
			await (flags.json ? writeJsonArray(context.stdout, asJson(chunks)) : writeStrings(context.stdout, chunks));
		});
		warnings.finish();
		return EXIT.ok;
	},
});

/** Says which strings our own import would refuse (an id that is no 64 hex, a field of the wrong type). */
async function* warnUnimportable(
	chunks: AsyncIterable<ExportedToken[]>,
	onUnimportable: (id: string, problem: string) => void,
): AsyncGenerator<ExportedToken[]> {
	for await (const chunk of chunks) {
		for (const {id, record} of chunk) {
			const problem = importRefusal(id, record);
			if (problem) {
				onUnimportable(id, problem);
			}
		}

		yield chunk;
	}
}

async function* asJson(chunks: AsyncIterable<ExportedToken[]>): AsyncGenerator<Array<{id: string; export: string}>> {
	for await (const chunk of chunks) {
		yield chunk.map(({id, exportString}) => ({id, export: exportString}));
	}
}

async function writeStrings(stream: NodeJS.WritableStream, chunks: AsyncIterable<ExportedToken[]>): Promise<void> {
	for await (const chunk of chunks) {
		await drained(
			stream,
			writeLines(
				stream,
				chunk.map(item => item.exportString),
			),
		);
	}
}
