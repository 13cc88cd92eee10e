import {type FieldDifference, type TokenRecord, isoTime, jsonAccount, toMillis} from '../tokens/index.js';
import {type StoreDiff, compareStored, readStoredRecords} from '../store/index.js';
import {displayText, fieldText, tokenCount} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {writeLines} from './output.js';
import {END_USAGE, endFlags, withEnds} from './two-ends.js';

export const diffCommand = defineCommand({
	name: 'diff',
	usage: `
	Usage
	  $ ee-tokens diff --from URL --to URL [--from-prefix P] [--to-prefix P] [--all] [--json]

	Options
	${END_USAGE}
	  --all          Compare expired tokens too (by default an expired token counts as absent,
	                 as EmailEngine's listing and import count it)
	  --json         {"from","to","same","onlyInFrom","onlyInTo","different","unreadable"}

	Tokens are compared by id: those only in --from, only in --to, and those in both whose
	description, scopes, account, restrictions, permissions or expiry differ (nil and absent
	alike; created, metadata and last use are not compared). A record that cannot be read on
	either end is listed as unreadable and counts as a difference. Raw tokens are never read:
	records hold hashes only.

	Exit codes: 0 the same, 1 different (like diff), 2 usage, 3 Redis.

	Examples
	  $ ee-tokens diff --from redis://127.0.0.1:6379/8 --to redis://backup:6379/8
	  $ ee-tokens diff --from redis://h:6379/8 --from-prefix ee --to redis://h:6379/8 --json
`,
	flags: {
		...endFlags,
		all: {type: 'boolean', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		return withEnds(flags, {command: 'diff', writesTo: false}, context, async ({from, to, atFrom, atTo}) => {
			const [fromRecords, toRecords] = await Promise.all([atFrom(readStoredRecords(from.store)), atTo(readStoredRecords(to.store))]);
			const diff = compareStored(fromRecords, toRecords, {now: context.now(), includeExpired: flags.all});
			const labels = {from: from.label, to: to.label};
			if (flags.json) {
				context.stdout.write(`${safeJson(diffJson(diff, labels))}\n`);
			} else {
				writeLines(context.stdout, diffLines(diff, labels, context.now()));
			}

			const differs = diff.onlyInFrom.length + diff.onlyInTo.length + diff.different.length + diff.unreadable.length > 0;
			if (!flags.json) {
				context.say(differs ? 'The two differ.' : `The same: ${tokenCount(diff.same)} on each end.`);
			}

			return differs ? EXIT.different : EXIT.ok;
		});
	},
});

type Labels = {from: string; to: string};

const descriptionOf = (record: TokenRecord) => displayText(record['description'] ?? '', 120);

/** A compared field's value for people, as the details view says it (sanitised there). */
function valueText(field: string, value: unknown, now: number): string {
	if ((value === undefined || value === null) && field !== 'expires' && field !== 'account' && field !== 'scopes') {
		return '(none)';
	}

	return fieldText(field, value, now, 300);
}

function differenceLine({field, from, to}: FieldDifference, now: number): string {
	return `    ${field}: ${valueText(field, from, now)} → ${valueText(field, to, now)}`;
}

/** The three sections (four with unreadable records), each with its count, then how many agree. */
export function diffLines(diff: StoreDiff, labels: Labels, now: number): string[] {
	const lines = [`--from ${labels.from}`, `--to   ${labels.to}`];
	const section = (title: string, size: number) => lines.push('', `${title}: ${size.toLocaleString('en-US')}`);
	section('Only in --from', diff.onlyInFrom.length);
	for (const {id, record} of diff.onlyInFrom) {
		lines.push(`  ${displayText(id, 64)}  ${descriptionOf(record)}`);
	}

	section('Only in --to', diff.onlyInTo.length);
	for (const {id, record} of diff.onlyInTo) {
		lines.push(`  ${displayText(id, 64)}  ${descriptionOf(record)}`);
	}

	section('Different', diff.different.length);
	for (const token of diff.different) {
		lines.push(`  ${displayText(token.id, 64)}  ${descriptionOf(token.from)}`, ...token.fields.map(field => differenceLine(field, now)));
	}

	if (diff.unreadable.length > 0) {
		section('Unreadable (a record that cannot be read is a difference)', diff.unreadable.length);
		for (const {id, end, reason} of diff.unreadable) {
			lines.push(`  ${displayText(id, 64)}  at ${end === 'both' ? 'both ends' : `--${end}`}: ${displayText(reason, 300)}`);
		}
	}

	section('Same', diff.same);
	return lines;
}

/** A compared value as JSON: times as ISO text, an unbound account null, absent null, anything else as stored. */
function jsonValue(field: string, value: unknown): unknown {
	if (field === 'expires') {
		const ms = toMillis(value);
		return ms === undefined ? (value ?? null) : ms === 0 ? null : (isoTime(ms) ?? null);
	}

	if (field === 'account') {
		return jsonAccount({account: value});
	}

	return value ?? null;
}

const tokenJson = (id: string, record: TokenRecord) => ({id, description: record['description'] ?? null});

/** The stable shape README documents for `diff --json`. */
export function diffJson(diff: StoreDiff, labels: Labels): Record<string, unknown> {
	return {
		from: labels.from,
		to: labels.to,
		same: diff.same,
		onlyInFrom: diff.onlyInFrom.map(({id, record}) => tokenJson(id, record)),
		onlyInTo: diff.onlyInTo.map(({id, record}) => tokenJson(id, record)),
		different: diff.different.map(token => ({
			...tokenJson(token.id, token.from),
			fields: token.fields.map(({field, from, to}) => ({field, from: jsonValue(field, from), to: jsonValue(field, to)})),
		})),
		unreadable: diff.unreadable.map(({id, end, reason}) => ({id, at: end, reason})),
	};
}
