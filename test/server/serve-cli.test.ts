import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {EXIT} from '../../source/commands/exit-codes.js';
import {preparedTokenSource} from '../../source/server/prepared-token.js';
import {ROUTES} from '../../source/server/routes.js';
import {runInProcess} from '../helpers/cli.js';
import {startRedis, type TestRedis} from '../helpers/redis.js';
import {type LogLine, type Served, type ServedInProcess, serveInProcess, startServe} from '../helpers/serve.js';
import {VECTOR} from '../helpers/vectors.js';
import {fetchHttp} from '../helpers/http.js';

let redis: TestRedis;
const running: Served[] = [];
const runningHere: ServedInProcess[] = [];

/** The built binary: for what only its process shows (signals, the exit, the curl examples end to end). */
async function serve(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
	const served = await startServe(redis.url(), args, env);
	running.push(served);
	return served;
}

/** The same command in this process: for what the server answers and logs, from its flags and environment. */
async function serveHere(args: string[] = [], env: Record<string, string> = {}): Promise<ServedInProcess> {
	const served = await serveInProcess(redis.url(), args, env);
	runningHere.push(served);
	return served;
}

beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => redis.stop());
beforeEach(async () => redis.flush());
afterEach(async () => {
	for (const served of running.splice(0)) {
		if (served.child.exitCode === null) {
			await served.stop();
		}
	}

	for (const served of runningHere.splice(0)) {
		await served.stop();
	}
});

const issue = async (...args: string[]) => {
	const result = await runInProcess(['issue', '-d', 'test', ...args, `--dbs.redis=${redis.url()}`]);
	expect(result.exitCode, result.stderr as string).toBe(0);
	return (result.stdout as string).trim();
};

const auth = (token: string) => ({headers: {Authorization: `Bearer ${token}`}});

describe('ee-tokens serve, end to end', () => {
	test("the seed pages' curl examples work with tokens from ee-tokens issue", async () => {
		const [all, api, metrics] = await Promise.all([issue('-s', '*'), issue('-s', 'api'), issue('-s', 'metrics')]);
		const server = await serve();

		const stats = await fetchHttp(`${server.base}/v1/stats`, auth(all));
		expect(stats.status).toBe(200);
		expect(await stats.json()).toMatchObject({license: 'MIT', accounts: 0});
		expect((await fetchHttp(`${server.base}/v1/stats?access_token=${all}`)).status).toBe(200);
		const scrape = await fetchHttp(`${server.base}/metrics`, auth(all));
		expect(scrape.status).toBe(200);
		expect(await scrape.text()).toContain('# HELP thread_starts Number of started threads\n# TYPE thread_starts counter\nthread_starts 1');

		expect((await fetchHttp(`${server.base}/v1/stats`, auth(metrics))).status).toBe(403);
		expect((await fetchHttp(`${server.base}/metrics`, auth(metrics))).status).toBe(200);
		expect((await fetchHttp(`${server.base}/v1/stats`, auth(api))).status).toBe(200);
		const htmlPage = await fetchHttp(`${server.base}/metrics`, auth(api));
		expect(htmlPage.status).toBe(403);
		expect(htmlPage.headers.get('content-type')).toContain('text/html');

		const {exitCode, lines} = await server.stop();
		expect(exitCode).toBe(0);
		expect(lines.at(-1)?.msg).toBe('API server stopped');
		// One line per request, none carrying a raw token.
		const requests = lines.filter(line => line.msg === 'request completed');
		expect(requests).toHaveLength(7);
		expect(requests[0]).toMatchObject({level: 30, method: 'GET', path: '/v1/stats', status: 200});
		const text = JSON.stringify(lines);
		for (const token of [all, api, metrics]) {
			expect(text).not.toContain(token);
		}
	});

	test('a token bound to account example: 404 until iad:example has `account`, then 200; 403 on another account', async () => {
		const bound = await issue('-s', 'api', '-a', 'example');
		const server = await serveHere();
		const missing = await fetchHttp(`${server.base}/v1/account/example`, auth(bound));
		expect(missing.status).toBe(404);
		expect(await missing.json()).toStrictEqual({
			statusCode: 404,
			error: 'Not Found',
			message: 'Account record was not found for requested ID',
		});

		await redis.client().hset('iad:example', 'account', 'example', 'name', 'Example');
		const found = await fetchHttp(`${server.base}/v1/account/example`, auth(bound));
		expect(found.status).toBe(200);
		expect(await found.json()).toMatchObject({account: 'example', name: 'Example'});

		const other = await fetchHttp(`${server.base}/v1/account/other`, auth(bound));
		expect(other.status).toBe(403);
		expect(await other.json()).toStrictEqual({statusCode: 403, error: 'Forbidden', message: 'Unauthorized account'});
	});

	test('a request in flight when SIGTERM arrives still gets its answer, then the exit is 0', async () => {
		const token = await issue('-s', '*');
		const server = await serve();
		// Headers with Expect: 100-continue and the body held back: the server's "100 Continue" says
		// it has the request, so the signal arrives while it is in flight.
		const body = Buffer.from('{"description":"late","scopes":["api"],"account":"nobody"}');
		const socket = connect(Number(new URL(server.base).port), '127.0.0.1');
		let received = '';
		const continued = new Promise<void>(resolve => {
			socket.on('data', chunk => {
				received += String(chunk);
				if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
					resolve();
				}
			});
		});
		const closed = new Promise<void>(resolve => {
			socket.on('close', () => resolve());
		});
		socket.write(
			[
				'POST /v1/tokens HTTP/1.1',
				'host: localhost',
				`authorization: Bearer ${token}`,
				'content-type: application/json',
				`content-length: ${body.length}`,
				'expect: 100-continue',
				'connection: close',
				'',
				'',
			].join('\r\n'),
		);
		await continued;
		server.child.kill('SIGTERM');
		await expect.poll(() => server.lines.some(line => line.msg === 'Shutting down the API server')).toBe(true);
		// Not end(): a half-close is an abort to Node's HTTP server. It closes after answering.
		socket.write(body);
		await closed;
		expect(received.split('\r\n\r\n')[1]?.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
		const result = await server.child;
		expect(result.exitCode).toBe(0);
		await expect(fetchHttp(`${server.base}/health`)).rejects.toThrow();
	});
});

describe('prepared token (compatibility §5)', () => {
	test('imported on the first start, skipped on the second; the raw token then works', async () => {
		const first = await serveHere([], {EENGINE_PREPARED_TOKEN: VECTOR.exportString});
		const imported = first.lines.find(line => line.msg === 'Imported prepared token');
		expect(imported).toMatchObject({level: 20, msg: 'Imported prepared token'});
		expect(Object.keys(imported!)).toEqual(expect.arrayContaining(['level', 'time', 'pid', 'hostname', 'msg']));
		// Imported before listening.
		expect(first.lines.indexOf(imported!)).toBeLessThan(first.lines.findIndex(line => line.msg.startsWith('API server listening')));
		expect((await fetchHttp(`${first.base}/v1/stats`, auth(VECTOR.rawToken))).status).toBe(200);
		expect((await first.stop()).exitCode).toBe(0);

		const created = await redis.client().hgetBuffer('tokens', VECTOR.id);
		const second = await serveHere(['--preparedToken', VECTOR.exportString]);
		expect(second.lines.find(line => line.msg.toLowerCase().includes('prepared token'))).toMatchObject({
			level: 20,
			msg: 'Prepared token already imported',
		});
		expect(second.lines.some(line => line.msg === 'Imported prepared token')).toBe(false);
		// Nothing rewritten: the record (with its created time) is byte for byte the same.
		expect(await redis.client().hgetBuffer('tokens', VECTOR.id)).toStrictEqual(created);
		expect((await fetchHttp(`${second.base}/metrics`, auth(VECTOR.rawToken))).status).toBe(200);
	});

	test('EENGINE_PREPARED_TOKEN_FILE is read with its trailing newline stripped', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-prepared-'));
		try {
			const file = path.join(dir, 'token');
			writeFileSync(file, `${VECTOR.exportString}\n`);
			const server = await serveHere([], {EENGINE_PREPARED_TOKEN_FILE: file});
			expect(server.lines.some(line => line.msg === 'Imported prepared token')).toBe(true);
			expect((await fetchHttp(`${server.base}/v1/stats`, auth(VECTOR.rawToken))).status).toBe(200);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	test('an empty EENGINE_PREPARED_TOKEN_FILE is unset, as an empty EENGINE_REDIS_FILE is (compatibility §1.1)', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-prepared-'));
		try {
			const file = path.join(dir, 'token');
			writeFileSync(file, '\n');
			expect(preparedTokenSource(undefined, {EENGINE_PREPARED_TOKEN_FILE: file})).toBeUndefined();
			expect(preparedTokenSource(undefined, {EENGINE_PREPARED_TOKEN: '', EENGINE_PREPARED_TOKEN_FILE: file})).toBeUndefined();
			writeFileSync(file, `${VECTOR.exportString}\n`);
			expect(preparedTokenSource(undefined, {EENGINE_PREPARED_TOKEN_FILE: file})).toStrictEqual({
				value: VECTOR.exportString,
				source: 'EENGINE_PREPARED_TOKEN_FILE',
			});
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	test('a malformed prepared token: one level-60 line with inputLength, exit 1, never listening', async () => {
		for (const [args, env] of [
			[['--preparedToken', 'garbage!'], {}],
			[[], {EENGINE_PREPARED_TOKEN: 'AA'}],
			[[], {EENGINE_PREPARED_TOKEN: VECTOR.exportString.slice(0, 40)}],
		] as Array<[string[], Record<string, string>]>) {
			const result = await runInProcess(['serve', '--port', '0', `--dbs.redis=${redis.url()}`, ...args], {env});
			const value = args[1] ?? env['EENGINE_PREPARED_TOKEN']!;
			expect(result.exitCode).toBe(1);
			const lines = (result.stdout as string)
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line) as LogLine);
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatchObject({level: 60, msg: 'Invalid API token provided', inputLength: value.length});
			expect(result.stdout).not.toContain(value);
		}

		expect(await redis.client().hlen('tokens')).toBe(0);
	});

	test('an unreadable EENGINE_PREPARED_TOKEN_FILE is a usage error, not a silent start without it', async () => {
		const result = await runInProcess(['serve', '--port', '0', `--dbs.redis=${redis.url()}`], {
			env: {EENGINE_PREPARED_TOKEN_FILE: '/nonexistent/token'},
		});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('Cannot read EENGINE_PREPARED_TOKEN_FILE');
	});
});

describe('serve settings from the environment', () => {
	test.each([
		['EENGINE_TOKEN_LOG_ENTRIES', 'many', 'Invalid EENGINE_TOKEN_LOG_ENTRIES "many": use a whole number, 1 or more, decimal digits only'],
		['EENGINE_TOKEN_LOG_ENTRIES', '0', 'Invalid EENGINE_TOKEN_LOG_ENTRIES "0": use a whole number, 1 or more, decimal digits only'],
		['EENGINE_TOKEN_LOG_AGE', '1e3', 'Invalid EENGINE_TOKEN_LOG_AGE "1e3": use a whole number, 1 or more, decimal digits only'],
		['EENGINE_TOKEN_LOG_AGE', '-5', 'Invalid EENGINE_TOKEN_LOG_AGE "-5": use a whole number, 1 or more, decimal digits only'],
		['EENGINE_LOG_LEVEL', 'verbose', 'Invalid EENGINE_LOG_LEVEL "verbose": use fatal, error, warn, info, debug, trace or silent'],
	])('%s=%s is a usage error before anything is written or listened on', async (name, value, message) => {
		const stop = new AbortController();
		const result = await runInProcess(['serve', '--port', '0', `--dbs.redis=${redis.url()}`], {
			env: {[name]: value, EENGINE_PREPARED_TOKEN: VECTOR.exportString},
			stop: stop.signal,
			onStdout(text) {
				if (text.includes('listening')) {
					stop.abort();
				}
			},
		});
		expect(result.exitCode).toBe(2);
		expect(result.stderr.trim().split('\n')).toStrictEqual([`ee-tokens: ${message}`]);
		expect(result.stdout).not.toContain('listening');
		expect(await redis.client().hlen('tokens')).toBe(0);
	});

	test('set but empty is the default; levels are read in any case', async () => {
		const stop = new AbortController();
		const result = await runInProcess(['serve', '--port', '0', `--dbs.redis=${redis.url()}`], {
			env: {EENGINE_TOKEN_LOG_ENTRIES: '', EENGINE_TOKEN_LOG_AGE: '', EENGINE_LOG_LEVEL: ' INFO '},
			stop: stop.signal,
			onStdout(text) {
				if (text.includes('listening')) {
					stop.abort();
				}
			},
		});
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toContain('listening');
	});
});

describe('ee-tokens serve --help', () => {
	test('names the exit codes as EXIT has them and every route the server answers', async () => {
		const help = await runInProcess(['serve', '--help']);
		expect(help.exitCode).toBe(0);
		const text = String(help.stdout).replaceAll(/\s+/g, ' ');
		expect(text).toContain(`Exit ${EXIT.redis} when Redis cannot be used at start, ${EXIT.listen} when the port is in use`);

		// "GET|DELETE /v1/tokens/{token}" names two routes.
		const named = [...text.matchAll(/\b((?:GET|POST|DELETE)(?:\|(?:GET|POST|DELETE))*) (\/[\w/{}]*)/g)].flatMap(([, methods, path]) =>
			methods!.split('|').map(method => `${method} ${path}`),
		);
		expect(new Set(named)).toStrictEqual(new Set(ROUTES.map(route => `${route.method} ${route.template}`)));
	});
});
