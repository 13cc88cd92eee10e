import {describe, expect, it} from 'vitest';
import {encodeLastUse, encodeRecord} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {cliFields, deepRecord, packed, rawRecord} from '../helpers/hostile-records.js';
import {plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';

const db = useCliRedis();
const NOW = Date.parse('2026-11-22T08:00:00Z');
const DAY = 86_400_000;
const id = (n: number) => n.toString(16).padStart(64, '0');

/** Tokens with known times, planted as EmailEngine stores them, and last uses where given. */
async function plant(): Promise<void> {
	const tokens = [
		{n: 1, record: {created: NOW - DAY, scopes: ['api'], description: 'Billing service', account: 'acme'}, used: NOW - 3_600_000},
		{n: 2, record: {created: NOW - 200 * DAY, scopes: ['api'], description: 'Old sync', account: 'acme'}, used: NOW - 120 * DAY},
		{n: 3, record: {created: NOW - 300 * DAY, scopes: ['api', 'metrics'], description: 'Grafana agent'}},
		{n: 4, record: {created: NOW - DAY, scopes: ['metrics'], description: 'Prometheus scraper'}},
		{n: 5, record: {created: NOW - DAY, scopes: ['*'], description: 'Admin automation'}},
		{n: 6, record: {created: NOW - 30 * DAY, expires: NOW - DAY, scopes: ['api'], description: 'Expired export', account: 'acme'}},
		{n: 7, record: {created: NOW - DAY, expires: NOW + 3 * DAY, scopes: ['smtp'], description: 'Mail relay', account: 'relay'}},
	];
	for (const {n, record, used} of tokens) {
		await plantRecord(db.raw, id(n), encodeRecord(record), record.account);
		if (used !== undefined) {
			await db.raw.hset('tokens:access', id(n), encodeLastUse(used, '10.0.0.7'));
		}
	}
}

const list = async (...args: string[]) => runCli(['list', ...args, db.db8], {now: () => NOW});

/** The ids `list --json --query Q` prints. */
async function ids(query: string, ...args: string[]): Promise<string[]> {
	const result = await list('--json', '--query', query, ...args);
	expect(result.exitCode, result.stderr).toBe(0);
	return (JSON.parse(result.stdout) as Array<{id: string}>).map(token => token.id);
}

describe('list --query: the filter language', () => {
	it('selects by terms, ANDed, with last use, in the REST listing shape', async () => {
		await plant();
		expect(await ids('scope:api unused:>90d')).toEqual([id(3), id(2)]);
		expect(await ids('scope:api unused:>90d account:acme')).toEqual([id(2)]);
		expect(await ids('is:never-used is:unbound')).toEqual([id(5), id(4), id(3)]);
		expect(await ids('expires:<7d')).toEqual([id(7)]);
		expect(await ids('created:<2026-06-01')).toEqual([id(3), id(2)]);
		expect(await ids('created:<2026-03-01')).toEqual([id(3)]);
		// The JSON rows carry their last use, as without a query.
		const [old] = JSON.parse((await list('--json', '--query', 'old')).stdout) as Array<Record<string, unknown>>;
		expect(old).toMatchObject({id: id(2), description: 'Old sync', access: {ip: '10.0.0.7'}});
	});

	it('a token whose stored last use cannot be read is neither never used nor idle, to list or to revoke', async () => {
		await plant();
		// Used, as far as anyone knows: its access value is there but says no time.
		await plantRecord(db.raw, id(8), encodeRecord({created: NOW - 300 * DAY, scopes: ['api'], description: 'Garbled use'}));
		await db.raw.hset('tokens:access', id(8), Buffer.from('not msgpack'));
		expect(await ids('is:never-used is:unbound')).toEqual([id(5), id(4), id(3)]);
		expect(await ids('unused:>90d')).toEqual([id(3), id(2)]);
		expect(await ids('unused:<90d')).not.toContain(id(8));
		expect(await ids('garbled')).toEqual([id(8)]);
		const plan = await runCli(['revoke', '--query', 'is:never-used', '--dry-run', '--json', db.db8], {now: () => NOW});
		expect(plan.exitCode, plan.stderr).toBe(0);
		expect((JSON.parse(plan.stdout) as Array<{id: string}>).map(token => token.id)).not.toContain(id(8));
		const review = await runCli(['review', '--json', db.db8], {now: () => NOW});
		const row = (JSON.parse(review.stdout) as Array<{id: string; findings: Array<{code: string}>}>).find(token => token.id === id(8));
		expect(row?.findings.map(finding => finding.code)).toContain('last-use-unreadable');
		expect(row?.findings.map(finding => finding.code)).not.toContain('never-used');
		// --json says which null it is: unreadable, unlike a token never used (id 3); serve's bodies stay EmailEngine's.
		const [garbled] = JSON.parse((await list('--json', '--query', 'garbled')).stdout) as Array<Record<string, unknown>>;
		expect(garbled!['access']).toStrictEqual({time: null, ip: null, unreadable: true});
		const shown = JSON.parse((await runCli(['show', '-t', id(8), '--json', db.db8])).stdout) as Record<string, unknown>;
		expect(shown['access']).toStrictEqual({time: null, ip: null, unreadable: true});
		const never = JSON.parse((await runCli(['show', '-t', id(3), '--json', db.db8])).stdout) as Record<string, unknown>;
		expect(never['access']).toStrictEqual({time: null, ip: null});
		const revoking = await runCli(['revoke', '--query', 'garbled', '--dry-run', '--json', db.db8], {now: () => NOW});
		expect(JSON.parse(revoking.stdout)).toEqual([expect.objectContaining({id: id(8), access: {time: null, ip: null, unreadable: true}})]);
		// And where show --json names the token a rotated one came from.
		const rotated = await runCli(['rotate', '-t', id(8), '--grace', '1h', '--json', db.db8], {now: () => NOW});
		expect(rotated.exitCode, rotated.stderr).toBe(0);
		const newId = (JSON.parse(rotated.stdout) as {id: string}).id;
		const successor = JSON.parse((await runCli(['show', '-t', newId, '--json', db.db8], {now: () => NOW})).stdout) as {
			rotation: {rotatedFrom: {access: unknown}};
		};
		expect(successor.rotation.rotatedFrom.access).toStrictEqual({time: null, ip: null, unreadable: true});
	});

	it('finds a token by the id as tables show it: a hex prefix of 8 or more characters, not a shorter one or a piece inside', async () => {
		await plant();
		const coffee = `c0ffee12${'9'.repeat(56)}`;
		await plantRecord(db.raw, coffee, encodeRecord({created: NOW - DAY, scopes: ['api'], description: 'Coffee machine'}));
		expect(await ids(coffee.slice(0, 12))).toEqual([coffee]);
		expect(await ids('C0FFEE12')).toEqual([coffee]);
		expect(await ids('c0ffee1')).toEqual([]);
		expect(await ids('0ffee129')).toEqual([]);
		// Combined with terms, as any word is.
		expect(await ids('c0ffee12 scope:metrics')).toEqual([]);
	});

	it('finds with plain words what the table shows (scopes and account columns), not a piece of the id', async () => {
		await plant();
		expect(await ids('metrics')).toEqual([id(4), id(3)]);
		expect(await ids('all scopes')).toEqual([id(5)]);
		expect(await ids('all accounts')).toEqual([id(5), id(4), id(3)]);
		expect(await ids(id(3).slice(-10))).toEqual([]);
		expect(await ids(id(3))).toEqual([id(3)]);
		const table = await list('--query', 'metrics');
		expect(table.exitCode).toBe(0);
		expect(table.stdout.split('\n').slice(1)).toEqual([
			expect.stringMatching(/^0{63}4 {2}Prometheus scraper {2}metrics /),
			expect.stringMatching(/^0{63}3 {2}Grafana agent {7}api, metrics /),
		]);
	});

	it('is:expired lists the expired tokens a listing hides, without --all', async () => {
		await plant();
		expect(await ids('is:expired')).toEqual([id(6)]);
		expect(await ids('acme')).toEqual([id(2), id(1)]);
		expect(await ids('acme', '--all')).toEqual([id(6), id(2), id(1)]);
	});

	it('risk: selects by review level, account existence included, in JSON and in the table', async () => {
		await plant();
		await db.raw.hset('iad:relay', 'account', 'relay');
		// Every scope unbound (5) and api on every account with no limit (3) are high.
		expect(await ids('risk:high')).toEqual([id(5), id(3)]);
		// acme has no account hash: its tokens are bound to a deleted account (medium); relay exists,
		// but its token expires within 7 days (medium); 4 is low (never expires).
		expect(await ids('risk:medium')).toEqual([id(7), id(2), id(1)]);
		expect(await ids('risk:>=medium')).toEqual([id(7), id(5), id(3), id(2), id(1)]);
		expect(await ids('risk:low')).toEqual([id(4)]);
		expect(await ids('risk:low is:expired')).toEqual([id(6)]);
		const table = await list('--query', 'risk:high');
		expect(table.exitCode).toBe(0);
		expect(table.stdout).toContain('Admin automation');
		expect(table.stdout).toContain('Grafana agent');
		expect(table.stdout).not.toContain('Billing service');
		const bad = await list('--query', 'risk:>=severe');
		expect([bad.exitCode, bad.stderr.trim()]).toEqual([
			2,
			'ee-tokens: Filter term "risk:>=severe" names no level (risk:high, risk:medium, risk:low, or risk:>=medium)',
		]);
	});

	it('combines with --account and --scope', async () => {
		await plant();
		expect(await ids('unused:>90d', '--account', 'acme')).toEqual([id(2)]);
		expect(await ids('is:never-used', '--scope', 'metrics')).toEqual([id(4), id(3)]);
	});

	it.each([
		['unused:>abc', 'ee-tokens: Filter term "unused:>abc" needs a duration (90d, 12h, 2w, 1y) after >'],
		['is:weird', 'ee-tokens: Filter term "is:weird" is not one of is:expired, is:bound, is:unbound, is:never-used'],
		[
			'acme foo:bar',
			'ee-tokens: Unknown filter term "foo:" (terms: scope: account: acct: is: risk: unused: expires: created:; quote a word with a colon to search for it)',
		],
		['x'.repeat(1025), 'ee-tokens: Query is longer than 1024 characters'],
	])('a query it cannot read is a usage error naming the term (exit 2), never an empty listing: %s', async (query, message) => {
		await plant();
		for (const json of [[], ['--json']]) {
			const result = await list(...json, '--query', query);
			expect(result.exitCode).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr.trim()).toBe(message);
		}
	});

	it('reads hostile records as list does: unreadable and mistyped records, upper-case ids', async () => {
		await plant();
		const upper = 'AB'.repeat(32);
		await plantRecord(db.raw, upper, rawRecord(cliFields('Upper case id')));
		await plantRecord(db.raw, id(20), rawRecord([...cliFields('typed wrong'), ['account', packed(12_345)], ['scopes', packed('api')]]));
		await plantRecord(db.raw, id(21), deepRecord());
		expect(await ids(upper.toLowerCase())).toEqual([upper]);
		expect(await ids('upper case')).toEqual([upper]);
		expect(await ids('account:12345')).toEqual([id(20)]);
		const result = await list('--json', '--query', 'scope:api is:never-used');
		expect(result.exitCode).toBe(0);
		expect((JSON.parse(result.stdout) as Array<{id: string}>).map(token => token.id)).toEqual([upper, id(3)]);
		expect(result.stderr).toContain(`skipped token ${id(21)}`);
	});
});

describe('export --all --query: the same language, so what list shows is what export writes', () => {
	it('exports exactly the tokens list --query lists, and refuses a query it cannot read', async () => {
		await plant();
		for (const query of ['scope:api unused:>90d', 'metrics', 'all scopes', 'account:acme']) {
			const exported = await runCli(['export', '--all', '--json', '--query', query, db.db8], {now: () => NOW});
			expect(exported.exitCode, exported.stderr).toBe(0);
			const exportedIds = (JSON.parse(exported.stdout) as Array<{id: string}>).map(token => token.id);
			expect(exportedIds, query).toEqual(await ids(query));
		}

		const bad = await runCli(['export', '--all', '--query', 'unused:>abc', db.db8], {now: () => NOW});
		expect(bad.exitCode).toBe(2);
		expect(bad.stdout).toBe('');
	});
});
