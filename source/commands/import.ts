import {MAX_EXPORT_STRING_LENGTH, TokenError, decodeExportString} from '../tokens/index.js';
import {type ImportOutcome, ImportStopped, type TokenStore} from '../store/index.js';
import {EXIT} from './exit-codes.js';
import {type InputStream, defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readLines} from './read-lines.js';

type Summary = {imported: string[]; present: string[]; invalid: Array<{line: number; message: string}>};

const BATCH = 1000;

export const importCommand = defineCommand({
	name: 'import',
	usage: `
	Usage
	  $ ee-tokens import -t EXPORT_STRING
	  $ ee-tokens import -t - < strings.txt      (one string per line; blank and # lines skipped)

	Options
	  -t, --token    The export string, or - to read them from stdin
	  --json         Print {"imported":[ids],"present":[ids],"invalid":[{line,message}]}
	  --dbs.redis    Redis URL

	Importing is idempotent: a live token with the same id is left untouched ("already present").
	Exit code 5 when any string was invalid; the valid ones are still imported.

	Examples
	  $ ee-tokens import -t hKJpZNlAZWEzODcz…
	  $ ee-tokens export --all | ee-tokens import -t - --dbs.redis=redis://backup:6379/8
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		...jsonFlag,
	},
	async run(cli, context) {
		const {flags} = cli;
		// Stdin only when asked for with -t -: a bare `import` in a script whose stdin happens to be
		// empty or unrelated (cron, CI) would otherwise report "Imported 0" and exit 0.
		if (flags.token === undefined) {
			throw new TokenError('usage', 'import needs -t EXPORT_STRING, or -t - and the strings on stdin');
		}

		const fromStdin = flags.token === '-';

		if (!fromStdin) {
			// One string: refuse garbage before connecting, so a typo never needs a reachable Redis.
			decodeExportString(flags.token);
		}

		const summary: Summary = {imported: [], present: [], invalid: []};
		let started = false;
		try {
			await context.withStore(async ({store}) => {
				started = true;
				if (fromStdin) {
					await importStream(store, context.stdin, summary);
				} else {
					await importBatch(store, [{line: 1, text: flags.token!}], summary);
				}
			});
		} catch (error) {
			// Each token is written whole or not at all, so what was counted is what is there:
			// say it, then the error. Running the same import again completes it.
			if (fromStdin && started) {
				context.say(`Stopped early. ${describe(summary, true)} before the failure; run the import again to finish.`);
			}

			throw error;
		}

		if (flags.json) {
			context.stdout.write(`${safeJson(summary)}\n`);
		} else {
			for (const {line, message} of summary.invalid) {
				context.say(fromStdin ? `line ${line}: ${message}` : message);
			}

			context.say(describe(summary, fromStdin));
		}

		return summary.invalid.length > 0 ? EXIT.invalidExport : EXIT.ok;
	},
});

async function importStream(store: TokenStore, stdin: InputStream, summary: Summary): Promise<void> {
	let batch: Array<{line: number; text: string}> = [];
	for await (const {number, text, tooLong} of readLines(stdin, MAX_EXPORT_STRING_LENGTH)) {
		if (tooLong) {
			summary.invalid.push({line: number, message: `Invalid export string: longer than ${MAX_EXPORT_STRING_LENGTH} characters`});
			continue;
		}

		const trimmed = text.trim();
		if (trimmed === '' || trimmed.startsWith('#')) {
			continue;
		}

		batch.push({line: number, text: trimmed});
		if (batch.length >= BATCH) {
			await importBatch(store, batch, summary);
			batch = [];
		}
	}

	await importBatch(store, batch, summary);
}

async function importBatch(store: TokenStore, batch: Array<{line: number; text: string}>, summary: Summary): Promise<void> {
	if (batch.length === 0) {
		return;
	}

	let outcomes: ReadonlyArray<ImportOutcome | TokenError | undefined>;
	try {
		outcomes = await store.importMany(batch.map(item => item.text));
	} catch (error) {
		if (!(error instanceof ImportStopped)) {
			throw error;
		}

		// Redis stopped it part-way: what was written before counts, then the reason is reported.
		count(batch, error.outcomes, summary);
		throw error.cause;
	}

	count(batch, outcomes, summary);
}

function count(batch: Array<{line: number}>, outcomes: ReadonlyArray<ImportOutcome | TokenError | undefined>, summary: Summary): void {
	for (const [index, outcome] of outcomes.entries()) {
		if (outcome instanceof TokenError) {
			summary.invalid.push({line: batch[index]!.line, message: outcome.message});
		} else if (outcome) {
			summary[outcome.status].push(outcome.id);
		}
	}
}

function describe(summary: Summary, many: boolean): string {
	if (!many && summary.imported.length === 1) {
		return `Token was imported (id ${summary.imported[0]})`;
	}

	if (!many && summary.present.length === 1) {
		return `Token already present, nothing written (id ${summary.present[0]})`;
	}

	const count = (n: number) => n.toLocaleString('en-US');
	return `Imported ${count(summary.imported.length)}, already present ${count(summary.present.length)}, invalid ${count(summary.invalid.length)}`;
}
