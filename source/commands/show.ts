import {type TokenEntry, permissionWarnings, tokenDetailsJson} from '../tokens/index.js';
import {permissionSentence, recordLines, rotationJson, rotationLines, sanitizeText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {CLI_JSON, safeJson} from './safe-json.js';
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

	Expired tokens are shown too: their expires line ends in "expired". Fields are said as the
	app's details view says them (last used never, restrictions spelled out); --json keeps
	EmailEngine's machine form. A token with permissions also says what they let it do ("may do",
	and in --json "permissionSummary"), and warns of a scope they make useless ("permissionWarnings").

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
				? `${safeJson({...tokenDetailsJson(entry, CLI_JSON), ...permissionJson(entry), ...(hasRotation ? {rotation: rotationJson(rotation, CLI_JSON)} : {})})}\n`
				: describeEntry(entry, context.now(), rotationLines(rotation, entry.record, context.now())),
		);
		return EXIT.ok;
	},
});

/**
 * What a token's permissions let it do, beside EmailEngine's body, only for a token that has
 * permissions (the body of one without stays EmailEngine's to the byte): the sentence, and the
 * scopes they make useless.
 */
function permissionJson({record}: TokenEntry): Record<string, unknown> {
	if (record['permissions'] === undefined || record['permissions'] === null) {
		return {};
	}

	const warnings = permissionWarnings(record['scopes'], record['permissions']);
	return {permissionSummary: permissionSentence(record['permissions']), ...(warnings.length > 0 ? {permissionWarnings: warnings} : {})};
}

/** Labels are padded to the longest one up to this many characters. */
const LABEL_WIDTH = 24;

/**
 * The token as the app's details view says it (format/details.ts: `last used never`, `expires …:
 * expired`, restrictions spelled out, a field of the wrong type named), then its rotation links.
 * Every label and value has been through the sanitiser there; values are printed whole (they are
 * data: a 1 MB description is all there), where the app's screen cuts them.
 */
export function describeEntry(entry: TokenEntry, now: number, extra: ReadonlyArray<[string, string]> = []): string {
	const lines = [
		...recordLines(entry, now, 'ee-tokens revoke -t ID removes it', Number.POSITIVE_INFINITY),
		...extra.map(([label, text]): [string, string] => [label, sanitizeText(text)]),
	];
	// A loop, not Math.max(...labels): a record can have more fields than a call has arguments.
	const width = lines.reduce((widest, [label]) => Math.max(widest, Math.min(label.length, LABEL_WIDTH)), 0);
	return lines.map(([label, text]) => `${label.padEnd(width)}  ${text}`.trimEnd() + '\n').join('');
}
