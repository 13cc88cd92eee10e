import {type AuditLogEntry, decodeAuditEntry, entryTime, isDenied, parseCutoff} from '../tokens/index.js';
import {auditEntryLine} from '../format/index.js';
import type {TokenStore} from '../store/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand, jsonFlag} from './command.js';
import {PLACE_LENGTH, poll} from './log-follow.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

/** How often --follow asks Redis: often enough to feel live, rare enough to cost nothing. */
export const FOLLOW_INTERVAL_MS = 2000;

export const logCommand = defineCommand({
	name: 'log',
	usage: `
	Usage
	  $ ee-tokens log -t ID_OR_TOKEN [--denied] [--since 1h] [--follow] [--json]
	  $ ee-tokens log -t - < token.txt

	Options
	  -t, --token    The token id or the raw token; - reads it from stdin (typed unseen
	                 on a terminal), so a raw token stays out of argv and shell history
	  --denied       Only the requests that were refused
	  --since        Only entries this recent: a duration (90m, 12h, 7d) or a date
	                 or date-time (2026-12-01, 2026-12-01T09:00:00Z)
	  -f, --follow   Keep printing new entries as they arrive (a poll every 2 seconds)
	                 until Ctrl-C; entries then print oldest first, like tail -f
	  --json         EmailEngine's entry shape: {token, total, unreadable, entries}, or
	                 with --follow one entry object a line
	  --dbs.redis    Redis URL

	The audit log is EmailEngine's (tokens:log:ID): it records each request a token
	made while the tokenAuditLog setting is on (ee-tokens settings audit-log on),
	newest first, 1000 entries and 7 days by default. Each line: time, allowed or
	denied, client IP, method and route, action/group, account, and why a denied
	request was refused. Entries that cannot be read are skipped and counted.
	The log of a token that expired and was removed can still be read by its id.
	Nothing is written: log only reads.

	Examples
	  $ ee-tokens log -t ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d --denied --since 1d
	  $ ee-tokens log -t - --follow < token.txt
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		denied: {type: 'boolean', default: false},
		since: {type: 'string'},
		follow: {type: 'boolean', shortFlag: 'f', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {denied, follow, json} = cli.flags;
		// Checked before Redis is opened, as the token is: a typo needs no reachable Redis.
		const cutoff = cli.flags.since === undefined ? undefined : parseCutoff(cli.flags.since, context.now(), '--since');
		const token = await readTokenArgument(cli.flags.token, context);
		const wanted = (entry: AuditLogEntry) =>
			(!denied || isDenied(entry)) && (cutoff === undefined || (entryTime(entry) ?? Number.NaN) >= cutoff);

		// Listened for before anything is printed: a Ctrl-C right after the first lines stops cleanly too.
		const stop = follow ? stopSignal(context) : undefined;
		return context.withStore(async ({store}) => {
			const {id, hasRecord} = await store.logOwner(await store.completeId(token));
			const [log, setting] = await Promise.all([store.wholeAuditLog(id, PLACE_LENGTH), store.auditLogSetting()]);
			const shown = log.entries.filter(entry => wanted(entry));
			if (follow) {
				writeFollowed(context, [...shown].reverse(), json);
			} else {
				context.stdout.write(
					json
						? `${safeJson({token: id, total: log.total, unreadable: log.unreadable, entries: shown})}\n`
						: shown.map(entry => `${auditEntryLine(entry)}\n`).join(''),
				);
			}

			sayWhy(context, {
				total: log.total,
				unreadable: log.unreadable,
				shown: shown.length,
				hasRecord,
				on: setting.on,
				filtered: denied || cutoff !== undefined,
			});
			if (stop) {
				await followLog(store, context, {id, start: log.newest, stop, wanted, json});
			}

			return EXIT.ok;
		});
	},
});

function writeFollowed(context: Context, oldestFirst: readonly AuditLogEntry[], json: boolean): void {
	if (oldestFirst.length > 0) {
		context.stdout.write(oldestFirst.map(entry => `${json ? safeJson(entry) : auditEntryLine(entry)}\n`).join(''));
	}
}

/**
 * On stderr, what an empty answer means: no log because the setting is off, or because the token
 * made no request while it was on (or its entries expired), or a filter left nothing.
 */
function sayWhy(
	context: Context,
	facts: {total: number; unreadable: number; shown: number; hasRecord: boolean; on: boolean; filtered: boolean},
): void {
	const {total, unreadable, shown, hasRecord, on, filtered} = facts;
	if (!hasRecord) {
		context.say('This token no longer exists (expired and removed); its audit log is still kept until it expires.');
	}

	if (unreadable > 0) {
		context.say(
			`${unreadable} ${unreadable === 1 ? 'entry' : 'entries'} could not be read and ${unreadable === 1 ? 'was' : 'were'} skipped.`,
		);
	}

	if (total === 0) {
		context.say(
			on
				? 'No audit entries: the audit log is on, and this token made no request since (or its entries expired, after 7 days by default).'
				: 'No audit entries: the audit log is off for this instance (ee-tokens settings audit-log on turns it on).',
		);
	} else if (!on) {
		context.say('The audit log is off for this instance now: these entries are from when it was on.');
	}

	if (total > 0 && shown === 0 && filtered) {
		context.say(`No entry matches (${total} in the log).`);
	}
}

/** Whether the process was asked to stop, and a promise of the moment it is. */
function stopSignal(context: Context): {stopped: () => boolean; requested: Promise<void>} {
	let stopped = false;
	const requested = context.stopRequested().then(() => {
		stopped = true;
	});
	return {stopped: () => stopped, requested};
}

/** Polls until the process is asked to stop, printing each new entry as it arrives, oldest first. */
async function followLog(
	store: TokenStore,
	context: Context,
	options: {
		id: string;
		start: Buffer[];
		stop: ReturnType<typeof stopSignal>;
		wanted: (entry: AuditLogEntry) => boolean;
		json: boolean;
	},
): Promise<void> {
	const {id, stop, wanted, json} = options;
	const sleep = context.sleep ?? (async (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
	let place = options.start;
	while (!stop.stopped()) {
		await Promise.race([sleep(FOLLOW_INTERVAL_MS), stop.requested]);
		if (stop.stopped()) {
			break;
		}

		const next = await poll(store, id, place);
		place = next.place;
		if (next.gap) {
			context.say('The log moved on faster than it was read (or was replaced); some entries may be missing here.');
		}

		const fresh = next.fresh
			.map(bytes => decodeAuditEntry(bytes))
			.filter((entry): entry is AuditLogEntry => entry !== undefined && wanted(entry))
			.reverse();
		writeFollowed(context, fresh, json);
	}
}
