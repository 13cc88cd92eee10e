import {
	entryToJson,
	parseAccount,
	parseDescription,
	parseExpiry,
	parsePermissions,
	parseRestrictions,
	permissionWarnings,
	parseScopes,
	restrictionWarnings,
} from '../tokens/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';

export const issueCommand = defineCommand({
	name: 'issue',
	usage: `
	Usage
	  $ ee-tokens issue -d DESCRIPTION [-s SCOPE…] [-a ACCOUNT] [options]

	Options
	  -d, --description   What the token is for (default: "Generated at <time>")
	  -s, --scope         *, api, metrics, smtp, imap-proxy, mcp; repeat or comma-separate (default: *)
	  -a, --account       Bind the token to one account id
	  --expires           A duration (30d, 12h, 90m, 2w, 1y; s m h d w y, lower case) or an
	                      ISO 8601 date: 2027-01-15 is 00:00 UTC that day; a date-time needs
	                      its zone: 2027-01-15T09:00Z or 2027-01-15T09:00+02:00
	  --ip                Allowed client address or CIDR range; repeatable. IPv4 as four
	                      decimal numbers without leading zeros (10.0.0.1, 10.0.0.0/8), IPv6
	                      without a zone; 0.0.0.0/0 and ::/0 are accepted with a warning
	  --referrer          Allowed Referer glob (* = anything, case-sensitive, the whole
	                      header); repeatable
	  --rate-limit        REQUESTS/SECONDS in decimal digits, e.g. 100/60
	  --preset            Permissions from a preset: read-only, mail-agent, send-only,
	                      everything (README "Permission presets" lists what each allows)
	  --actions           Permitted actions: read, write, send, destructive; comma-separate
	                      or repeat
	  --groups            Permitted groups: account, mailbox, message, submit, outbox,
	                      export, template, blocklist, webhook, gateway, events,
	                      diagnostics, logs; comma-separate or repeat (admin: never)
	  --json              Print {"token","id",…} instead of the bare token
	  --dbs.redis         Redis URL (default: EENGINE_REDIS, REDIS_URL, redis://127.0.0.1:6379/8)

	Permissions only narrow what the scopes allow: without --preset, --actions or --groups
	the token is not narrowed. An axis left out does not narrow (--actions read alone reads
	every group). A token with permissions never reaches the token, settings and other admin
	routes. A scope the permissions make useless (smtp without send on submit) is warned about.

	An empty -s or -a is an error, never "all scopes" or "all accounts": leave -s out
	for *, and -d out for "Generated at <time>".

	The raw token goes to stdout, once; only its SHA-256 id is stored.

	Examples
	  $ ee-tokens issue -d "my token" -s "*"
	  $ ee-tokens issue -d prometheus -s metrics --expires 90d --ip 10.0.0.0/8
	  $ ee-tokens issue -d "support agent" -s api -a example --preset mail-agent
	  $ ee-tokens issue -d archiver -s api --actions read --groups account,message
	  $ TOKEN=$(ee-tokens issue -d ci -s api -a example)
`,
	flags: {
		description: {type: 'string', shortFlag: 'd'},
		scope: {type: 'string', shortFlag: 's', isMultiple: true},
		account: {type: 'string', shortFlag: 'a'},
		expires: {type: 'string'},
		ip: {type: 'string', isMultiple: true},
		referrer: {type: 'string', isMultiple: true},
		rateLimit: {type: 'string'},
		preset: {type: 'string'},
		actions: {type: 'string', isMultiple: true},
		groups: {type: 'string', isMultiple: true},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		const now = context.now();
		// Everything is validated before Redis is touched: a typo writes nothing.
		const token = {
			description: parseDescription(flags.description, now),
			scopes: parseScopes(flags.scope ?? []),
			account: parseAccount(flags.account),
			expires: flags.expires === undefined ? undefined : parseExpiry(flags.expires, now),
			restrictions: parseRestrictions({addresses: flags.ip, referrers: flags.referrer, rateLimit: flags.rateLimit}),
			permissions: parsePermissions({preset: flags.preset, actions: flags.actions, groups: flags.groups}),
		};
		const issued = await context.withStore(async ({store}) => store.issue(token));
		// Accepted, but restricting nothing (0.0.0.0/0, ::/0, a referrer of *): said, not silent.
		for (const warning of [...restrictionWarnings(token.restrictions), ...permissionWarnings(token.scopes, token.permissions)]) {
			context.say(`ee-tokens: warning: ${warning}`);
		}

		if (flags.json) {
			context.stdout.write(`${safeJson({token: issued.rawToken, ...entryToJson({id: issued.id, record: issued.record})})}\n`);
		} else {
			context.stdout.write(`${issued.rawToken}\n`);
		}

		if (context.stdout.isTTY) {
			context.say(`Token id ${issued.id}. This is the only time the token is shown; it is not stored anywhere.`);
		}

		return EXIT.ok;
	},
});
