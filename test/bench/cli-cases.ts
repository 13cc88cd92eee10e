import {writeFileSync} from 'node:fs';
import path from 'node:path';
import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {type Row, fmtMb, repeat, timeCommand, timeRow} from './measure.js';
import {exportStrings} from './seed.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const baseline = (name: string) => path.join(here, 'baselines', `${name}.mjs`);
const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};

/** The command-line cases: list, export, import and a cold issue, each against its baseline. */
export async function cliCases(redis: TestRedis, work: string, runs: number): Promise<Row[]> {
	const url = redis.url(8);
	const flag = `--dbs.redis=${url}`;
	const node = process.execPath;
	const rows: Row[] = [];

	const listOurs = await repeat(runs, async () => timeCommand(node, [CLI, 'list', '--json', flag], {env}));
	const listBase = await repeat(runs, async () => timeCommand(node, [baseline('list'), url], {env}));
	rows.push(timeRow('list 100,000 tokens (`list --json`)', listOurs, listBase, 1.5, `, ${fmtMb(listOurs.maxRssKb)} peak`));

	const exportOurs = await repeat(runs, async () => timeCommand(node, [CLI, 'export', '--all', flag], {env}));
	const exportBase = await repeat(runs, async () => timeCommand(node, [baseline('export'), url], {env}));
	rows.push(timeRow('bulk export 100,000 (`export --all`)', exportOurs, exportBase, 1.5));

	const file = path.join(work, 'import.txt');
	writeFileSync(file, exportStrings(10_000));
	const importUrl = redis.url(9);
	const clear = async () => {
		await redis.client(9).flushdb();
	};

	const importOurs = await repeat(
		runs,
		async () => timeCommand(node, [CLI, 'import', '-t', '-', `--dbs.redis=${importUrl}`], {env, inputFile: file}),
		clear,
	);
	const importBase = await repeat(runs, async () => timeCommand(node, [baseline('import'), importUrl], {env, inputFile: file}), clear);
	const perSecond = Math.round(10_000 / (importOurs.ms / 1000)).toLocaleString('en-US');
	rows.push(timeRow('bulk import 10,000 strings (`import -t -`)', importOurs, importBase, 1.5, `, ${perSecond} tokens/s`));

	const issueRuns = Math.max(runs, 10);
	const issueOurs = await repeat(issueRuns, async () =>
		timeCommand(node, [CLI, 'issue', '-d', 'x', '-s', 'api', `--dbs.redis=${redis.url(10)}`], {env}),
	);
	const issueBase = await repeat(issueRuns, async () => timeCommand(node, [baseline('issue'), redis.url(10)], {env}));
	const issueRow = timeRow('scripted issue, cold (`issue -d x -s api`)', issueOurs, issueBase, 1.5);
	issueRow.ours += `, ${fmtMb(issueOurs.maxRssKb)} peak`;
	issueRow.baseline += `, ${fmtMb(issueBase.maxRssKb)} peak`;
	rows.push(issueRow);
	return rows;
}
