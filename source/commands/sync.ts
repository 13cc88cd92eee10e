import {TokenError, type TokenRecord, parseQuery} from '../tokens/index.js';
import {type CopyResult, type SyncPlan, copyPlanned, planSync, readSyncSource, readSyncTargets} from '../store/index.js';
import {boundedLines, displayText, tokenCount} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand, jsonFlag} from './command.js';
import {confirmTyped} from './confirm.js';
import {safeJson} from './safe-json.js';
import {END_USAGE, type End, endFlags, withEnds} from './two-ends.js';

/** How many tokens of each kind the plan names before "… and N more". */
const PLAN_ROWS = 10;

export const syncCommand = defineCommand({
	name: 'sync',
	usage: `
	Usage
	  $ ee-tokens sync --from URL --to URL [--query Q] [--dry-run] [--yes] [--json]

	Options
	${END_USAGE}
	  --query        Only tokens of --from matching this filter (list --query's language)
	  --dry-run      Print the plan and write nothing
	  --yes          Copy without asking (required when stdin is not a terminal)
	  --json         {"from","to","dryRun","copy","copied","same","conflicts","expired","unreadable","refused"}

	Copies the tokens --to lacks, each as its export string from --from imported into --to
	(the same bytes as export --all | import -t -: created is the time of the copy). A token
	--to already holds is never overwritten: the same one is left alone, a different one (or
	one that cannot be read) is reported and kept. An expired record at --to is replaced, as
	import replaces it. Expired tokens of --from are not copied. The plan comes first (on
	stderr); each token is written whole or not at all, so a run stopped part-way is finished
	by running it again, and a second run copies nothing.

	Exit codes: 0 done, 2 usage or not confirmed, 3 Redis, 6 some tokens of --from cannot be
	read or imported (the rest copied), 8 --to holds a different token under an id (kept; the
	rest copied).

	Examples
	  $ ee-tokens sync --from redis://prod:6379/8 --to redis://standby:6379/8 --dry-run
	  $ ee-tokens sync --from redis://h:6379/8 --to redis://h:6379/9 --query 'scope:metrics' --yes
`,
	flags: {
		...endFlags,
		query: {type: 'string'},
		dryRun: {type: 'boolean', default: false},
		yes: {type: 'boolean', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		const where = flags.query === undefined ? undefined : parseQuery(flags.query);
		return withEnds(flags, {command: 'sync', writesTo: !flags.dryRun}, context, async ({from, to, atFrom, atTo}) => {
			const source = await atFrom(readSyncSource(from.store, where));
			const targets = await atTo(
				readSyncTargets(
					to.store,
					source.entries.map(entry => entry.id),
				),
			);
			const plan = planSync(source, targets, context.now());
			showPlan(context, plan, from, to);
			const result: Written = {copied: [], present: []};
			const json = () => {
				if (flags.json) {
					context.stdout.write(`${safeJson(syncJson(plan, result, {from: from.label, to: to.label, dryRun: flags.dryRun}))}\n`);
				}
			};

			if (plan.copy.length === 0 || flags.dryRun) {
				json();
				context.say(plan.copy.length === 0 ? 'Nothing to copy.' : 'Dry run: nothing was copied.');
				return flags.dryRun ? EXIT.ok : exitCodeOf(plan, result);
			}

			if (!flags.yes) {
				if (!context.stdin.isTTY) {
					throw new TokenError(
						'refused',
						`Refusing to copy ${tokenCount(plan.copy.length)} without --yes: stdin is not a terminal to confirm on`,
					);
				}

				const total = String(plan.copy.length);
				if (
					!(await confirmTyped(
						context,
						`Copy ${tokenCount(plan.copy.length)} to ${to.label}? Type ${total} to confirm, anything else cancels: `,
						total,
					))
				) {
					context.say('Cancelled; nothing was copied.');
					return EXIT.usage;
				}
			}

			await atTo(copy(context, to, plan, result));
			json();
			context.say(summary(plan, result));
			return exitCodeOf(plan, result);
		});
	},
});

type Written = Pick<CopyResult, 'copied' | 'present'>;

/** Copies through the import (store/copying.ts); a run Redis stops part-way says how far it got. */
async function copy(context: Context, to: End, plan: SyncPlan, result: Written): Promise<void> {
	const done = await copyPlanned(to.store, plan);
	result.copied.push(...done.copied);
	result.present.push(...done.present);
	if (done.stopped) {
		context.say(`Stopped early. Copied ${tokenCount(result.copied.length)} before the failure; run the sync again to finish.`);
		throw done.stopped.cause;
	}
}

function exitCodeOf(plan: SyncPlan, result: Written): number {
	if (plan.conflicts.length > 0 || result.present.length > 0) {
		return EXIT.conflict;
	}

	return plan.unreadable.length > 0 || plan.refused.length > 0 ? EXIT.unreadable : EXIT.ok;
}

const descriptionOf = (record: TokenRecord) => displayText(record['description'] ?? '', 80);

/** The plan on stderr: what is copied (the first rows), and every kind of token that is not, with why. */
function showPlan(context: Context, plan: SyncPlan, from: End, to: End): void {
	const lines = [`Sync from ${from.label} to ${to.label}:`];
	const rows = <T>(items: readonly T[], line: (item: T) => string) => {
		lines.push(
			...boundedLines(
				items,
				PLAN_ROWS,
				item => `    ${line(item)}`,
				count => `    … and ${count} more (--dry-run --json lists them all)`,
			),
		);
	};

	const replacing = plan.copy.filter(token => token.replacesExpired).length;
	lines.push(
		`  copy ${tokenCount(plan.copy.length)}${replacing > 0 ? ` (${replacing.toLocaleString('en-US')} over an expired record at --to)` : ''}`,
	);
	rows(plan.copy, token => `${displayText(token.id, 64)}  ${descriptionOf(token.record)}`);
	lines.push(`  already at --to, the same: ${tokenCount(plan.same.length)}`);
	if (plan.conflicts.length > 0) {
		lines.push(`  kept, --to holds a different token under the id: ${tokenCount(plan.conflicts.length)}`);
		rows(plan.conflicts, conflict => {
			const why =
				conflict.unreadable === undefined
					? conflict.fields.map(({field}) => field).join(', ')
					: `unreadable at --to: ${displayText(conflict.unreadable, 200)}`;
			return `${displayText(conflict.id, 64)}  ${descriptionOf(conflict.record)}  (${why})`;
		});
	}

	if (plan.expired.length > 0) {
		lines.push(`  not copied, expired at --from: ${tokenCount(plan.expired.length)}`);
	}

	if (plan.unreadable.length > 0) {
		lines.push(`  not copied, cannot be read at --from: ${tokenCount(plan.unreadable.length)}`);
		rows(plan.unreadable, ({id, reason}) => `${displayText(id, 64)}  ${displayText(reason, 200)}`);
	}

	if (plan.refused.length > 0) {
		lines.push(`  not copied, import refuses them: ${tokenCount(plan.refused.length)}`);
		rows(plan.refused, ({id, problem}) => `${displayText(id, 64)}  ${displayText(problem, 200)}`);
	}

	for (const line of lines) {
		context.say(line);
	}
}

function summary(plan: SyncPlan, result: Written): string {
	const parts = [`Copied ${tokenCount(result.copied.length)}`];
	if (result.present.length > 0) {
		parts.push(
			`${tokenCount(result.present.length)} appeared at --to meanwhile and were kept (${result.present.slice(0, 3).join(', ')}${result.present.length > 3 ? ', …' : ''})`,
		);
	}

	if (plan.conflicts.length > 0) {
		parts.push(`${tokenCount(plan.conflicts.length)} kept as --to holds them (different)`);
	}

	const notCopied = plan.unreadable.length + plan.refused.length;
	if (notCopied > 0) {
		parts.push(`${tokenCount(notCopied)} of --from could not be copied`);
	}

	return `${parts.join('; ')}.`;
}

/** The stable shape README documents for `sync --json`. */
function syncJson(plan: SyncPlan, result: Written, head: {from: string; to: string; dryRun: boolean}): Record<string, unknown> {
	const token = (id: string, record: TokenRecord) => ({id, description: record['description'] ?? null});
	return {
		...head,
		copy: plan.copy.map(({id, record, replacesExpired}) => ({...token(id, record), replacesExpired})),
		copied: result.copied,
		present: result.present,
		same: plan.same.length,
		conflicts: plan.conflicts.map(({id, record, fields, unreadable}) => ({
			...token(id, record),
			fields: fields.map(({field}) => field),
			...(unreadable === undefined ? {} : {unreadable}),
		})),
		expired: plan.expired.map(({id, record}) => token(id, record)),
		unreadable: plan.unreadable,
		refused: plan.refused,
	};
}
