import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, runInProcess} from '../helpers/cli.js';
import {dumpKeyspace} from '../helpers/keyspace.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {startServe} from '../helpers/serve.js';
import {startApp} from '../ui/helpers/in-process-app.js';
import {KEYS} from '../ui/helpers/pty.js';

let redis: TestRedis;
let home: string;
let env: Record<string, string>;
const secrets: string[] = [];
const transcripts: string[] = [];

beforeAll(async () => {
	// Its data directory is read below: a server no other file has written to.
	redis = await startRedis([], {fresh: true});
	home = mkdtempSync(path.join(tmpdir(), 'ee-tokens-home-'));
	env = {HOME: home, XDG_STATE_HOME: path.join(home, 'state'), EENGINE_REDIS: redis.url()};
});

afterAll(async () => {
	await redis.stop();
	rmSync(home, {recursive: true, force: true});
});

/** Every regular file below `dir`, as latin1 text. */
function filesBelow(dir: string): Array<{file: string; text: string}> {
	const found: Array<{file: string; text: string}> = [];
	for (const name of readdirSync(dir)) {
		const file = path.join(dir, name);
		const stat = statSync(file);
		if (stat.isDirectory()) {
			found.push(...filesBelow(file));
		} else if (stat.isFile()) {
			found.push({file, text: readFileSync(file).toString('latin1')});
		}
	}

	return found;
}

const leaks = (text: string) => secrets.filter(secret => text.includes(secret) || text.includes(secret.toUpperCase()));

describe('a raw token is printed once and then forgotten', () => {
	it('a whole session (CLI, server, app) leaves no raw token in Redis, logs, files or the screen', async () => {
		// The CLI, every way a token is handled.
		const issued = await runCli(['issue', '-d', 'plain', '-s', '*'], {env});
		const json = JSON.parse((await runCli(['issue', '-d', 'json', '-s', 'api', '--json'], {env})).stdout) as {token: string};
		secrets.push(issued.stdout, json.token);
		// The positive control: the scanner finds a token where it is supposed to be.
		expect(leaks(issued.stdout)).toEqual([issued.stdout]);
		// Reads only, so they run at once; in this process (the binary printed the tokens above), with
		// the same environment and the same stdout and stderr to scan.
		const reads = [['export', '-t', issued.stdout], ['show', '-t', json.token], ['list'], ['list', '--json'], ['export', '--all']];
		for (const result of await Promise.all(reads.map(async args => runInProcess(args, {env})))) {
			transcripts.push(result.stdout, result.stderr);
		}

		// The server: header, query string, upper case, a wrong token, a failed request.
		const serve = await startServe(redis.url(), [], env);
		const {base} = serve;
		for (const url of [
			`${base}/v1/stats?access_token=${json.token}`,
			`${base}/v1/account/${issued.stdout}?access_token=${json.token}`,
			`${base}/metrics?access_token=${json.token.toUpperCase()}`,
			`${base}/v1/stats?access_token=${issued.stdout}&x=${json.token}`,
		]) {
			transcripts.push(await (await fetch(url)).text());
		}

		for (const token of secrets) {
			transcripts.push(await (await fetch(`${base}/v1/tokens/${token}`, {headers: {authorization: `Bearer ${token}`}})).text());
		}

		// Refusals, which the log writes at warn level with their reason: a wrong scope (the api
		// token on /metrics), a token with something after it, a header that is not Bearer, both a
		// header and a query token.
		for (const [url, authorization] of [
			[`${base}/metrics`, `Bearer ${json.token}`],
			[`${base}/v1/stats`, `Bearer ${json.token}x`],
			[`${base}/v1/stats`, `Basic ${json.token}`],
			[`${base}/v1/stats?access_token=${issued.stdout}`, `Bearer ${json.token.slice(1)}`],
		] as const) {
			transcripts.push(await (await fetch(url, {headers: {authorization}})).text());
		}

		await serve.stop();
		// The log must have seen the requests, or scanning it proves nothing.
		expect(serve.lines.filter(line => line.msg === 'request completed').length).toBeGreaterThanOrEqual(10);
		expect(serve.lines.filter(line => line.level === 40 && line['reason'] === 'scope')).toHaveLength(2);
		expect(serve.lines.filter(line => line.level === 40 && line['reason'] === 'bad_token').length).toBeGreaterThanOrEqual(2);
		transcripts.push(serve.output());

		// The app: issue a token in the wizard, close the dialog, quit.
		const app = startApp([], {env});
		await app.waitFor(/\d+ tokens/);
		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type(`from the app${KEYS.enter}`);
		await app.waitFor('step 2 of 9');
		await app.type(KEYS.space);
		for (let step = 2; step <= 9; step++) {
			await app.type(KEYS.enter);
		}

		const shown = await app.waitFor('This is the only time the token is shown');
		const fromApp = /\b([\da-f]{64})\b/.exec(shown.split('\n').find(line => line.includes('│')) ?? '')?.[1];
		expect(fromApp).toBeDefined();
		secrets.push(fromApp!);
		const closedAt = app.output().length;
		await app.type(KEYS.enter);
		await app.waitFor(screen => !screen.includes('This is the only time'));
		app.write('q');
		await app.exited;
		transcripts.push(app.history(), app.output().slice(closedAt));

		// Now look everywhere.
		expect(leaks(await dumpKeyspace(redis.client()))).toEqual([]);
		expect(filesBelow(redis.dir).flatMap(({file, text}) => leaks(text).map(secret => `${file}: ${secret}`))).toEqual([]);
		expect(filesBelow(home).flatMap(({file, text}) => leaks(text).map(secret => `${file}: ${secret}`))).toEqual([]);
		expect(transcripts.flatMap(text => leaks(text))).toEqual([]);
	});
});
