import {type TokenEntry, entryToJson, sanitizeText} from '../tokens/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {readTokenArgument} from './token-input.js';

export const showCommand = defineCommand({
	name: 'show',
	usage: `
	Usage
	  $ ee-tokens show -t ID_OR_TOKEN [--json]
	  $ ee-tokens show -t - < token.txt

	Options
	  -t, --token    The token id or the raw token; - reads it from stdin (typed unseen
	                 on a terminal), so a raw token stays out of argv and shell history
	  --json         The record as JSON (EmailEngine's GET /v1/tokens/{id} shape)
	  --dbs.redis    Redis URL

	Expired tokens are shown too, marked as expired.

	Example
	  $ ee-tokens show -t ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		...jsonFlag,
	},
	async run(cli, context) {
		const token = await readTokenArgument(cli.flags.token, context);
		const entry = await context.withStore(async ({store}) => store.resolve(token));
		context.stdout.write(cli.flags.json ? `${JSON.stringify(entryToJson(entry))}\n` : describeEntry(entry));
		return EXIT.ok;
	},
});

/** `key: value` lines, nested values as JSON, every value sanitised for the terminal. */
export function describeEntry(entry: TokenEntry): string {
	const json = entryToJson(entry);
	const width = Math.max(...Object.keys(json).map(key => key.length));
	return Object.entries(json)
		.map(([key, value]) => {
			const text = typeof value === 'string' ? value : JSON.stringify(value);
			return `${key.padEnd(width)}  ${sanitizeText(text)}\n`;
		})
		.join('');
}
