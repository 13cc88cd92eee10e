import {createInterface} from 'node:readline/promises';
import {REVOKE_CONFIRM_LENGTH, TokenError, confirmsRevoke, entryToJson, revokeConfirmation, stringField} from '../tokens/index.js';
import {sanitizeText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand, jsonFlag} from './command.js';
import {CLI_JSON, safeJson} from './safe-json.js';
import {PLAN_ROWS, hasSelection, revokeSelection} from './revoke-selection.js';
import {readTokenArgument} from './token-input.js';

/** How much of a description the confirmation shows. */
const DESCRIPTION_SHOWN = 80;

export const revokeCommand = defineCommand({
	name: 'revoke',
	usage: `
	Usage
	  $ ee-tokens revoke -t ID_OR_TOKEN [--yes]
	  $ ee-tokens revoke -t - [--yes]
	  $ ee-tokens revoke SELECTION… [--dry-run] [--yes] [--journal FILE] [--json]

	Options
	  -t, --token    The token id (or its first 8+ characters, if they start one id only)
	                 or the raw token; - reads it from stdin, so a raw token stays out of
	                 argv and shell history. On a terminal it is typed unseen and then
	                 confirmed; from a pipe or file, --yes is required
	  -y, --yes      Do not ask; required when stdin is not a terminal
	  --json         Print the revoked token's record as JSON (with a selection: a JSON
	                 array of the tokens revoked, or with --dry-run of those planned)
	  --dbs.redis    Redis URL

	Selection (many tokens at once; every flag given must match, and none goes with -t)
	  --account A         Tokens bound to account A (its index, as EmailEngine's own
	  --all-of-account A  account deletion reads it; the two spellings are one selection)
	  --query Q           What list --query matches
	  --scope S           Tokens that list scope S, as list --scope
	  --created-before T  Created before a date (2026-01-01) or longer ago than a duration (90d)
	  --last-ip CIDR      Last used from an address in this range (203.0.113.0/24, or one address)
	  --dry-run           Show the plan (and with --json list it) and write nothing
	  --journal FILE      Where the undo journal goes (default: a new file under
	                      $XDG_STATE_HOME/ee-tokens/journals/); never overwritten

	A selection includes expired tokens and unreadable records. The plan (the count and the first
	${PLAN_ROWS} rows) is shown on stderr first. Before anything is deleted, the exact stored bytes
	of every planned token go into an undo journal (mode 0600); ee-tokens restore --journal FILE
	puts them back. Audit logs are left as they are. A token that changed after the plan is kept,
	and said so. No match: said, exit 0, nothing written.

	On a terminal without --yes, you confirm one token by typing the first ${REVOKE_CONFIRM_LENGTH} characters of
	its id, a selection by typing the number of tokens; from a pipe or file, --yes is required.

	Examples
	  $ ee-tokens revoke -t ea3873f9234fb3b8… --yes
	  $ ee-tokens revoke -t - --yes < token.txt
	  $ ee-tokens revoke --last-ip 203.0.113.0/24 --dry-run
	  $ ee-tokens revoke --account acme --query 'ci' --yes
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		yes: {type: 'boolean', shortFlag: 'y', default: false},
		account: {type: 'string'},
		allOfAccount: {type: 'string'},
		query: {type: 'string'},
		scope: {type: 'string'},
		createdBefore: {type: 'string'},
		lastIp: {type: 'string'},
		dryRun: {type: 'boolean', default: false},
		journal: {type: 'string'},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		if (hasSelection(flags)) {
			if (flags.token !== undefined) {
				throw new TokenError('usage', '-t names one token and the selection flags select many: give one or the other');
			}

			return revokeSelection(flags, {dryRun: flags.dryRun, yes: flags.yes, json: flags.json, journal: flags.journal}, context);
		}

		if (flags.dryRun || flags.journal !== undefined) {
			throw new TokenError(
				'usage',
				'--dry-run and --journal go with a selection (--account, --query, --created-before, --last-ip…), not with -t',
			);
		}

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
			// A prefix names one token or none: several matches are refused before anything is asked.
			const entry = await store.resolve(await store.completeId(token), {allowUnreadable: true});
			if (!flags.yes && !(await confirm(context, entry.id, stringField(entry.record, 'description') ?? ''))) {
				context.say('Cancelled; nothing was revoked.');
				return EXIT.usage;
			}

			await store.revokeEntry(entry);
			if (flags.json) {
				context.stdout.write(`${safeJson(entryToJson(entry, CLI_JSON))}\n`);
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
		// The whole id, on a line of its own: -t may have named it by a prefix, and this is the token that goes.
		context.stderr.write(`Token ${id} "${sanitizeText(shown)}"\n`);
		const answer = await prompt
			.question(`Revoke it? Type ${revokeConfirmation(id)} to confirm, anything else cancels: `)
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
