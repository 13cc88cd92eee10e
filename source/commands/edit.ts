import {
	type TokenEdit,
	TokenError,
	editIsEmpty,
	entryToJson,
	parseDescription,
	parseDuration,
	parseExpiry,
	parseMetadata,
	parsePermissions,
	parseRestrictions,
	permissionWarnings,
	restrictionWarnings,
} from '../tokens/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

const usage = (message: string) => new TokenError('usage', message);

export const editCommand = defineCommand({
	name: 'edit',
	usage: `
	Usage
	  $ ee-tokens edit -t ID_OR_TOKEN [changes…] [--json]

	Options
	  -t, --token        The token's id (or its first 8+ characters) or raw token; - reads
	                     it from stdin
	  --description      A new description (at most 1024 characters)
	  --expires          A new expiry: a duration from now (30d, 12h) or an ISO 8601 date
	                     (2027-01-15 is 00:00 UTC) or date-time with its zone
	  --no-expiry        The token never expires
	  --extend           Moves the current expiry later by a duration (30d)
	  --ip               The IP allowlist, replaced: address or CIDR range, repeatable
	  --no-ip            No IP allowlist
	  --referrer         The Referer globs, replaced; repeatable
	  --no-referrer      No Referer restriction
	  --rate-limit       REQUESTS/SECONDS, e.g. 100/60
	  --no-rate-limit    No rate limit
	  --preset           Permissions from a preset (read-only, mail-agent, send-only,
	                     everything), replacing the token's permissions
	  --actions          Permitted actions (read, write, send, destructive); alone, it
	                     replaces the actions and keeps the stored groups
	  --groups           Permitted groups (account, mailbox, message, …; never admin); alone,
	                     it replaces the groups and keeps the stored actions
	  --no-permissions   No permissions: the token is no longer narrowed
	  --metadata         JSON text, replacing the metadata (a rotation link in it included)
	  --json             Print the edited record as JSON
	  --dbs.redis        Redis URL

	The token keeps its value, id and created time, and its record EmailEngine's key order and
	encodings. The account and the scopes cannot be changed: that is a different token, so
	rotate instead, or issue a new one. The record is written only if nobody changed it since
	it was read (else exit ${EXIT.conflict}, nothing written). Values are checked as issue checks
	them. With no change asked for: exit ${EXIT.usage}.

	Examples
	  $ ee-tokens edit -t ea3873f9… --extend 30d
	  $ ee-tokens edit -t ea3873f9… --ip 10.0.0.0/8 --ip 192.168.1.7 --no-rate-limit
	  $ ee-tokens edit -t ea3873f9… --preset read-only
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		description: {type: 'string', shortFlag: 'd'},
		expires: {type: 'string'},
		noExpiry: {type: 'boolean', default: false},
		extend: {type: 'string'},
		ip: {type: 'string', isMultiple: true},
		noIp: {type: 'boolean', default: false},
		referrer: {type: 'string', isMultiple: true},
		noReferrer: {type: 'boolean', default: false},
		rateLimit: {type: 'string'},
		noRateLimit: {type: 'boolean', default: false},
		preset: {type: 'string'},
		actions: {type: 'string', isMultiple: true},
		groups: {type: 'string', isMultiple: true},
		noPermissions: {type: 'boolean', default: false},
		metadata: {type: 'string'},
		// Taken only to say why they cannot be changed.
		account: {type: 'string', shortFlag: 'a'},
		scope: {type: 'string', shortFlag: 's', isMultiple: true},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		if (flags.account !== undefined || (flags.scope ?? []).length > 0) {
			throw usage(
				`The ${flags.account === undefined ? 'scopes' : 'account'} of a token cannot be changed: that is a different token. Rotate instead (ee-tokens rotate), or issue a new one and revoke this one`,
			);
		}

		const now = context.now();
		const edit = parseEdit(flags, now);
		if (editIsEmpty(edit)) {
			throw usage(
				'Nothing to change: give --description, --expires, --no-expiry, --extend, --ip, --referrer, --rate-limit, --preset, --actions, --groups, --metadata or a --no-… flag',
			);
		}

		const token = await readTokenArgument(flags.token, context);
		const edited = await context.withStore(async ({store}) => store.edit(await store.completeId(token), edit));
		for (const warning of [
			...restrictionWarnings({addresses: edit.addresses ?? undefined, referrers: edit.referrers ?? undefined}),
			...(edit.permissions === undefined ? [] : permissionWarnings(edited.record['scopes'], edited.record['permissions'])),
		]) {
			context.say(`ee-tokens: warning: ${warning}`);
		}

		if (flags.json) {
			context.stdout.write(`${safeJson(entryToJson({id: edited.id, record: edited.record}))}\n`);
		}

		context.say(edited.changed ? `Edited token ${edited.id}` : `Token ${edited.id} already has these values; nothing was written`);
		return EXIT.ok;
	},
});

type EditFlags = {
	description?: string;
	expires?: string;
	noExpiry: boolean;
	extend?: string;
	ip?: string[];
	noIp: boolean;
	referrer?: string[];
	noReferrer: boolean;
	rateLimit?: string;
	noRateLimit: boolean;
	preset?: string;
	actions?: string[];
	groups?: string[];
	noPermissions: boolean;
	metadata?: string;
};

/** The flags as an edit, every value checked by issue's own parsers; contradictions refused. */
function parseEdit(flags: EditFlags, now: number): TokenEdit {
	const one = (names: string[], given: boolean[]) => {
		if (given.filter(Boolean).length > 1) {
			throw usage(`Give one of ${names.join(', ')}, not several`);
		}
	};

	one(['--expires', '--no-expiry', '--extend'], [flags.expires !== undefined, flags.noExpiry, flags.extend !== undefined]);
	one(['--ip', '--no-ip'], [(flags.ip ?? []).length > 0, flags.noIp]);
	one(['--referrer', '--no-referrer'], [(flags.referrer ?? []).length > 0, flags.noReferrer]);
	one(['--rate-limit', '--no-rate-limit'], [flags.rateLimit !== undefined, flags.noRateLimit]);
	const permissionFlags = flags.preset !== undefined || (flags.actions ?? []).length > 0 || (flags.groups ?? []).length > 0;
	one(['--preset/--actions/--groups', '--no-permissions'], [permissionFlags, flags.noPermissions]);
	const restrictions = parseRestrictions({addresses: flags.ip, referrers: flags.referrer, rateLimit: flags.rateLimit});
	return {
		description: flags.description === undefined ? undefined : parseDescription(flags.description, now),
		expires: flags.noExpiry ? null : flags.expires === undefined ? undefined : parseExpiry(flags.expires, now),
		extendMs: flags.extend === undefined ? undefined : parseDuration(flags.extend, '--extend'),
		addresses: flags.noIp ? null : restrictions?.addresses,
		referrers: flags.noReferrer ? null : restrictions?.referrers,
		rateLimit: flags.noRateLimit ? null : restrictions?.rateLimit,
		permissions: flags.noPermissions ? null : parsePermissions({preset: flags.preset, actions: flags.actions, groups: flags.groups}),
		// --actions or --groups alone changes that axis and keeps the other as stored.
		keepOtherAxis: (flags.preset === undefined && (flags.actions ?? []).length > 0 !== (flags.groups ?? []).length > 0) || undefined,
		metadata: flags.metadata === undefined ? undefined : parseMetadata(flags.metadata),
	};
}
