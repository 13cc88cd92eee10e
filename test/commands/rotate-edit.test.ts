import {describe, expect, it} from 'vitest';
import {
	LINK_KEY,
	type TokenRecord,
	decodeRecord,
	encodeRecord,
	encodeLastUse,
	generateRawToken,
	tokenIdOf,
} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {ESCAPES, RAW_CONTROL, deepRecord} from '../helpers/hostile-records.js';

const db = useCliRedis();
const DAY = 86_400_000;
const NOW = Date.parse('2027-03-01T12:00:00.000Z');

async function plant(record: TokenRecord | Buffer, account?: string): Promise<{token: string; id: string}> {
	const token = generateRawToken();
	const id = tokenIdOf(token);
	await plantRecord(db.raw, id, Buffer.isBuffer(record) ? record : encodeRecord(record), account);
	return {token, id};
}

const stored = async (id: string) => decodeRecord((await db.raw.hgetBuffer('tokens', id))!);
const run = async (args: string[], options: {input?: string; at?: number} = {}) =>
	runInProcess([...args, db.db8], {input: options.input, now: () => options.at ?? NOW});

const record = (extra: TokenRecord = {}): TokenRecord => ({
	created: NOW - 5 * DAY,
	expires: NOW + 25 * DAY,
	account: 'acme',
	scopes: ['api'],
	description: 'deploy bot',
	restrictions: {addresses: ['10.0.0.0/8']},
	...extra,
});

describe('rotate', () => {
	it('prints the new token once on stdout and says when the old one stops; the old raw token is never echoed', async () => {
		const old = await plant(record(), 'acme');
		const result = await run(['rotate', '-t', '-', '--grace', '2h'], {input: `${old.token}\n`});
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^[\da-f]{64}$/);
		const newId = tokenIdOf(result.stdout);
		expect(result.stderr).toBe(
			`Rotated token ${old.id}: the new token's id is ${newId}; the old token stops working at 2027-03-01T14:00:00.000Z (in 2 hours).`,
		);
		expect(`${result.stdout}${result.stderr}`).not.toContain(old.token);
		expect((await stored(old.id))['expires']).toBe(NOW + 2 * 3_600_000);
		expect((await stored(newId))['expires']).toBe(NOW + 30 * DAY);
	});

	it('--json gives {id, token, old: {id, expires}}; grace 0 retires at once, a longer grace keeps the earlier expiry', async () => {
		const old = await plant(record({expires: NOW + 3_600_000}), 'acme');
		const result = await run(['rotate', '-t', old.id, '--grace', '7d', '--json']);
		expect(result.exitCode, result.stderr).toBe(0);
		const json = JSON.parse(result.stdout) as {id: string; token: string; old: {id: string; expires: string}};
		expect(Object.keys(json)).toEqual(['id', 'token', 'old']);
		expect(json.id).toBe(tokenIdOf(json.token));
		expect(json.old).toEqual({id: old.id, expires: '2027-03-01T13:00:00.000Z'});
		expect(result.stderr).toMatch(/already expires sooner than the grace.*keeps its own expiry/);

		const other = await plant(record(), 'acme');
		const atOnce = await run(['rotate', '-t', other.id, '--grace', '0', '--json']);
		expect(JSON.parse(atOnce.stdout).old.expires).toBe('2027-03-01T12:00:00.000Z');
		expect(atOnce.stderr).toMatch(/the old token stops working now/);
	});

	it('refuses what cannot be rotated with its exit code, writing nothing', async () => {
		const unreadable = await plant(deepRecord(1000));
		const malformed = await plant(record({scopes: 'api'}), 'acme');
		const expired = await plant(record({expires: NOW - 1}), 'acme');
		const before = await dumpKeyspace(db.raw);
		const cases: Array<[string[], number, RegExp]> = [
			[['rotate', '-t', unreadable.id], 6, /cannot be read.*ee-tokens revoke -t/],
			[['rotate', '-t', malformed.token], 6, /cannot be rotated: its record is malformed \(scopes is text, not a list\)/],
			[['rotate', '-t', expired.id], 2, /expired at 2027-03-01T11:59:59.999Z/],
			[['rotate', '-t', 'f'.repeat(64)], 4, /No token with that id or value/],
			[['rotate', '-t', malformed.id, '--grace', '5'], 2, /Invalid --grace "5"/],
			[['rotate', '-t', malformed.id, '--grace', '1M'], 2, /Invalid --grace "1M"/],
			[['rotate'], 2, /Give the token with -t/],
		];
		for (const [args, code, message] of cases) {
			const result = await run(args);
			expect([result.exitCode, result.stderr, result.stdout], args.join(' ')).toEqual([code, expect.stringMatching(message), '']);
			expect(result.stderr).not.toContain(malformed.token);
		}

		expect(await dumpKeyspace(db.raw)).toBe(before);
	});
});

describe('show after a rotation', () => {
	it('the new token tells whether the old one is still used and when it stops; the old one what replaced it', async () => {
		const old = await plant(record(), 'acme');
		const rotated = await run(['rotate', '-t', old.id, '--grace', '1d']);
		const newId = tokenIdOf(rotated.stdout);
		// The old token is used three minutes after the rotation, from 10.0.0.7.
		await db.raw.hset('tokens:access', old.id, encodeLastUse(NOW + 60_000, '10.0.0.7'));
		const later = NOW + 4 * 60_000;
		const shown = await run(['show', '-t', newId], {at: later});
		expect(shown.stdout).toContain(
			`rotated from    ${old.id}: the old token was last used 3 minutes ago from 10.0.0.7 and stops working in 24 hours (2027-03-02T12:00:00.000Z)`,
		);
		const shownOld = await run(['show', '-t', old.id], {at: later});
		expect(shownOld.stdout).toContain(`replaced by     ${newId}: this token stops working in 24 hours (2027-03-02T12:00:00.000Z)`);

		const json = JSON.parse((await run(['show', '-t', newId, '--json'], {at: later})).stdout);
		expect(json.rotation).toEqual({
			rotatedFrom: {
				id: old.id,
				present: true,
				expires: '2027-03-02T12:00:00.000Z',
				access: {time: '2027-03-01T12:01:00.000Z', ip: '10.0.0.7'},
			},
		});
		expect(JSON.parse((await run(['show', '-t', old.id, '--json'])).stdout).rotation).toEqual({replacedBy: {id: newId, present: true}});

		// Once the old token is gone, the new one says so.
		await run(['revoke', '-t', old.id, '--yes']);
		expect((await run(['show', '-t', newId])).stdout).toContain(`rotated from    ${old.id}: the old token is gone`);
		// A token with no link shows no rotation at all.
		const plain = await plant(record(), 'acme');
		expect(JSON.parse((await run(['show', '-t', plain.id, '--json'])).stdout)).not.toHaveProperty('rotation');
	});

	it('a last-use address with escape sequences reaches the terminal inert', async () => {
		const old = await plant(record(), 'acme');
		const newId = tokenIdOf((await run(['rotate', '-t', old.id])).stdout);
		await db.raw.hset('tokens:access', old.id, encodeLastUse(NOW, `10.0.0.7${ESCAPES[0]}`));
		const shown = await run(['show', '-t', newId]);
		expect(shown.stdout).toContain('10.0.0.7');
		expect(shown.stdout).not.toMatch(RAW_CONTROL);
	});
});

describe('edit', () => {
	it('changes description, expiry, restrictions and metadata in place, keeping the key order', async () => {
		const {id} = await plant(record({metadata: '{"a":1}'}), 'acme');
		const result = await run([
			'edit',
			'-t',
			id,
			'--description',
			'deploy bot v2',
			'--extend',
			'30d',
			'--no-ip',
			'--referrer',
			'https://*.acme.test/*',
			'--rate-limit',
			'10/60',
			'--metadata',
			'{"b": 2}',
			'--json',
		]);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stderr).toBe(`Edited token ${id}`);
		const after = await stored(id);
		expect(Object.keys(after)).toEqual(['created', 'expires', 'account', 'scopes', 'description', 'restrictions', 'metadata']);
		expect(after).toEqual({
			...record(),
			description: 'deploy bot v2',
			expires: NOW + 55 * DAY,
			restrictions: {referrers: ['https://*.acme.test/*'], rateLimit: {maxRequests: 10, timeWindow: 60}},
			metadata: '{"b": 2}',
		});
		expect(JSON.parse(result.stdout)).toMatchObject({
			id,
			account: 'acme',
			description: 'deploy bot v2',
			expires: '2027-04-25T12:00:00.000Z',
		});
		await run(['edit', '-t', id, '--no-expiry']);
		expect(await stored(id)).not.toHaveProperty('expires');
		await run(['edit', '-t', id, '--expires', '2027-06-01']);
		expect((await stored(id))['expires']).toBe(Date.parse('2027-06-01T00:00:00Z'));
	});

	it('refuses usage errors before Redis is touched, with one line each', async () => {
		const {id} = await plant(record(), 'acme');
		const before = await dumpKeyspace(db.raw);
		const cases: Array<[string[], RegExp]> = [
			[['edit', '-t', id], /Nothing to change/],
			[['edit', '-t', id, '-a', 'other'], /account of a token cannot be changed.*Rotate instead/],
			[['edit', '-t', id, '-s', 'metrics'], /scopes of a token cannot be changed.*Rotate instead/],
			[['edit', '-t', id, '--expires', '30d', '--no-expiry'], /Give one of --expires, --no-expiry, --extend/],
			[['edit', '-t', id, '--ip', '10.0.0.1', '--no-ip'], /Give one of --ip, --no-ip/],
			[['edit', '-t', id, '--ip', '010.0.0.1'], /010\.0\.0\.1/],
			[['edit', '-t', id, '--rate-limit', '0/60'], /Invalid rate limit/],
			[['edit', '-t', id, '--metadata', '{not json'], /Metadata must be a valid JSON string/],
			[['edit', '-t', id, '--expires', '2020-01-01'], /not in the future/],
			[['edit', '-t', id, '--description', 'x'.repeat(1025)], /longer than 1024/],
			[['edit', '-t', id, '--no-expiry=yes'], /takes no value/],
		];
		for (const [args, message] of cases) {
			const result = await run(args);
			expect([result.exitCode, result.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
		}

		expect(await dumpKeyspace(db.raw)).toBe(before);
	});

	it('refuses to extend a token without expiry, and to edit a malformed, unreadable or expired one', async () => {
		const never = await plant(record({expires: undefined}), 'acme');
		const malformed = await plant(record({permissions: []}), 'acme');
		const unreadable = await plant(deepRecord(1000));
		const expired = await plant(record({expires: NOW - 1}), 'acme');
		const far = await plant(record({expires: Date.parse('9000-01-01T00:00:00Z')}), 'acme');
		const before = await dumpKeyspace(db.raw);
		const cases: Array<[string, number, RegExp]> = [
			[never.id, 2, /has no expiry to extend; give --expires instead/],
			[malformed.id, 6, /cannot be edited: its record is malformed \(permissions is malformed\)/],
			[unreadable.id, 6, /cannot be read/],
			[expired.id, 2, /expired at/],
		];
		for (const [id, code, message] of cases) {
			const result = await run(['edit', '-t', id, '--extend', '1d']);
			expect([result.exitCode, result.stderr]).toEqual([code, expect.stringMatching(message)]);
		}

		// An extension past the last day --expires takes is refused as --expires refuses it.
		const beyond = await run(['edit', '-t', far.id, '--extend', '5000y']);
		expect([beyond.exitCode, beyond.stderr]).toEqual([2, expect.stringMatching(/would expire later than 9999-12-31/)]);
		expect(await dumpKeyspace(db.raw)).toBe(before);
	});

	it('with -t - takes the raw token from stdin and never echoes it', async () => {
		const {token, id} = await plant(record(), 'acme');
		const result = await run(['edit', '-t', '-', '--description', 'from stdin'], {input: token});
		expect(result.exitCode, result.stderr).toBe(0);
		expect(`${result.stdout}${result.stderr}`).not.toContain(token);
		expect((await stored(id))['description']).toBe('from stdin');
	});
});

it('the CLI lists rotate and edit and answers their --help', async () => {
	const help = await runInProcess(['--help']);
	expect(help.stdout).toMatch(/rotate +Replace a token/);
	expect(help.stdout).toMatch(/edit +Change a token/);
	expect(help.stdout).toMatch(/8 rotate or edit: the token changed meanwhile/);
	expect((await runInProcess(['edit', '--help'])).stdout).toContain('--no-expiry');
	expect(LINK_KEY).toBe('ee-tokens');
});

it('a token stored under an upper-case id (EmailEngine imports them verbatim) is rotated, linked and edited by that id', async () => {
	const upper = 'AB'.repeat(32);
	await plantRecord(db.raw, upper, encodeRecord(record()), 'acme');
	const rotated = await run(['rotate', '-t', upper]);
	expect(rotated.exitCode, rotated.stderr).toBe(0);
	const newId = tokenIdOf(rotated.stdout);
	expect((await run(['show', '-t', newId])).stdout).toMatch(new RegExp(`rotated from +${upper}: the old token was never used`));
	expect((await run(['show', '-t', upper])).stdout).toMatch(new RegExp(`replaced by +${newId}`));
	const edited = await run(['edit', '-t', upper, '--description', 'still upper']);
	expect(edited).toMatchObject({exitCode: 0, stderr: `Edited token ${upper}`});
	expect((await stored(upper))['description']).toBe('still upper');
});

it('show of a link to a hostile record: an unreadable one is gone, a broken expiry is said, nothing reaches the terminal raw', async () => {
	const unreadable = await plant(deepRecord(1000));
	const broken = await plant(record({expires: 'soon', description: `x${ESCAPES[1]}`}), 'acme');
	for (const [old, text] of [
		[unreadable.id, 'the old token is gone (revoked, expired and removed, or its record cannot be read)'],
		[broken.id, 'the old token was never used and has an expiry that is not a time, so it cannot authenticate'],
	] as const) {
		const linked = await plant(
			record({
				metadata: `{"${LINK_KEY}":{"rotatedFrom":"${old}"},"why":"${ESCAPES[0].replaceAll('\u001B', '\\u001b').replaceAll('\u0007', '\\u0007')}"}`,
			}),
			'acme',
		);
		const shown = await run(['show', '-t', linked.id]);
		expect(shown.exitCode, shown.stderr).toBe(0);
		expect(shown.stdout).toMatch(new RegExp(`rotated from +${old}: ${text.replaceAll(/[()]/g, '\\$&')}`));
		expect(shown.stdout).not.toMatch(RAW_CONTROL);
		const json = await run(['show', '-t', linked.id, '--json']);
		expect(JSON.parse(json.stdout).rotation.rotatedFrom).toMatchObject({id: old, present: old === broken.id, expires: null});
	}
});
