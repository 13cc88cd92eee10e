import {describe, expect, it} from 'vitest';
import {encodeLastUse, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {ESCAPES, RAW_CONTROL, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';

const r = useCliRedis();
const DAY = 86_400_000;
const NOW = Date.parse('2027-06-01T12:00:00Z');
const now = () => NOW;
const id = (character: string) => character.repeat(64);
const review = async (args: string[] = [], options: Parameters<typeof runInProcess>[1] = {}) =>
	runInProcess(['review', ...args, r.db8], {now, ...options});

/** One token of each level, one without findings, and one expired. */
async function plantInstance(): Promise<void> {
	// high: every scope on every account.
	await plantRecord(r.raw, id('a'), encodeRecord({created: NOW - DAY, expires: NOW + 60 * DAY, scopes: ['*'], description: 'root'}));
	await r.raw.hset('tokens:access', id('a'), encodeLastUse(NOW - DAY, '10.0.0.9'));
	// medium (unused for 100 days), bound to a live account.
	await plantRecord(
		r.raw,
		id('b'),
		encodeRecord({created: NOW - 200 * DAY, expires: NOW + 60 * DAY, account: 'acme', scopes: ['api'], description: 'stale'}),
		'acme',
	);
	await r.raw.hset('tokens:access', id('b'), encodeLastUse(NOW - 100 * DAY, '10.0.0.1'));
	// low only: never expires.
	await plantRecord(r.raw, id('c'), encodeRecord({created: NOW - DAY, account: 'acme', scopes: ['metrics'], description: 'prom'}), 'acme');
	await r.raw.hset('tokens:access', id('c'), encodeLastUse(NOW - DAY, '10.0.0.2'));
	// No findings.
	await plantRecord(
		r.raw,
		id('d'),
		encodeRecord({created: NOW - DAY, expires: NOW + 60 * DAY, account: 'acme', scopes: ['api'], description: 'fine'}),
		'acme',
	);
	await r.raw.hset('tokens:access', id('d'), encodeLastUse(NOW - DAY, '10.0.0.3'));
	await r.raw.hset('iad:acme', 'account', 'acme');
	// Expired, still stored: low.
	await plantRecord(r.raw, id('e'), encodeRecord({created: NOW - 30 * DAY, expires: NOW - DAY, scopes: ['api'], description: 'old'}));
}

type Reviewed = {id: string; description: unknown; account: unknown; level: string; findings: Array<{code: string; level: string}>};

describe('ee-tokens review', () => {
	it('--json: one object per token with findings, most severe first, expired ones too; the rest counted on stderr', async () => {
		await plantInstance();
		const before = await dumpKeyspace(r.raw);
		const result = await review(['--json']);
		expect(result.exitCode, result.stderr).toBe(0);
		const reviewed = JSON.parse(result.stdout) as Reviewed[];
		expect(reviewed.map(token => [token.id, token.level])).toEqual([
			[id('a'), 'high'],
			[id('b'), 'medium'],
			[id('e'), 'low'],
			[id('c'), 'low'],
		]);
		expect(reviewed[0]).toMatchObject({description: 'root', account: null, findings: [{code: 'all-scopes', level: 'high'}]});
		expect(reviewed[1]).toMatchObject({account: 'acme', findings: [{code: 'unused', level: 'medium'}]});
		expect(reviewed[2]!.findings.map(finding => finding.code)).toEqual(['expired']);
		expect(result.stderr).toBe('Reviewed 5 tokens: 1 high, 1 medium, 2 low, 1 without findings.');
		// Nothing written: the expired token is still there, and every key is as it was.
		expect(await dumpKeyspace(r.raw)).toBe(before);
	});

	it('the table: each token with findings, level words first, 80 columns, nothing from Redis raw', async () => {
		await plantInstance();
		await plantRecord(r.raw, id('f'), encodeRecord({created: NOW - DAY, scopes: ['api'], description: `evil ${ESCAPES[0]} ${ESCAPES[1]}`}));
		await plantRecord(r.raw, id('9'), deepRecord());
		const result = await review();
		expect(result.exitCode, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		for (const line of lines) {
			expect(line.length).toBeLessThanOrEqual(80);
		}

		expect(result.stdout).not.toMatch(RAW_CONTROL);
		expect(result.stdout).toContain(`${id('a')}\n  root · all accounts\n  high    Has every scope (*) and no account binding`);
		expect(result.stdout).toContain(`${id('b')}\n  stale · account acme\n  medium  Has not been used for 100 days.`);
		expect(result.stdout).toContain(
			`${id('9')}\n  (record cannot be read)\n  medium  Its record cannot be read (nested deeper than 32 levels)`,
		);
		expect(result.stdout).toMatch(/evil \uFFFD\]0;pwned\uFFFD/);
		// The token without findings is left out.
		expect(result.stdout).not.toContain(id('d'));
		expect(result.stderr).toBe('Reviewed 7 tokens: 2 high, 2 medium, 2 low, 1 without findings.');
	});

	it('on a terminal the table fits its width', async () => {
		await plantInstance();
		const result = await review([], {terminalColumns: 60});
		expect(result.exitCode).toBe(0);
		for (const line of result.stdout.split('\n')) {
			expect(line.length).toBeLessThanOrEqual(60);
		}

		expect(result.stdout).toContain(`${id('a').slice(0, 59)}…`);
	});

	it('--format csv: a header, one row per finding, quoted when needed, formulas defused', async () => {
		await plantRecord(r.raw, id('a'), encodeRecord({created: NOW - DAY, scopes: ['*'], description: '=HYPERLINK("http://x","y")'}));
		await plantRecord(
			r.raw,
			id('b'),
			encodeRecord({created: NOW - DAY, scopes: ['*'], description: '@SUM(1,2)', account: '-acme'}),
			'-acme',
		);
		await r.raw.hset('iad:-acme', 'account', '-acme');
		const result = await review(['--format', 'csv', '--older-days', '1']);
		expect(result.exitCode, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toBe('id,description,account,level,code,finding');
		expect(lines).toContain(
			`${id('a')},"'=HYPERLINK(""http://x"",""y"")",,high,all-scopes,"Has every scope (*) and no account binding: it reaches every mailbox, the metrics and the token routes."`,
		);
		expect(lines).toContain(`${id('b')},"'@SUM(1,2)",'-acme,low,older,"Was created 1 day ago, more than 1 day; rotate it."`);
		// Every row has six fields (a quoted comma is no separator).
		for (const line of lines) {
			expect(line.replaceAll(/"(?:[^"]|"")*"/g, '').split(',')).toHaveLength(6);
		}
	});

	it('--fail-on exits 9 when a finding is at or above the level, 0 when none is; the review is printed either way', async () => {
		await plantRecord(
			r.raw,
			id('b'),
			encodeRecord({created: NOW - 200 * DAY, expires: NOW + 60 * DAY, account: 'acme', scopes: ['api']}),
			'acme',
		);
		await r.raw.hset('tokens:access', id('b'), encodeLastUse(NOW - 100 * DAY, '10.0.0.1'));
		await r.raw.hset('iad:acme', 'account', 'acme');
		const high = await review(['--fail-on', 'high']);
		expect(high.exitCode).toBe(0);
		expect(high.stdout).toContain('medium  Has not been used for 100 days.');
		const medium = await review(['--fail-on', 'medium', '--json']);
		expect(medium.exitCode).toBe(9);
		expect(JSON.parse(medium.stdout)).toHaveLength(1);
		expect((await review(['--fail-on', 'low'])).exitCode).toBe(9);
		// A longer threshold, and the medium finding is gone.
		expect((await review(['--fail-on', 'medium', '--unused-days', '120'])).exitCode).toBe(0);
	});

	it('--account reviews that account only', async () => {
		await plantInstance();
		const result = await review(['--json', '--account', 'acme']);
		expect(result.exitCode).toBe(0);
		expect((JSON.parse(result.stdout) as Reviewed[]).map(token => token.id)).toEqual([id('b'), id('c')]);
		expect(result.stderr).toBe('Reviewed 3 tokens: 0 high, 1 medium, 1 low, 1 without findings.');
	});

	it('no tokens: an empty table, [] and a header', async () => {
		expect(await review()).toMatchObject({
			exitCode: 0,
			stdout: '',
			stderr: 'Reviewed 0 tokens: 0 high, 0 medium, 0 low, 0 without findings.',
		});
		expect((await review(['--json'])).stdout).toBe('[]');
		expect((await review(['--format', 'csv'])).stdout).toBe('id,description,account,level,code,finding');
	});

	it('bad flag values are exit 2 naming the flag, before Redis is read', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['--fail-on', 'critical'], /^ee-tokens: --fail-on takes high, medium or low, not "critical"$/],
			[['--fail-on', 'HIGH'], /--fail-on takes high, medium or low/],
			[['--unused-days', '0'], /^ee-tokens: --unused-days takes a number of days from 1 to 36,500$/],
			[['--older-days', '99999'], /--older-days takes a number of days from 1 to 36,500/],
			[['--unused-days', '1.5'], /--unused-days must be a number \(0 or more, in decimal digits\)/],
			[['--unused-days', '-3'], /--unused-days must be a number \(0 or more, in decimal digits\)/],
			[['--unused-days', '9d'], /--unused-days must be a number \(0 or more, in decimal digits\)/],
			[['--format', 'xml'], /^ee-tokens: --format takes table, json or csv, not "xml"$/],
			[['--json', '--format', 'csv'], /--json and --format csv ask for two formats/],
			[['--fail-on'], /--fail-on needs a value/],
			[['--fail-on', ''], /--fail-on is empty/],
		];
		for (const [args, message] of cases) {
			// A Redis that does not exist: a flag error must come first (exit 2, not 3).
			const result = await runInProcess(['review', ...args, '--dbs.redis=redis://127.0.0.1:1/8']);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stderr, args.join(' ')).toMatch(message);
		}
	});

	it('--json of hostile records escapes them, and an integer account shows as the number it is', async () => {
		await plantRecord(
			r.raw,
			id('a'),
			rawRecord([
				['created', packed(NOW)],
				['account', packed(12_345)],
				['scopes', packed(['api'])],
				['description', packed(`x${ESCAPES[3]}${ESCAPES[4]}`)],
			]),
			12_345,
		);
		const result = await review(['--json']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		const [token] = JSON.parse(result.stdout) as Reviewed[];
		expect(token).toMatchObject({
			account: 12_345,
			description: `x${ESCAPES[3]}${ESCAPES[4]}`,
			findings: [{code: 'malformed', level: 'medium'}],
		});
	});

	it('--json escapes what comes from Redis wherever it lands: id, description and account of a plain record', async () => {
		const hostileId = `id${ESCAPES[3]}${ESCAPES[4]}\u2066`;
		await plantRecord(r.raw, hostileId, encodeRecord({created: NOW, scopes: ['api'], description: `d${ESCAPES[3]}\u007F`}));
		await plantRecord(
			r.raw,
			id('b'),
			encodeRecord({created: NOW, account: `acct${ESCAPES[4]}\u0085`, scopes: ['*'], description: 'café 😀'}),
			`acct${ESCAPES[4]}\u0085`,
		);
		const result = await review(['--json']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).not.toMatch(RAW_CONTROL);
		expect(result.stdout).not.toContain('\u007F');
		expect(result.stdout).toContain(String.raw`"id":"id\u009b31m\u202egnp.exe\u2066"`);
		const reviewed = JSON.parse(result.stdout) as Reviewed[];
		expect(reviewed.map(token => [token.id, token.description, token.account])).toEqual([
			[hostileId, `d${ESCAPES[3]}\u007F`, null],
			[id('b'), 'café 😀', `acct${ESCAPES[4]}\u0085`],
		]);
	});

	it('--fail-on high exits 9 after printing the review', async () => {
		await plantRecord(r.raw, id('a'), encodeRecord({created: Date.now(), scopes: ['*'], description: 'root'}));
		const result = await runInProcess(['review', '--fail-on', 'high', r.db8]);
		expect(result.exitCode).toBe(9);
		expect(result.stdout).toContain('high    Has every scope (*)');
		expect(result.stderr).toBe('Reviewed 1 token: 1 high, 0 medium, 0 low, 0 without findings.');
	});
});
