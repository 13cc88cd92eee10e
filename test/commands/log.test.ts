import {describe, expect, test} from 'vitest';
import {encodeMsgpack, encodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';

/** `ee-tokens log` reads EmailEngine's audit log (compatibility §1.7) and writes nothing. */

const db = useCliRedis();

const RAW = '2aa97ad0456d6624a55d30780aa2ff61bfb7edc6fa00935b40814b271e718660';
const ID = tokenIdOf(RAW);

/** An entry as EmailEngine writes it: a msgpack map, keys in this order, absent values nil. */
const entry = (
	time: string,
	fields: Partial<Record<'ip' | 'method' | 'path' | 'action' | 'group' | 'account' | 'status' | 'reason', unknown>>,
) =>
	Buffer.from(
		encodeMsgpack({
			time: Date.parse(time),
			ip: '127.0.0.1',
			method: 'get',
			path: '/v1/stats',
			action: 'read',
			group: 'diagnostics',
			account: null,
			status: 'allowed',
			reason: null,
			...fields,
		}),
	);

/** The entry of compatibility §9.5, as a live EmailEngine 2.79.2 wrote it. */
const DENIED = entry('2026-12-01T09:20:14.531Z', {account: 'example', status: 'denied', reason: 'account'});
const ALLOWED = entry('2026-12-01T09:20:15.000Z', {path: '/v1/account/{account}', group: 'account', account: 'example'});
const SMTP = entry('2026-12-01T09:21:00.000Z', {method: 'smtp', path: 'smtp', action: null, group: null, account: 'example'});

/** Plants a token and its log, pushed oldest first as EmailEngine's LPUSH leaves it: newest at the head. */
async function plant(entries: Buffer[], options: {record?: boolean; auditLog?: boolean} = {}) {
	if (options.record ?? true) {
		await plantRecord(db.raw, ID, encodeRecord({created: 1000, scopes: ['api'], description: 'd', account: 'example'}), 'example');
	}

	if (entries.length > 0) {
		await db.raw.lpush(`tokens:log:${ID}`, ...entries);
	}

	if (options.auditLog !== undefined) {
		await db.raw.hset('settings', 'tokenAuditLog', JSON.stringify(options.auditLog));
	}
}

describe('reading the log', () => {
	test('entries EmailEngine wrote read correctly, newest first: time, result, ip, request, action/group, account, reason', async () => {
		await plant([DENIED, ALLOWED, SMTP], {auditLog: true});
		const result = await runInProcess(['log', '-t', ID, db.db8]);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout.split('\n')).toStrictEqual([
			'2026-12-01T09:21:00.000Z  allowed               smtp  -  account example  ip 127.0.0.1',
			'2026-12-01T09:20:15.000Z  allowed               GET /v1/account/{account}  read/account  account example  ip 127.0.0.1',
			'2026-12-01T09:20:14.531Z  denied: account       GET /v1/stats  read/diagnostics  account example  ip 127.0.0.1',
		]);
		expect(result.stderr).toBe('');
	});

	test('-t takes the first characters of an id, as list shows it, in any case', async () => {
		await plant([DENIED, ALLOWED], {auditLog: true});
		const whole = await runInProcess(['log', '-t', ID, db.db8]);
		const prefixed = await runInProcess(['log', '-t', ID.slice(0, 12).toUpperCase(), db.db8]);
		expect(prefixed.exitCode, prefixed.stderr).toBe(0);
		expect(prefixed.stdout).toBe(whole.stdout);
		expect(prefixed.stdout.split('\n')).toHaveLength(2);
	});

	test('--json answers EmailEngine’s entry shape (compatibility §9.5), with the list length and what was skipped', async () => {
		await plant([DENIED, Buffer.from('not msgpack at all \u00C1'), ALLOWED], {auditLog: true});
		const result = await runInProcess(['log', '-t', ID, '--json', '--denied', db.db8]);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toBe(
			`{"token":"${ID}","total":3,"unreadable":1,"entries":[{"time":"2026-12-01T09:20:14.531Z","ip":"127.0.0.1","method":"get","path":"/v1/stats","action":"read","group":"diagnostics","account":"example","status":"denied","reason":"account"}]}`,
		);
		expect(result.stderr).toBe('1 entry could not be read and was skipped.');
	});

	test('--since keeps entries that recent (a duration from the clock, or a date-time)', async () => {
		await plant([DENIED, ALLOWED, SMTP], {auditLog: true});
		const now = () => Date.parse('2026-12-01T09:21:30.000Z');
		const recent = await runInProcess(['log', '-t', ID, '--since', '1m', db.db8], {now});
		expect(recent.exitCode, recent.stderr).toBe(0);
		expect(recent.stdout.split('\n').map(line => line.slice(0, 24))).toStrictEqual(['2026-12-01T09:21:00.000Z']);
		const sinceDate = await runInProcess(['log', '-t', ID, '--since', '2026-12-01T09:20:15Z', '--json', db.db8]);
		expect(JSON.parse(sinceDate.stdout).entries.map((found: {time: string}) => found.time)).toStrictEqual([
			'2026-12-01T09:21:00.000Z',
			'2026-12-01T09:20:15.000Z',
		]);
		const none = await runInProcess(['log', '-t', ID, '--since', '1s', '--denied', db.db8], {now});
		expect(none.exitCode).toBe(0);
		expect(none.stdout).toBe('');
		expect(none.stderr).toBe('No entry matches (3 in the log).');
	});

	test('a hostile entry cannot reach the terminal raw; a field of the wrong type reads as missing', async () => {
		await plant(
			[
				entry('2026-12-01T09:20:14.531Z', {
					path: '/v1/\u001B]52;c;ZXZpbA==\u0007x',
					account: {nested: true},
					ip: Buffer.from('bin'),
					status: 'denied',
					reason: '\u009B2J',
				}),
			],
			{auditLog: true},
		);
		const text = await runInProcess(['log', '-t', ID, db.db8]);
		expect(text.stdout).toBe(
			'2026-12-01T09:20:14.531Z  denied: \uFFFD2J           GET /v1/\uFFFD]52;c;ZXZpbA==\uFFFDx  read/diagnostics  account -  ip -',
		);
		const json = await runInProcess(['log', '-t', ID, '--json', db.db8]);
		expect(json.stdout).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
		expect(JSON.parse(json.stdout).entries[0]).toMatchObject({ip: null, account: null, reason: '\u009B2J'});
	});

	test('the token by raw value on stdin: found, and the value never echoed', async () => {
		await plant([DENIED], {auditLog: true});
		const result = await runInProcess(['log', '-t', '-', '--json', db.db8], {input: `${RAW}\n`});
		expect(result.exitCode, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout).token).toBe(ID);
		expect(result.stdout + result.stderr).not.toContain(RAW.slice(0, 12));
		const unknown = await runInProcess(['log', '-t', '-', db.db8], {input: `${'ab'.repeat(32)}\n`});
		expect(unknown.exitCode).toBe(4);
		expect(unknown.stderr).toBe('ee-tokens: No token and no audit log with that id or value');
		expect(unknown.stderr).not.toContain('abab');
	});

	test('the log of a token that expired and was reaped is still read by its id', async () => {
		await plant([DENIED], {record: false, auditLog: true});
		const result = await runInProcess(['log', '-t', ID, db.db8]);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toContain('denied: account');
		expect(result.stderr).toBe('This token no longer exists (expired and removed); its audit log is still kept until it expires.');
	});

	test('no entries: says whether logging is off for the instance or the token was simply not used', async () => {
		await plant([]);
		const off = await runInProcess(['log', '-t', ID, db.db8]);
		expect(off.exitCode, off.stderr).toBe(0);
		expect(off.stdout).toBe('');
		expect(off.stderr).toBe('No audit entries: the audit log is off for this instance (ee-tokens settings audit-log on turns it on).');
		await db.raw.hset('settings', 'tokenAuditLog', 'true');
		const on = await runInProcess(['log', '-t', ID, '--json', db.db8]);
		expect(JSON.parse(on.stdout)).toStrictEqual({token: ID, total: 0, unreadable: 0, entries: []});
		expect(on.stderr).toBe(
			'No audit entries: the audit log is on, and this token made no request since (or its entries expired, after 7 days by default).',
		);
		await db.raw.hset('settings', 'tokenAuditLog', 'false');
		await db.raw.lpush(`tokens:log:${ID}`, DENIED);
		const old = await runInProcess(['log', '-t', ID, db.db8]);
		expect(old.stderr).toBe('The audit log is off for this instance now: these entries are from when it was on.');
	});

	test('bad input is refused before Redis is asked: exit 2, one line', async () => {
		const since = await runInProcess(['log', '-t', ID, '--since', 'yesterday', '--dbs.redis=redis://127.0.0.1:1/8']);
		expect(since.exitCode).toBe(2);
		expect(since.stderr.split('\n')).toHaveLength(1);
		expect(since.stderr).toContain('--since');
		const noToken = await runInProcess(['log', db.db8]);
		expect(noToken.exitCode).toBe(2);
	});

	test('log writes nothing: the keyspace, the log’s expiry included, is as it was', async () => {
		await plant([DENIED, ALLOWED], {auditLog: true});
		await db.raw.expire(`tokens:log:${ID}`, 5000);
		const before = await dumpKeyspace(db.raw);
		await runInProcess(['log', '-t', ID, db.db8]);
		await runInProcess(['log', '-t', RAW, '--json', '--denied', db.db8]);
		expect(await dumpKeyspace(db.raw)).toBe(before);
		expect(await db.raw.ttl(`tokens:log:${ID}`)).toBeGreaterThan(4000);
	});
});

describe('--follow', () => {
	/** A sleep the test ends: each poll waits for the test's next call to `tick`. */
	/** `log -t ID …args` following under a clock of the test's and a stop it aborts. */
	function follow(args: string[]) {
		const clock = ticker();
		const stop = new AbortController();
		let text = '';
		const run = runInProcess(['log', '-t', ID, ...args, db.db8], {
			sleep: clock.sleep,
			stop: stop.signal,
			onStdout(chunk) {
				text += chunk;
			},
		});
		return {clock, stop, run, printed: () => text};
	}

	function ticker() {
		const waiting: Array<() => void> = [];
		let asked: (() => void) | undefined;
		return {
			sleep: async () =>
				new Promise<void>(resolve => {
					waiting.push(resolve);
					asked?.();
				}),
			/** Resolves once the command is waiting for its next poll. */
			async waiting() {
				while (waiting.length === 0) {
					await new Promise<void>(resolve => {
						asked = resolve;
					});
				}
			},
			tick() {
				waiting.shift()?.();
			},
		};
	}

	test('prints what is there oldest first, then each new entry as it arrives, filtered; stops cleanly when asked', async () => {
		await plant([DENIED, ALLOWED], {auditLog: true});
		const {clock, stop, run, printed} = follow(['--follow', '--json']);
		await clock.waiting();
		expect(
			printed()
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line).time),
		).toStrictEqual(['2026-12-01T09:20:14.531Z', '2026-12-01T09:20:15.000Z']);

		// Two requests of the same millisecond with the same bytes as the newest: both are new.
		const third = entry('2026-12-01T09:22:00.000Z', {status: 'denied', reason: 'scope'});
		await db.raw.lpush(`tokens:log:${ID}`, SMTP, third, third);
		clock.tick();
		await clock.waiting();
		const lines = printed()
			.split('\n')
			.filter(Boolean)
			.map(line => JSON.parse(line));
		expect(lines.map(line => `${line.time} ${line.status}`)).toStrictEqual([
			'2026-12-01T09:20:14.531Z denied',
			'2026-12-01T09:20:15.000Z allowed',
			'2026-12-01T09:21:00.000Z allowed',
			'2026-12-01T09:22:00.000Z denied',
			'2026-12-01T09:22:00.000Z denied',
		]);

		// A quiet poll prints nothing.
		clock.tick();
		await clock.waiting();
		expect(printed().split('\n').filter(Boolean)).toHaveLength(5);

		stop.abort();
		const result = await run;
		expect(result.exitCode, result.stderr).toBe(0);
	});

	test('entries pushed while the list is full (EmailEngine trims the tail) are still found', async () => {
		const old = Array.from({length: 20}, (_, index) => entry(`2026-12-01T09:00:${String(index).padStart(2, '0')}.000Z`, {}));
		await plant(old, {auditLog: true});
		const {clock, stop, run, printed} = follow(['-f', '--denied']);
		await clock.waiting();
		expect(printed()).toBe('');
		await db.raw.multi().lpush(`tokens:log:${ID}`, DENIED).ltrim(`tokens:log:${ID}`, 0, 19).exec();
		clock.tick();
		await clock.waiting();
		expect(printed()).toBe(
			'2026-12-01T09:20:14.531Z  denied: account       GET /v1/stats  read/diagnostics  account example  ip 127.0.0.1\n',
		);
		stop.abort();
		expect((await run).exitCode).toBe(0);
	});

	/** The times of what --follow --json printed, in order. */
	const printedTimes = (text: string): string[] =>
		text
			.split('\n')
			.filter(Boolean)
			.map(line => (JSON.parse(line) as {time: string}).time);
	const minute = (index: number) =>
		entry(`2026-12-01T10:${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}.000Z`, {});

	test('a log empty when following starts: a burst larger than the first read of a poll is printed whole', async () => {
		await plant([], {auditLog: true});
		const {clock, stop, run, printed} = follow(['-f', '--json']);
		await clock.waiting();
		expect(printed()).toBe('');
		const burst = Array.from({length: 150}, (_, index) => minute(index));
		await db.raw.lpush(`tokens:log:${ID}`, ...burst);
		clock.tick();
		await clock.waiting();
		const times = printedTimes(printed());
		expect(times).toHaveLength(150);
		expect(times[0]).toBe('2026-12-01T10:00:00.000Z');
		expect(times.at(-1)).toBe('2026-12-01T10:02:29.000Z');
		stop.abort();
		const result = await run;
		expect(result.stderr).not.toContain('missing');
	});

	test('when more arrive than the list keeps, the place is trimmed away: the new entries print and the gap is said', async () => {
		const old = Array.from({length: 20}, (_, index) => entry(`2026-12-01T09:00:${String(index).padStart(2, '0')}.000Z`, {}));
		await plant(old, {auditLog: true});
		const {clock, stop, run, printed} = follow(['-f', '--json']);
		await clock.waiting();
		expect(printed().split('\n').filter(Boolean)).toHaveLength(20);
		// 30 requests between two polls, in a list EmailEngine keeps at 20: ten of them are gone.
		await db.raw
			.multi()
			.lpush(`tokens:log:${ID}`, ...Array.from({length: 30}, (_, index) => minute(index)))
			.ltrim(`tokens:log:${ID}`, 0, 19)
			.exec();
		clock.tick();
		await clock.waiting();
		const times = printedTimes(printed());
		expect(times.slice(20)).toStrictEqual(
			Array.from({length: 20}, (_, index) => `2026-12-01T10:00:${String(index + 10).padStart(2, '0')}.000Z`),
		);
		stop.abort();
		const result = await run;
		expect(result.stderr).toContain('some entries may be missing');
	});

	test('the binary stops on SIGINT with exit 0', async () => {
		await plant([DENIED], {auditLog: true});
		const {execa} = await import('execa');
		const {CLI, cleanEnv} = await import('../helpers/cli.js');
		const child = execa('node', [CLI, 'log', '-t', ID, '--follow', db.db8], {
			reject: false,
			extendEnv: false,
			env: cleanEnv(),
			stdin: 'ignore',
		});
		await new Promise<void>(resolve => {
			child.stdout.once('data', () => resolve());
		});
		child.kill('SIGINT');
		const result = await child;
		expect(result.exitCode).toBe(0);
		expect(String(result.stdout)).toContain('denied: account');
	});
});

test('the binary ends with exit 0 when its reader goes away (| head), at the next entry it prints', async () => {
	await plant([DENIED], {auditLog: true});
	const {execa} = await import('execa');
	const {CLI, cleanEnv} = await import('../helpers/cli.js');
	const child = execa('node', [CLI, 'log', '-t', ID, '-f', db.db8], {reject: false, extendEnv: false, env: cleanEnv(), stdin: 'ignore'});
	await new Promise<void>(resolve => {
		child.stdout.once('data', () => resolve());
	});
	// The reader is gone, as head is after its first line; the next poll's write finds out (one poll).
	child.stdout.destroy();
	await db.raw.lpush(`tokens:log:${ID}`, ALLOWED);
	const result = await child;
	expect(result.exitCode).toBe(0);
	expect(String(result.stderr)).toBe('');
});

test('log and settings are in the main help', async () => {
	const help = await runInProcess(['--help']);
	expect(help.stdout).toMatch(/\n {4}log {7}/);
	expect(help.stdout).toMatch(/\n {4}settings {2}/);
});
