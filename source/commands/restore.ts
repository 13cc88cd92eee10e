import {TokenError, parseJournal} from '../tokens/index.js';
import {displayText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {readJournalFile} from '../store/index.js';
import {safeJson} from './safe-json.js';

/** How many ids a message names before it says "…". */
const IDS_SHOWN = 10;

export const restoreCommand = defineCommand({
	name: 'restore',
	usage: `
	Usage
	  $ ee-tokens restore --journal FILE [--dry-run] [--json]

	Options
	  --journal      The undo journal a revoke by selection wrote (its path was printed)
	  --dry-run      Say what would be restored, and write nothing
	  --json         {"restored":[…],"unchanged":[…],"conflicts":[…]}: the ids of each
	  --dbs.redis    Redis URL (with EENGINE_REDIS_PREFIX: the prefix the journal came from)

	Puts every revoked token back byte for byte: its record (created included), its last use and
	its index entry. Restoring twice changes nothing the second time. A token that exists again
	with other bytes is never overwritten: it is named, the rest are restored, and the exit code
	is 2. A journal that is malformed or cut short restores nothing (exit 5).

	Example
	  $ ee-tokens restore --journal ~/.local/state/ee-tokens/journals/revoke-20261201T190000Z-a1b2c3.jsonl
`,
	flags: {
		journal: {type: 'string'},
		dryRun: {type: 'boolean', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		if (flags.journal === undefined) {
			throw new TokenError('usage', 'Give the undo journal with --journal FILE (revoke printed its path)');
		}

		// The whole journal is read and checked before Redis is opened: nothing is written from a bad one.
		const journal = parseJournal(readJournalFile(flags.journal), flags.journal);
		const skipped = new Set(journal.skipped);
		const tokens = journal.tokens.filter(token => !skipped.has(token.id));
		return context.withStore(async ({store}) => {
			if (journal.prefix !== store.prefix) {
				throw new TokenError(
					'refused',
					`The journal was written under the key prefix "${displayText(journal.prefix, 80)}", and this Redis is used with "${store.prefix}": set EENGINE_REDIS_PREFIX to match; nothing was restored`,
				);
			}

			const outcomes = await store.restoreJournaled(tokens, {dryRun: flags.dryRun});
			const ids = {restored: [] as string[], unchanged: [] as string[], conflicts: [] as string[]};
			for (const [position, outcome] of outcomes.entries()) {
				ids[outcome === 'conflict' ? 'conflicts' : outcome].push(tokens[position]!.id);
			}

			if (flags.json) {
				context.stdout.write(`${safeJson(ids)}\n`);
			}

			const would = flags.dryRun ? 'Would restore' : 'Restored';
			context.say(
				`${would} ${ids.restored.length.toLocaleString('en-US')} of ${tokens.length.toLocaleString('en-US')} tokens from ${displayText(flags.journal)}; ${ids.unchanged.length.toLocaleString('en-US')} already in place${flags.dryRun ? '; dry run: nothing was written' : ''}.`,
			);
			if (ids.conflicts.length > 0) {
				context.say(
					`${ids.conflicts.length.toLocaleString('en-US')} exist again with other bytes and were left as they are: ${ids.conflicts
						.slice(0, IDS_SHOWN)
						.map(id => displayText(id, 64))
						.join(', ')}${ids.conflicts.length > IDS_SHOWN ? ', …' : ''}`,
				);
				return EXIT.usage;
			}

			return EXIT.ok;
		});
	},
});
