import {type TokenEntry, entryToJson, recordProblem, tokenDetailsJson} from '../tokens/index.js';
import {rotationJson, rotationLines, sanitizeText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

export const showCommand = defineCommand({
	name: 'show',
	usage: `
	Usage
	  $ ee-tokens show -t ID_OR_TOKEN [--json]
	  $ ee-tokens show -t - < token.txt

	Options
	  -t, --token    The token id (or its first 8+ characters) or the raw token; - reads
	                 it from stdin (typed unseen on a terminal), so a raw token stays out
	                 of argv and shell history
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
		const {entry, rotation} = await context.withStore(async ({store}) => {
			const found = await store.resolve(await store.completeId(token));
			return {entry: found, rotation: await store.rotationFacts(found.record)};
		});
		const hasRotation = rotation.rotatedFrom !== undefined || rotation.replacedBy !== undefined;
		context.stdout.write(
			cli.flags.json
				? `${safeJson({...tokenDetailsJson(entry), ...(hasRotation ? {rotation: rotationJson(rotation)} : {})})}\n`
				: describeEntry(entry, rotationLines(rotation, entry.record, context.now())),
		);
		return EXIT.ok;
	},
});

/** Keys are padded to the longest one up to this many characters. */
const KEY_WIDTH = 24;

/**
 * `key: value` lines, nested values as JSON, every value sanitised for the terminal; last, for a
 * token that can never authenticate, an `unusable` line saying why (recordProblem).
 */
export function describeEntry(entry: TokenEntry, extra: ReadonlyArray<[string, string]> = []): string {
	const json = entryToJson(entry);
	const problem = recordProblem(entry.record);
	const lines = Object.entries(json).map(([key, value]): [string, string] => [
		key,
		typeof value === 'string' ? value : JSON.stringify(value),
	]);
	lines.push(...extra);
	if (problem !== undefined) {
		lines.push(['unusable', problem]);
	}

	// Keys are the record's too: sanitised, and a long one does not pad every other line to its
	// length. A loop, not Math.max(...keys): a record can have more keys than a call has arguments.
	const width = lines.reduce((widest, [key]) => Math.max(widest, Math.min(key.length, KEY_WIDTH)), 0);
	return lines.map(([key, text]) => `${sanitizeText(key).padEnd(width)}  ${sanitizeText(text)}\n`).join('');
}
