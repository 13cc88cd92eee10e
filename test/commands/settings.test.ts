import {expect, test} from 'vitest';
import {runInProcess} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';
import {serveInProcess} from '../helpers/serve.js';

/** `ee-tokens settings audit-log on|off`: EmailEngine's tokenAuditLog, as EmailEngine writes it (compatibility §1.7). */

const db = useCliRedis();

test('on and off write JSON true and false into the settings hash, and touch no other setting', async () => {
	await db.raw.hset('settings', 'disableTokens', 'false', 'serviceUrl', '"https://ee.example.com"');
	const on = await runInProcess(['settings', 'audit-log', 'on', db.db8]);
	expect(on.exitCode, on.stderr).toBe(0);
	expect(on.stdout).toBe('on');
	expect(on.stderr).toBe(
		"EmailEngine's token audit log is now on. A running EmailEngine picks it up within 10 seconds (each process caches the setting); ee-tokens serve at once.",
	);
	expect(await db.raw.hgetall('settings')).toStrictEqual({
		disableTokens: 'false',
		serviceUrl: '"https://ee.example.com"',
		tokenAuditLog: 'true',
	});
	const off = await runInProcess(['settings', 'audit-log', 'off', '--json', db.db8]);
	expect(off.stdout).toBe('{"auditLog":false}');
	expect(await db.raw.hget('settings', 'tokenAuditLog')).toBe('false');
	expect(await db.raw.hlen('settings')).toBe(3);
});

test('without on or off it says how the setting reads, as EmailEngine reads it', async () => {
	const absent = await runInProcess(['settings', 'audit-log', db.db8]);
	expect([absent.exitCode, absent.stdout, absent.stderr]).toStrictEqual([0, 'off', '']);
	await db.raw.hset('settings', 'tokenAuditLog', 'true');
	expect((await runInProcess(['settings', 'audit-log', '--json', db.db8])).stdout).toBe('{"auditLog":true}');
	// Not JSON true: off, and said why, the stored text through the sanitiser.
	await db.raw.hset('settings', 'tokenAuditLog', 'yes\u001B[2J');
	const odd = await runInProcess(['settings', 'audit-log', db.db8]);
	expect(odd.stdout).toBe('off');
	expect(odd.stderr).toBe('The stored value "yes\\u001b[2J" is not JSON true, so EmailEngine reads it as off.');
	expect(await db.raw.hget('settings', 'tokenAuditLog')).toBe('yes\u001B[2J');
});

test('bad arguments: exit 2, one line, nothing written', async () => {
	for (const args of [['settings'], ['settings', 'audit'], ['settings', 'audit-log', 'yes'], ['settings', 'audit-log', 'on', 'now']]) {
		const result = await runInProcess([...args, db.db8]);
		expect(result.exitCode, args.join(' ')).toBe(2);
		expect(result.stderr.split('\n'), args.join(' ')).toHaveLength(1);
	}

	expect(await db.raw.exists('settings')).toBe(0);
	// Other commands still take no positional argument.
	expect((await runInProcess(['list', 'extra', db.db8])).exitCode).toBe(2);
});

test('serve obeys the setting the command writes: entries while on, none while off', async () => {
	const issued = await runInProcess(['issue', '-d', 'audited', '-s', 'api', '-a', 'example', db.db8]);
	const raw = /[\da-f]{64}/.exec(issued.stdout)![0];
	const served = await serveInProcess(db.redis.url(8));
	try {
		const request = async (path = '/v1/stats') => fetch(`${served.base}${path}`, {headers: {authorization: `Bearer ${raw}`}});
		await runInProcess(['settings', 'audit-log', 'on', db.db8]);
		expect((await request()).status).toBe(403);
		const log = async () => JSON.parse((await runInProcess(['log', '-t', '-', '--json', db.db8], {input: raw})).stdout);
		await expect.poll(async () => (await log()).total).toBe(1);
		expect((await log()).entries[0]).toMatchObject({
			method: 'get',
			path: '/v1/stats',
			status: 'denied',
			reason: 'account',
			account: 'example',
		});
		await runInProcess(['settings', 'audit-log', 'off', db.db8]);
		expect((await request('/v1/account/example')).status).toBe(404);
		await runInProcess(['settings', 'audit-log', 'on', db.db8]);
		expect((await request()).status).toBe(403);
		// Serve writes its entries in request order on one connection: once the last is there, one
		// written while the setting was off would be there too.
		await expect.poll(async () => (await log()).total).toBe(2);
		expect((await log()).entries.map((entry: {path: string}) => entry.path)).toStrictEqual(['/v1/stats', '/v1/stats']);
	} finally {
		await served.stop();
	}
});
