import {TokenError, quoteTyped} from '../tokens/index.js';
import {displayText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';

/** The settings this command knows, by their name on the command line. */
const SETTINGS = ['audit-log'] as const;

const usage = (message: string) => new TokenError('usage', message);

/** What the switch does, and when a running EmailEngine notices (compatibility §1.7). */
const TAKES_EFFECT = 'A running EmailEngine picks it up within 10 seconds (each process caches the setting); ee-tokens serve at once.';

export const settingsCommand = defineCommand({
	name: 'settings',
	usage: `
	Usage
	  $ ee-tokens settings audit-log [on|off] [--json]

	Settings
	  audit-log      EmailEngine's tokenAuditLog: while it is on, EmailEngine records
	                 each request of each token (read them with ee-tokens log -t …).
	                 Without on or off: prints whether it is on.

	Options
	  --json         {"auditLog": true|false}
	  --dbs.redis    Redis URL

	The setting is written as EmailEngine writes it (JSON true or false in the
	settings hash); nothing else changes. ${TAKES_EFFECT}

	Examples
	  $ ee-tokens settings audit-log on
	  $ ee-tokens settings audit-log
`,
	flags: {...jsonFlag},
	takesArguments: true,
	async run(cli, context) {
		const [name, value, ...extra] = cli.input.map(String);
		if (name === undefined) {
			throw usage('Name a setting: ee-tokens settings audit-log [on|off]');
		}

		if (!(SETTINGS as readonly string[]).includes(name)) {
			throw usage(`Unknown setting ${quoteTyped(name)}; the one setting is audit-log`);
		}

		if (value !== undefined && value !== 'on' && value !== 'off') {
			throw usage(`audit-log takes on or off, not ${quoteTyped(value)}`);
		}

		if (extra.length > 0) {
			throw usage(`Unexpected argument ${quoteTyped(extra[0]!)}; run ee-tokens settings --help`);
		}

		return context.withStore(async ({store}) => {
			if (value !== undefined) {
				const on = value === 'on';
				await store.setAuditLogSetting(on);
				context.stdout.write(json(cli.flags.json, on));
				context.say(`EmailEngine's token audit log is now ${value}. ${TAKES_EFFECT}`);
				return EXIT.ok;
			}

			const {on, stored} = await store.auditLogSetting();
			context.stdout.write(json(cli.flags.json, on));
			if (stored !== null && !on && stored !== 'false') {
				// Stored text is untrusted: shown through the sanitiser, bounded.
				context.say(`The stored value ${displayText(JSON.stringify(stored), 64)} is not JSON true, so EmailEngine reads it as off.`);
			}

			return EXIT.ok;
		});
	},
});

const json = (asJson: boolean, on: boolean): string => (asJson ? `${safeJson({auditLog: on})}\n` : `${on ? 'on' : 'off'}\n`);
