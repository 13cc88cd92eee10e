import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {afterAll, describe, expect, it} from 'vitest';
import {encodeLastUse, encodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {random} from '../helpers/fuzz.js';
import {ESCAPES, RAW_CONTROL, cliFields, deepRecord, hostileRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';
import {textWidth} from '../../source/format/cells.js';
import {spawnApp} from '../ui/helpers/pty.js';

const r = useCliRedis();

const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;
const hex = (n: number, lead = 'a') => `${lead}${n.toString(16).padStart(3, '0')}`.padEnd(64, '0');

/** A fresh state directory per run: where the default journal goes. Removed after the file. */
const made: string[] = [];
const stateDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-journal-'));
	made.push(dir);
	return dir;
};

afterAll(() => {
	for (const dir of made) {
		rmSync(dir, {recursive: true, force: true});
	}
});
const cli = async (args: string[], options: {state?: string; input?: string} = {}) =>
	runCli([...args, r.db8], {env: {XDG_STATE_HOME: options.state ?? stateDir()}, input: options.input, now: () => NOW});

const journalsIn = (state: string) => {
	const dir = path.join(state, 'ee-tokens', 'journals');
	return existsSync(dir) ? readdirSync(dir).map(name => path.join(dir, name)) : [];
};

/**
 * Every key of the db, key by key, as bytes: hash fields and values, set members and list items
 * (sorted where Redis keeps no order), and whether the key has a TTL. Audit logs' TTLs count down,
 * so only their contents are compared.
 */
async function keyspace(client: Redis): Promise<Map<string, string>> {
	const keys = (await client.keysBuffer('*')).map(key => key.toString('latin1')).sort();
	const found = new Map<string, string>();
	for (const key of keys) {
		const type = await client.type(key);
		const flat = async (command: string) => ((await client.callBuffer(command, key)) as Buffer[]).map(value => value.toString('hex'));
		let value: string[];
		if (type === 'hash') {
			const pairs = await flat('HGETALL');
			value = [];
			for (let index = 0; index < pairs.length; index += 2) {
				value.push(`${pairs[index]}=${pairs[index + 1]}`);
			}

			value.sort();
		} else if (type === 'set') {
			value = (await flat('SMEMBERS')).sort();
		} else if (type === 'list') {
			value = ((await client.lrangeBuffer(key, 0, -1)) as Buffer[]).map(item => item.toString('hex'));
		} else {
			value = [((await client.getBuffer(key)) ?? Buffer.alloc(0)).toString('hex')];
		}

		const ttl = key.startsWith('tokens:log:') ? 'audit' : String((await client.pttl(key)) > 0);
		found.set(key, `${type} ttl:${ttl} ${value.join(',')}`);
	}

	return found;
}

/**
 * A keyspace like a live instance's after years of writers: tokens of the account `victim` (one
 * upper-case, one used from 203.0.113.9, one with no last-use record, one missing from its index),
 * hostile and unreadable records that sit in victim's index although their records say otherwise,
 * bystanders, an audit log with a TTL, settings and an account record.
 */
async function plantIncident(client: Redis): Promise<{victims: string[]; bystanders: string[]}> {
	const victims: string[] = [];
	const bound = (description: string, created = NOW - 10 * DAY) => encodeRecord({created, account: 'victim', scopes: ['api'], description});
	for (let index = 0; index < 6; index++) {
		const id = hex(index);
		await plantRecord(client, id, bound(`victim ci ${index}${index === 2 ? ' canary' : ''}`), 'victim');
		victims.push(id);
	}

	const upper = 'C0FFEE'.padEnd(64, 'A');
	await plantRecord(client, upper, bound('imported upper-case'), 'victim');
	await client.hset('tokens:access', hex(1), encodeLastUse(NOW - DAY, '203.0.113.9'));
	await client.hset('tokens:access', hex(2), encodeLastUse(NOW - DAY, '::ffff:203.0.113.77'));
	await client.hset('tokens:access', hex(3), encodeLastUse(NOW - DAY, '10.0.0.7'));
	await client.hdel('tokens:access', hex(4));
	await client.srem('iat:victim', hex(5));
	await client.sadd('iat:victim', hex(5));
	await client.rpush(`tokens:log:${hex(1)}`, packed({time: NOW, ip: '203.0.113.9', status: 200}));
	await client.expire(`tokens:log:${hex(1)}`, 3600);
	victims.push(upper);

	const rng = random(12);
	for (let index = 0; index < 25; index++) {
		const id = hex(index, 'b');
		await plantRecord(client, id, rawRecord(hostileRecord(rng).fields), 'victim');
		victims.push(id);
	}

	await plantRecord(client, hex(0, 'd'), deepRecord(5000), 'victim');
	await plantRecord(client, hex(1, 'd'), Buffer.from('not msgpack at all \u001B]0;x\u0007'), 'victim');
	await plantRecord(client, hex(2, 'd'), rawRecord(cliFields(`evil ${ESCAPES[0]}`, [['account', packed('victim')]])), 'victim');
	victims.push(hex(0, 'd'), hex(1, 'd'), hex(2, 'd'));
	// A record of victim that lost its index entry: the index is the selection, so it stays.
	await plantRecord(client, hex(9, 'e'), bound('orphan'), 'victim');
	await client.srem('iat:victim', hex(9, 'e'));

	const bystanders = [hex(7, 'f'), hex(8, 'f')];
	await plantRecord(
		client,
		bystanders[0]!,
		encodeRecord({created: NOW - 500 * DAY, account: 'other', scopes: ['*'], description: 'other'}),
		'other',
	);
	await plantRecord(client, bystanders[1]!, encodeRecord({created: NOW - 500 * DAY, scopes: ['metrics'], description: 'root'}));
	bystanders.push(hex(9, 'e'));
	await client.hset('settings', 'tokenAuditLog', 'true');
	await client.hset('iad:victim', 'account', 'victim');
	return {victims, bystanders};
}

describe('revoke by selection, then restore', () => {
	it('leaves Redis byte-identical to before, key by key, hostile records and upper-case ids included', async () => {
		const {victims, bystanders} = await plantIncident(r.raw);
		const before = await keyspace(r.raw);
		const state = stateDir();

		const revoked = await cli(['revoke', '--all-of-account', 'victim', '--yes', '--json'], {state});
		expect(revoked.exitCode, revoked.stderr).toBe(0);
		expect(revoked.stderr).toContain(`${victims.length} tokens match the selection:`);
		expect(revoked.stderr).toContain(`Revoked ${victims.length} tokens.`);
		expect(revoked.stderr).not.toMatch(RAW_CONTROL);
		expect((JSON.parse(revoked.stdout) as Array<{id: string}>).map(token => token.id).sort()).toEqual([...victims].sort());
		for (const id of victims) {
			expect(await r.raw.hexists('tokens', id), id).toBe(0);
		}

		for (const id of bystanders) {
			expect(await r.raw.hexists('tokens', id), id).toBe(1);
		}

		// The audit log is the evidence of what a leaked token did: left as it is.
		expect(await r.raw.llen(`tokens:log:${hex(1)}`)).toBe(1);
		const [journal] = journalsIn(state);
		expect(revoked.stderr).toContain(`Undo journal: ${journal}`);

		const restored = await cli(['restore', '--journal', journal!]);
		expect(restored.exitCode, restored.stderr).toBe(0);
		expect(restored.stderr).toContain(`Restored ${victims.length} of ${victims.length} tokens`);
		expect(await keyspace(r.raw)).toEqual(before);

		// Restoring twice changes nothing the second time.
		const again = await cli(['restore', '--journal', journal!, '--json']);
		expect(again.exitCode, again.stderr).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({restored: [], conflicts: []});
		expect(await keyspace(r.raw)).toEqual(before);
	});

	it('selections combine with AND: --last-ip, --created-before, --query and --account', async () => {
		await plantIncident(r.raw);
		await r.raw.hset(
			'tokens',
			hex(3),
			encodeRecord({created: NOW - 100 * DAY, account: 'victim', scopes: ['api'], description: 'victim ci 3'}),
		);
		const plan = async (args: string[]) => {
			const result = await cli(['revoke', ...args, '--dry-run', '--json']);
			expect(result.exitCode, result.stderr).toBe(0);
			return (JSON.parse(result.stdout) as Array<{id: string}>).map(token => token.id).sort();
		};

		expect(await plan(['--last-ip', '203.0.113.0/24'])).toEqual([hex(1), hex(2)]);
		expect(await plan(['--last-ip', '10.0.0.7'])).toEqual([hex(3)]);
		expect(await plan(['--created-before', '90d', '--account', 'victim', '--query', 'victim ci'])).toEqual([hex(3)]);
		// Records created long ago, readable or hostile (EmailEngine's CLI's d002): the same cut.
		expect(await plan(['--created-before', '90d', '--account', 'victim'])).toEqual(expect.arrayContaining([hex(3), hex(2, 'd')]));
		expect(await plan(['--created-before', '2020-01-01', '--query', 'victim ci'])).toEqual([]);
		expect(await plan(['--account', 'victim', '--query', 'canary'])).toEqual([hex(2)]);
		expect(await plan(['--account', 'other', '--last-ip', '203.0.113.0/24'])).toEqual([]);
		// --query speaks list --query's filter language: terms about facts, last use included.
		expect(await plan(['--query', 'scope:metrics'])).toEqual([hex(8, 'f')]);
		expect(await plan(['--query', 'account:victim canary'])).toEqual([hex(2)]);
		expect(await plan(['--query', 'account:victim is:never-used created:<90d victim ci'])).toEqual([hex(0), hex(4), hex(5)]);
		// risk: selects what list --query shows for it: the risk is reckoned for a revoke too.
		const listed = await cli(['list', '--all', '--query', 'risk:high', '--json']);
		const shown = (JSON.parse(listed.stdout) as Array<{id: string}>).map(token => token.id).sort();
		expect(shown.length).toBeGreaterThan(0);
		expect(await plan(['--query', 'risk:high'])).toEqual(shown);
	});
});

describe('the plan and the confirmation', () => {
	it('--dry-run shows the plan and writes nothing: no key, no byte, no journal', async () => {
		await plantIncident(r.raw);
		const before = await keyspace(r.raw);
		const state = stateDir();
		const result = await cli(['revoke', '--account', 'victim', '--dry-run'], {state});
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stderr).toMatch(/^35 tokens match the selection:\nId +Description/);
		// The first ten rows, in the list table's format, then how many more.
		expect(result.stderr).toContain('… and 25 more (--dry-run --json lists them all)');
		expect(result.stderr.split('\n').filter(line => /^[\da-f]{64} /i.test(line))).toHaveLength(10);
		expect(result.stderr).toContain('Dry run: nothing was revoked.');
		expect(result.stdout).toBe('');
		expect(await keyspace(r.raw)).toEqual(before);
		expect(journalsIn(state)).toEqual([]);
	});

	it('the plan lines up its columns as list does, plain text or wide (CJK, emoji), and shows an escape from Redis inert', async () => {
		const descriptions = ['Billing service', '請求サービス 🚀', `Evil \u001B]0;owned\u0007 title`];
		for (const [index, description] of descriptions.entries()) {
			await plantRecord(r.raw, hex(index, 'c'), encodeRecord({created: NOW - DAY, scopes: ['api'], account: 'wide', description}), 'wide');
		}

		for (const account of ['wide', 'plain']) {
			if (account === 'plain') {
				await plantRecord(
					r.raw,
					hex(9, 'c'),
					encodeRecord({created: NOW - DAY, scopes: ['api'], account, description: 'Plain one'}),
					account,
				);
				// Its last use shows in the plan, as list shows it.
				await r.raw.hset('tokens:access', hex(9, 'c'), encodeLastUse(NOW - 3 * 3_600_000, '10.0.0.7'));
			}

			const result = await cli(['revoke', '--account', account, '--dry-run']);
			expect(result.exitCode, result.stderr).toBe(0);
			expect(result.stderr).not.toContain('\u001B');
			const lines = result.stderr.split('\n');
			const header = lines.find(line => line.startsWith('Id '))!;
			const rows = lines.filter(line => /^c[\da-f]{63} /.test(line));
			expect(rows).toHaveLength(account === 'wide' ? 3 : 1);
			// Every row's Scopes cell starts at the cell the header's does (a wide character is two cells).
			const cellOf = (line: string, text: string) => textWidth(line.slice(0, line.indexOf(text)));
			for (const row of rows) {
				expect(cellOf(row, ' api '), row).toBe(cellOf(header, ' Scopes'));
			}

			if (account === 'plain') {
				expect(rows[0]).toMatch(/ 3 hours ago /);
			}
		}
	});

	it('without --yes and no terminal, shows the plan, refuses (exit 2) and writes nothing', async () => {
		await plantIncident(r.raw);
		const before = await keyspace(r.raw);
		const state = stateDir();
		const result = await cli(['revoke', '--account', 'victim'], {state});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('35 tokens match the selection:');
		expect(result.stderr).toMatch(/ee-tokens: Refusing to revoke 35 tokens without --yes: stdin is not a terminal to confirm on$/);
		expect(await keyspace(r.raw)).toEqual(before);
		expect(journalsIn(state)).toEqual([]);
	});

	it('no match: says so, exit 0, nothing written and no journal', async () => {
		await plantIncident(r.raw);
		const before = await keyspace(r.raw);
		const state = stateDir();
		const result = await cli(['revoke', '--account', 'nobody', '--yes'], {state});
		expect(result).toMatchObject({exitCode: 0, stderr: 'No token matches the selection; nothing was revoked.'});
		expect(await keyspace(r.raw)).toEqual(before);
		expect(journalsIn(state)).toEqual([]);
	});

	it('refuses mixed or malformed selections before Redis is read (exit 2)', async () => {
		await plantIncident(r.raw);
		const dbsize = await r.raw.dbsize();
		for (const [args, message] of [
			[['--account', 'victim', '-t', hex(1), '--yes'], /-t names one token and the selection flags select many/],
			[['-t', hex(1), '--dry-run'], /--dry-run and --journal go with a selection/],
			[['--last-ip', '203.0.113.0/33', '--yes'], /--last-ip: 203\.0\.113\.0\/33 is no address or CIDR range/],
			[['--created-before', 'last week', '--yes'], /Invalid --created-before "last week"/],
			[['--account', 'victim', '--all-of-account', 'other', '--yes'], /give one account/],
			[['--query', 'unused:>abc', '--yes'], /Filter term "unused:>abc"/],
			[['--query', '""', '--yes'], /--query "" has no word or term: it would select every token/],
			[['--query', '" "  ""', '--yes'], /has no word or term: it would select every token/],
		] as const) {
			const result = await cli(['revoke', ...args]);
			expect(result.exitCode, result.stderr).toBe(2);
			expect(result.stderr).toMatch(message);
		}

		expect(await r.raw.dbsize()).toBe(dbsize);
	});

	it('on a terminal, the typed count confirms; anything else cancels', async () => {
		await plantIncident(r.raw);
		const dir = stateDir();
		const cancelled = spawnApp(['revoke', '--account', 'other', '--journal', path.join(dir, 'a.jsonl'), r.db8], {columns: 120, rows: 30});
		try {
			await cancelled.waitFor('Type 1 to confirm');
			cancelled.write('yes\r');
			await cancelled.waitFor('Cancelled; nothing was revoked.');
			expect((await cancelled.exited).exitCode).toBe(2);
		} finally {
			cancelled.kill();
		}

		expect(await r.raw.hexists('tokens', hex(7, 'f'))).toBe(1);
		const confirmed = spawnApp(['revoke', '--account', 'other', '--journal', path.join(dir, 'b.jsonl'), r.db8], {columns: 120, rows: 30});
		try {
			await confirmed.waitFor('Type 1 to confirm');
			confirmed.write('1\r');
			await confirmed.waitFor('Revoked 1 token.');
			expect((await confirmed.exited).exitCode).toBe(0);
		} finally {
			confirmed.kill();
		}

		expect(await r.raw.hexists('tokens', hex(7, 'f'))).toBe(0);
		expect(existsSync(path.join(dir, 'a.jsonl'))).toBe(false);
	});
});

describe('the undo journal', () => {
	it('is a new file of mode 0600, and never overwrites one (or writes through a symlink)', async () => {
		await plantIncident(r.raw);
		const dir = stateDir();
		const taken = path.join(dir, 'taken.jsonl');
		writeFileSync(taken, 'precious\n');
		const link = path.join(dir, 'link.jsonl');
		symlinkSync(path.join(dir, 'elsewhere'), link);
		for (const file of [taken, link]) {
			const result = await cli(['revoke', '--account', 'other', '--yes', '--journal', file]);
			expect(result.exitCode).toBe(2);
			expect(result.stderr).toMatch(
				/ee-tokens: The journal .* exists already, and a journal is never overwritten: give another --journal; nothing was revoked$/,
			);
		}

		expect(readFileSync(taken, 'utf8')).toBe('precious\n');
		expect(existsSync(path.join(dir, 'elsewhere'))).toBe(false);
		expect(await r.raw.hexists('tokens', hex(7, 'f'))).toBe(1);

		const state = stateDir();
		const result = await cli(['revoke', '--account', 'other', '--yes'], {state});
		expect(result.exitCode, result.stderr).toBe(0);
		const [journal] = journalsIn(state);
		expect(statSync(journal!).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(journal!)).mode & 0o777).toBe(0o700);
		const [head] = readFileSync(journal!, 'utf8').split('\n');
		expect(JSON.parse(head!)).toMatchObject({journal: 'ee-tokens revoke', version: 1, prefix: '', count: 1, redis: r.redis.url(8)});
	});

	it('records the Redis URL with its password masked', async () => {
		await r.raw.acl('SETUSER', 'ops', 'on', '>s3cret-pass', '~*', '&*', '+@all');
		await plantRecord(r.raw, hex(1), encodeRecord({created: NOW, account: 'x', scopes: ['api'], description: 'x'}), 'x');
		const state = stateDir();
		const url = `redis://ops:s3cret-pass@127.0.0.1:${r.redis.port}/8`;
		const result = await runCli(['revoke', '--account', 'x', '--yes', `--dbs.redis=${url}`], {env: {XDG_STATE_HOME: state}});
		expect(result.exitCode, result.stderr).toBe(0);
		const text = readFileSync(journalsIn(state)[0]!, 'utf8');
		expect(text).not.toContain('s3cret-pass');
		expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({redis: `redis://ops:***@127.0.0.1:${r.redis.port}/8`});
	});
});

describe('restore', () => {
	/** Revokes the account `victim` and returns its journal. */
	const revokeVictim = async () => {
		const state = stateDir();
		const result = await cli(['revoke', '--account', 'victim', '--yes'], {state});
		expect(result.exitCode, result.stderr).toBe(0);
		return journalsIn(state)[0]!;
	};

	it('never overwrites a token that exists again with other bytes: names it, restores the rest, exit 2', async () => {
		const {victims} = await plantIncident(r.raw);
		const journal = await revokeVictim();
		const other = encodeRecord({created: NOW, account: 'victim', scopes: ['*'], description: 'reissued'});
		await r.raw.hset('tokens', hex(2), other);
		const result = await cli(['restore', '--journal', journal, '--json']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain(`1 exist again with other bytes and were left as they are: ${hex(2)}`);
		expect(JSON.parse(result.stdout)).toMatchObject({conflicts: [hex(2)]});
		expect(await r.raw.hgetBuffer('tokens', hex(2))).toEqual(other);
		for (const id of victims.filter(id => id !== hex(2))) {
			expect(await r.raw.hexists('tokens', id), id).toBe(1);
		}
	});

	it('--dry-run says what it would do and writes nothing', async () => {
		const {victims} = await plantIncident(r.raw);
		const journal = await revokeVictim();
		const after = await keyspace(r.raw);
		const result = await cli(['restore', '--journal', journal, '--dry-run', '--json']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect((JSON.parse(result.stdout) as {restored: string[]}).restored).toHaveLength(victims.length);
		expect(result.stderr).toContain('dry run: nothing was written');
		expect(await keyspace(r.raw)).toEqual(after);
	});

	it('a malformed or cut-short journal restores nothing: one line naming the line, exit 5', async () => {
		await plantIncident(r.raw);
		const journal = await revokeVictim();
		const after = await keyspace(r.raw);
		const lines = readFileSync(journal, 'utf8').split('\n');
		const dir = stateDir();
		const variants: Array<[string, RegExp]> = [
			[lines.slice(0, 20).join('\n'), /line 21: the file ends after 19 of 35 tokens/],
			[lines.slice(0, 36).join('\n'), /line 37: the end line is missing: the journal was cut short/],
			[
				lines.map((line, index) => (index === 5 ? line.replace('"record":"', '"record":"!') : line)).join('\n'),
				/line 6: "record" is not base64/,
			],
			[lines.map((line, index) => (index === 7 ? line.slice(0, 30) : line)).join('\n'), /line 8: not JSON/],
			['', /line 1: the file is empty/],
			['{"journal":"something else"}\n', /line 1: not a version 1 journal of ee-tokens revoke/],
		];
		for (const [index, [text, message]] of variants.entries()) {
			const file = path.join(dir, `bad-${index}.jsonl`);
			writeFileSync(file, text);
			const result = await cli(['restore', '--journal', file]);
			expect(result.exitCode, result.stderr).toBe(5);
			expect(result.stderr).toMatch(message);
			expect(result.stderr).toMatch(/; nothing was restored$/);
			expect(result.stderr.split('\n')).toHaveLength(1);
		}

		expect(await keyspace(r.raw)).toEqual(after);
	});

	it('checks the key types before the first write: a wrong one restores nothing (exit 3)', async () => {
		await plantIncident(r.raw);
		const journal = await revokeVictim();
		await r.raw.del('iat:victim');
		await r.raw.set('iat:victim', 'squatted');
		const after = await keyspace(r.raw);
		const result = await cli(['restore', '--journal', journal]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(/WRONGTYPE iat:victim holds a string, not a set; nothing was restored/);
		expect(await keyspace(r.raw)).toEqual(after);
	});

	it('refuses a journal of another key prefix (exit 2)', async () => {
		await plantIncident(r.raw);
		const journal = await revokeVictim();
		const result = await runCli(['restore', '--journal', journal, r.db8], {env: {EENGINE_REDIS_PREFIX: 'other'}});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/written under the key prefix "", and this Redis is used with "other:"/);
		expect(await r.raw.hlen('tokens')).toBe(3);
	});
});

describe('show -t - identifies a leaked raw token without putting it on the command line', () => {
	it('reads it from stdin, shows the token, and prints no part of it', async () => {
		const issued = await cli(['issue', '-d', 'leaked', '-s', 'api']);
		const token = issued.stdout.trim();
		const shown = await cli(['show', '-t', '-'], {input: `${token}\n`});
		expect(shown.exitCode, shown.stderr).toBe(0);
		expect(shown.stdout).toMatch(new RegExp(`^id +${tokenIdOf(token)}$`, 'm'));
		expect(shown.stdout).toMatch(/^description +leaked$/m);
		expect(`${shown.stdout}${shown.stderr}`).not.toContain(token.slice(0, 16));
	});
});
