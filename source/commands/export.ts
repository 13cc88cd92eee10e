import {TokenError, parseScopeFilter} from '../tokens/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';
import {listingWarnings} from './listing-warnings.js';

export const exportCommand = defineCommand({
	name: 'export',
	usage: `
	Usage
	  $ ee-tokens export -t ID_OR_TOKEN
	  $ ee-tokens export -t - < token.txt
	  $ ee-tokens export --all [--account A] [--scope S] [--query Q]

	Options
	  -t, --token    The token id or the raw token; - reads it from stdin (typed unseen
	                 on a terminal), so a raw token stays out of argv and shell history
	  --all          Every token, one export string per line
	  --account      With --all: only tokens bound to this account
	  --scope        With --all: only tokens that list this scope
	  --query        With --all: only tokens whose id, description or account contains this
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

		const scope = parseScopeFilter(flags.scope);
		const warnings = listingWarnings(context.say);
		const token = flags.all ? undefined : await readTokenArgument(flags.token, context);
		const exported = await context.withStore(async ({store}) =>
			token === undefined
				? store.exportAll({account: flags.account, scope, query: flags.query, onUnreadable: warnings.onUnreadable})
				: [{id: '', exportString: await store.exportString(token)}],
		);
		if (flags.json) {
			const items = exported.map(({id, exportString}) => (id ? {id, export: exportString} : {export: exportString}));
			context.stdout.write(`${safeJson(flags.all ? items : items[0])}\n`);
		} else {
			writeLines(
				context.stdout,
				exported.map(item => item.exportString),
			);
		}

		warnings.finish();
		return EXIT.ok;
	},
});

/** Writes in chunks: one string for 100,000 lines would double the peak memory for nothing. */
export function writeLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
	const chunk = 1000;
	for (let start = 0; start < lines.length; start += chunk) {
		stream.write(`${lines.slice(start, start + chunk).join('\n')}\n`);
	}
}
