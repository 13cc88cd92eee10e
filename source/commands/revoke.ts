import {createInterface} from 'node:readline/promises';
import {REVOKE_CONFIRM_LENGTH, TokenError, confirmsRevoke, entryToJson, revokeConfirmation, stringField} from '../tokens/index.js';
import {sanitizeText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

/** How much of a description the confirmation shows. */
const DESCRIPTION_SHOWN = 80;

export const revokeCommand = defineCommand({
	name: 'revoke',
	usage: `
	Usage
	  $ ee-tokens revoke -t ID_OR_TOKEN [--yes]
	  $ ee-tokens revoke -t - [--yes]

	Options
	  -t, --token    The token id or the raw token; - reads it from stdin, so a raw token
	                 stays out of argv and shell history. On a terminal it is typed unseen
	                 and then confirmed; from a pipe or file, --yes is required
	  -y, --yes      Do not ask; required when stdin is not a terminal
	  --json         Print the revoked token's record as JSON
	  --dbs.redis    Redis URL

	On a terminal without --yes, you confirm by typing the first ${REVOKE_CONFIRM_LENGTH} characters of the id.

	Examples
	  $ ee-tokens revoke -t ea3873f9234fb3b8… --yes
	  $ ee-tokens revoke -t - --yes < token.txt
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		yes: {type: 'boolean', shortFlag: 'y', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		if (!flags.yes && !context.stdin.isTTY) {
			throw new TokenError(
				'refused',
				flags.token === '-'
					? 'Refusing to revoke without --yes: with -t - the token comes on stdin, which is then not a terminal to confirm on'
					: 'Refusing to revoke without --yes: stdin is not a terminal to confirm on',
			);
		}

		const token = await readTokenArgument(flags.token, context);
		return context.withStore(async ({store}) => {
			// A record that cannot be read is revoked like any other: that is how one gets rid of it.
			const entry = await store.resolve(token, {allowUnreadable: true});
			if (!flags.yes && !(await confirm(context, entry.id, stringField(entry.record, 'description') ?? ''))) {
				context.say('Cancelled; nothing was revoked.');
				return EXIT.usage;
			}

			await store.revokeEntry(entry);
			if (flags.json) {
				context.stdout.write(`${safeJson(entryToJson(entry))}\n`);
			}

			context.say(
				`Revoked token ${entry.id}${entry.unreadable ? ` (its record could not be read: ${sanitizeText(entry.unreadable)})` : ''}`,
			);
			return EXIT.ok;
		});
	},
});

async function confirm(context: Context, id: string, description: string): Promise<boolean> {
	const prompt = createInterface({input: context.stdin, output: context.stderr});
	try {
		// A description may be a megabyte of anything: the prompt shows the start of it.
		const shown = description.length > DESCRIPTION_SHOWN ? `${description.slice(0, DESCRIPTION_SHOWN)}…` : description;
		const answer = await prompt
			.question(`Revoke "${sanitizeText(shown)}" (${id.slice(0, 12)}…)? Type ${revokeConfirmation(id)} to confirm, anything else cancels: `)
			// Ctrl-C or Ctrl-D at the prompt rejects with an AbortError: the person cancelled.
			.catch((error: unknown) => {
				if (error instanceof Error && error.name === 'AbortError') {
					return undefined;
				}

				throw error;
			});
		return answer !== undefined && confirmsRevoke(answer, id);
	} finally {
		prompt.close();
	}
}
