import {writeFileSync} from 'node:fs';
import path from 'node:path';
import type {TestRedis} from '../helpers/redis.js';
import {CLI} from '../helpers/cli.js';
import {type Row, alternate, fmtMb, timeCommand, timeRow} from './measure.js';
import {exportStrings} from './seed.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const baseline = (name: string) => path.join(here, 'baselines', `${name}.mjs`);
const env = {PATH: process.env['PATH']!, HOME: process.env['HOME']!};

/**
 * The command-line cases: list, export, import and a cold issue, each against its baseline, the
 * two taking turns run by run (measure.ts alternate()).
 */
export async function cliCases(redis: TestRedis, work: string, runs: number): Promise<Row[]> {
	const url = redis.url(8);
	const flag = `--dbs.redis=${url}`;
	const node = process.execPath;
	const rows: Row[] = [];

	const list = await alternate(
		runs,
		async () => timeCommand(node, [CLI, 'list', '--json', flag], {env}),
		async () => timeCommand(node, [baseline('list'), url], {env}),
	);
	rows.push(timeRow('list 100,000 tokens (`list --json`)', list.ours, list.baseline, 1.25, `, ${fmtMb(list.ours.maxRssKb)} peak`));

	const exported = await alternate(
		runs,
		async () => timeCommand(node, [CLI, 'export', '--all', flag], {env}),
		async () => timeCommand(node, [baseline('export'), url], {env}),
	);
	rows.push(timeRow('bulk export 100,000 (`export --all`)', exported.ours, exported.baseline, 1.25));

	const file = path.join(work, 'import.txt');
	writeFileSync(file, exportStrings(10_000));
	const importUrl = redis.url(9);
	const clear = async () => {
		await redis.client(9).flushdb();
	};

	const imported = await alternate(
		runs,
		async () => timeCommand(node, [CLI, 'import', '-t', '-', `--dbs.redis=${importUrl}`], {env, inputFile: file}),
		async () => timeCommand(node, [baseline('import'), importUrl], {env, inputFile: file}),
		clear,
	);
	const perSecond = Math.round(10_000 / (imported.ours.ms / 1000)).toLocaleString('en-US');
	rows.push(timeRow('bulk import 10,000 strings (`import -t -`)', imported.ours, imported.baseline, 1.25, `, ${perSecond} tokens/s`));

	const issued = await alternate(
		Math.max(runs, 10),
		async () => timeCommand(node, [CLI, 'issue', '-d', 'x', '-s', 'api', `--dbs.redis=${redis.url(10)}`], {env}),
		async () => timeCommand(node, [baseline('issue'), redis.url(10)], {env}),
	);
	const issueRow = timeRow('scripted issue, cold (`issue -d x -s api`)', issued.ours, issued.baseline, 1.25);
	issueRow.ours += `, ${fmtMb(issued.ours.maxRssKb)} peak`;
	issueRow.baseline += `, ${fmtMb(issued.baseline.maxRssKb)} peak`;
	rows.push(issueRow);
	return rows;
}
