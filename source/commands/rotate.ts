import {DEFAULT_GRACE, isoTime, parseDuration} from '../tokens/index.js';
import {relativeTime} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

export const rotateCommand = defineCommand({
	name: 'rotate',
	usage: `
	Usage
	  $ ee-tokens rotate -t ID_OR_TOKEN [--grace 24h] [--json]
	  $ ee-tokens rotate -t - < old-token.txt

	Options
	  -t, --token    The old token's id (or its first 8+ characters) or raw token; - reads
	                 it from stdin (typed unseen on a terminal)
	  --grace        How long the old token keeps working: a duration (${DEFAULT_GRACE}, 30m, 7d; units
	                 s m h d w y) or 0 to retire it at once (default ${DEFAULT_GRACE}). A grace never
	                 extends it: an old token that expires sooner keeps its own expiry
	  --json         Print {"id","token","old":{"id","expires"}} instead of the bare token
	  --dbs.redis    Redis URL

	Issues a new token with every field of the old one (description, scopes, account, address,
	referrer and rate-limit restrictions, permissions, metadata); one that expired N days after
	it was created expires N days from now. The old token's expiry is set to now + grace, which
	EmailEngine enforces itself. Both records are written in one step, and not at all if the old
	one changed meanwhile (exit ${EXIT.conflict}). Each record's metadata names the other, so show
	tells whether the old token is still used. A token whose record cannot be read or can never
	authenticate is refused (exit ${EXIT.unreadable}), and an expired one (exit ${EXIT.usage}):
	revoke those instead.

	The new raw token goes to stdout, once.

	Examples
	  $ NEW=$(ee-tokens rotate -t ea3873f9234fb3b8… --grace 24h)
	  $ ee-tokens rotate -t - --grace 0 --json < old-token.txt
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		grace: {type: 'string'},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		// Everything is validated before Redis is touched.
		const graceMs = parseDuration(flags.grace ?? DEFAULT_GRACE, '--grace', {zero: true});
		const token = await readTokenArgument(flags.token, context);
		const rotated = await context.withStore(async ({store}) => store.rotate(await store.completeId(token), graceMs));
		const now = context.now();
		const retires = isoTime(rotated.retiresAt) ?? String(rotated.retiresAt);
		if (flags.json) {
			context.stdout.write(`${safeJson({id: rotated.id, token: rotated.rawToken, old: {id: rotated.old.id, expires: retires}})}\n`);
		} else {
			context.stdout.write(`${rotated.rawToken}\n`);
		}

		const when = rotated.retiresAt <= now ? 'now' : `at ${retires} (${relativeTime(rotated.retiresAt, now)})`;
		context.say(`Rotated token ${rotated.old.id}: the new token's id is ${rotated.id}; the old token stops working ${when}.`);
		if (rotated.keptEarlierExpiry) {
			context.say(
				`The old token already expires sooner than the grace would end, so it keeps its own expiry: a grace never extends a token.`,
			);
		}

		if (!rotated.linked) {
			context.say(
				'Its metadata is not a JSON object, so the two tokens are not linked in it: show will not tell whether the old token is still used.',
			);
		}

		if (context.stdout.isTTY) {
			context.say('This is the only time the new token is shown; it is not stored anywhere.');
		}

		return EXIT.ok;
	},
});
