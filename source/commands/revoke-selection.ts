import {defaultJournalPath, maskRedisUrl, type PlannedToken, plannedRecord, revokeWithJournal, type StoredRow} from '../store/index.js';
import {lastUseFrom} from '../store/token-store.js';
import {
	TokenError,
	type TokenQuery,
	decodeLastUse,
	entryToJson,
	isEveryToken,
	lastUsedTime,
	parseCutoff,
	parseQuery,
	parseScopeFilter,
	rangeTest,
} from '../tokens/index.js';
import {COLUMNS, displayText, tokenCount} from '../format/index.js';
import {PLAIN, plainCells} from '../format/plain-cells.js';
import {EXIT} from './exit-codes.js';
import type {Context} from './command.js';
import {confirmTyped} from './confirm.js';
import {writeTable} from './list.js';
import {writeJsonArray} from './output.js';
import {CLI_JSON} from './safe-json.js';

/** How many rows of the plan are shown before it is confirmed. */
export const PLAN_ROWS = 10;

/** The selection flags of `revoke`, as meow gives them. */
export type SelectionFlags = {
	account?: string;
	allOfAccount?: string;
	createdBefore?: string;
	lastIp?: string;
	query?: string;
	scope?: string;
};

/** What the flags select, checked before Redis is opened (a typo never needs a reachable Redis). */
type Selection = {
	account: string | undefined;
	/** The filter language, as list --query speaks it (tokens/query.ts). */
	where: TokenQuery | undefined;
	scope: string | undefined;
	createdBefore: number | undefined;
	lastIp: ((address: string) => boolean) | undefined;
};

const usage = (message: string) => new TokenError('usage', message);

/** Whether any selection flag is given: then `revoke` selects many tokens instead of naming one. */
export const hasSelection = (flags: SelectionFlags): boolean =>
	[flags.account, flags.allOfAccount, flags.createdBefore, flags.lastIp, flags.query, flags.scope].some(value => value !== undefined);

function parseSelection(flags: SelectionFlags, now: number): Selection {
	if (flags.account !== undefined && flags.allOfAccount !== undefined && flags.account !== flags.allOfAccount) {
		throw usage("--account and --all-of-account name the same selection (every token in the account's index); give one account");
	}

	let lastIp: Selection['lastIp'];
	if (flags.lastIp !== undefined) {
		lastIp = rangeTest(flags.lastIp);
		if (!lastIp) {
			throw usage(`--last-ip: ${displayText(flags.lastIp, 80)} is no address or CIDR range (10.0.0.0/8, 2001:db8::/32, 203.0.113.7)`);
		}
	}

	const where = flags.query === undefined ? undefined : parseQuery(flags.query);
	// A query of nothing but empty phrases ('""') reads as every token: for a revoke that is the whole
	// instance, which a selection flag must never mean by accident.
	if (where && isEveryToken(where)) {
		throw usage(`--query ${displayText(flags.query!, 80)} has no word or term: it would select every token`);
	}

	return {
		account: flags.account ?? flags.allOfAccount,
		where,
		scope: parseScopeFilter(flags.scope),
		createdBefore: flags.createdBefore === undefined ? undefined : parseCutoff(flags.createdBefore, now, '--created-before'),
		lastIp,
	};
}

export type SelectionOptions = {dryRun: boolean; yes: boolean; json: boolean; journal: string | undefined};

/**
 * Revoke by selection: plan (the tokens the flags select, all of them ANDed), show the plan,
 * confirm, journal the exact bytes of every planned token, then delete those still unchanged.
 */
export async function revokeSelection(flags: SelectionFlags, options: SelectionOptions, context: Context): Promise<number> {
	const selection = parseSelection(flags, context.now());
	return context.withStore(async ({store, target}) => {
		// The listing's own selection (list --account/--scope/--query), with expired tokens and
		// unreadable records too: both are tokens to be rid of in an incident.
		const rows = await store.stored({
			account: selection.account,
			where: selection.where,
			scope: selection.scope,
			includeExpired: true,
			unreadableRows: true,
		});
		const {createdBefore} = selection;
		const candidates =
			createdBefore === undefined ? rows : rows.filter(({summary}) => summary.created !== undefined && summary.created < createdBefore);
		let planned = await store.snapshot(candidates);
		const {lastIp} = selection;
		if (lastIp) {
			planned = planned.filter(token => lastUseFrom(token, lastIp));
		}

		if (planned.length === 0) {
			if (options.json) {
				context.stdout.write('[]\n');
			}

			context.say('No token matches the selection; nothing was revoked.');
			return EXIT.ok;
		}

		await showPlan(context, planned, candidates);
		if (options.dryRun) {
			if (options.json) {
				await writeJsonArray(context.stdout, asJson(planned));
			}

			context.say('Dry run: nothing was revoked.');
			return EXIT.ok;
		}

		if (!options.yes) {
			if (!context.stdin.isTTY) {
				throw new TokenError(
					'refused',
					`Refusing to revoke ${tokenCount(planned.length)} without --yes: stdin is not a terminal to confirm on`,
				);
			}

			if (!(await confirmCount(context, planned.length))) {
				context.say('Cancelled; nothing was revoked.');
				return EXIT.usage;
			}
		}

		const file = options.journal ?? defaultJournalPath(context.env, context.now());
		const {revoked, skipped} = await revokeWithJournal(store, planned, {
			file,
			header: {created: new Date(context.now()).toISOString(), redis: maskRedisUrl(target.url), prefix: store.prefix},
			onJournaled: () => context.say(`Undo journal: ${displayText(file)} (ee-tokens restore --journal FILE puts them back)`),
		});
		if (skipped.length > 0) {
			context.say(
				`${tokenCount(skipped.length)} changed after the plan and ${skipped.length === 1 ? 'was' : 'were'} kept: ${skipped
					.slice(0, PLAN_ROWS)
					.map(id => displayText(id, 64))
					.join(', ')}${skipped.length > PLAN_ROWS ? ', …' : ''}`,
			);
		}

		if (options.json) {
			await writeJsonArray(context.stdout, asJson(revoked));
		}

		context.say(`Revoked ${tokenCount(revoked.length)}.`);
		return EXIT.ok;
	});
}

/** A planned token in the listing's JSON shape (list --json), with `unreadable` when it cannot be read. */
function entryJson(token: PlannedToken): Record<string, unknown> {
	const json = entryToJson({id: token.id, record: plannedRecord(token), lastUse: decodeLastUse(token.access)}, CLI_JSON);
	return token.unreadable === undefined ? json : {...json, unreadable: token.unreadable};
}

/** The tokens as JSON a thousand at a time, so 100,000 planned tokens are never one string. */
function* asJson(tokens: readonly PlannedToken[]): Generator<Array<Record<string, unknown>>> {
	for (let start = 0; start < tokens.length; start += 1000) {
		yield tokens.slice(start, start + 1000).map(token => entryJson(token));
	}
}

/** The count and the first rows, in the list table's format, on stderr (stdout is data). */
async function showPlan(context: Context, planned: readonly PlannedToken[], rows: readonly StoredRow[]): Promise<void> {
	const shownIds = new Set(planned.slice(0, PLAN_ROWS).map(token => token.id));
	// Each shown row's last use, read from its bytes here (listStored leaves it to the rows shown).
	const shown = rows.filter(row => shownIds.has(row.id)).map(row => ({...row.summary, lastUsed: row.access && lastUsedTime(row.access)}));
	const now = context.now();
	// The cell widths of string-width (about 50 ms to load) only when a shown cell needs them: the
	// ten rows of a plan are usually plain text, one cell a character (format/plain-cells.ts).
	const plain = shown.every(token => PLAIN.test(token.id) && COLUMNS.every(column => PLAIN.test(column.text(token, now))));
	const cells = plain ? plainCells : await import('../format/cells.js');
	context.say(`${tokenCount(planned.length)} match${planned.length === 1 ? 'es' : ''} the selection:`);
	writeTable(context.stderr, shown, now, cells);
	if (planned.length > shown.length) {
		context.say(`… and ${(planned.length - shown.length).toLocaleString('en-US')} more (--dry-run --json lists them all)`);
	}
}

/** On a terminal: the count typed back confirms; anything else, Ctrl-C or Ctrl-D cancels. */
async function confirmCount(context: Context, total: number): Promise<boolean> {
	return confirmTyped(context, `Revoke ${tokenCount(total)}? Type ${total} to confirm, anything else cancels: `, String(total));
}
