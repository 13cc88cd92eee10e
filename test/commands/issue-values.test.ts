import {describe, expect, it} from 'vitest';
import {decodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {type CliResult, runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';

/**
 * `issue` values through the CLI (in-process): what a person types is what the token means, or nothing
 * is written. The grammars themselves are tested case by case in test/tokens; these are the
 * user-visible contract.
 */
const db = useCliRedis();

/** The clock every issue below runs at. */
const NOW = Date.parse('2031-05-06T07:08:09.010Z');

/** Runs `issue` with each argv in turn, at NOW, keeping the order. */
async function issueAll(argvs: readonly string[][]): Promise<CliResult[]> {
	const results: CliResult[] = [];
	for (const argv of argvs) {
		results.push(await runCli(['issue', '-d', 'v', '-s', 'api', ...argv, db.db8], {now: () => NOW}));
	}

	return results;
}

async function expectRefused(cases: Array<[string[], RegExp]>): Promise<void> {
	const results = await issueAll(cases.map(([argv]) => argv));
	for (const [index, [argv, message]] of cases.entries()) {
		const result = results[index]!;
		expect(result.exitCode, `${JSON.stringify(argv)}: ${result.stderr}`).toBe(2);
		expect(result.stderr.trim().split('\n'), JSON.stringify(argv)).toHaveLength(1);
		expect(result.stderr, JSON.stringify(argv)).toMatch(message);
		expect(result.stdout, JSON.stringify(argv)).toBe('');
	}

	expect(await db.raw.dbsize()).toBe(0);
}

const storedRecord = async (token: string) => decodeRecord((await db.raw.hgetBuffer('tokens', tokenIdOf(token.trim())))!);

describe('dates mean what was typed', () => {
	it('refuses what Date.parse misread, and a time without a zone', async () => {
		await expectRefused([
			[['--expires', '2099-01-15 oct'], /Invalid expiry "2099-01-15 oct": use a duration/],
			[['--expires', '2099-01-01junk'], /Invalid expiry "2099-01-01junk"/],
			[['--expires', '2099-02-29'], /Invalid expiry "2099-02-29": no such date or time/],
			[['--expires', '2099-01-15T09:00'], /a time needs its zone: 2099-01-15T09:00Z for UTC/],
			[['--expires', '1M'], /Invalid expiry "1M"/],
		]);
	});

	it('stores a bare date as 00:00 UTC and a date-time in the zone it names', async () => {
		const [date, zoned, duration] = await issueAll([
			['--expires', '2099-01-15'],
			['--expires', '2099-01-15T09:00+02:00'],
			['--expires', '2d'],
		]);
		expect((await storedRecord(date!.stdout))['expires']).toBe(Date.parse('2099-01-15T00:00:00Z'));
		expect((await storedRecord(zoned!.stdout))['expires']).toBe(Date.parse('2099-01-15T07:00:00Z'));
		expect((await storedRecord(duration!.stdout))['expires']).toBe(NOW + 2 * 86_400_000);
	});

	it('--help says which zone applies', async () => {
		const help = (await runCli(['issue', '--help'])).stdout;
		expect(help).toMatch(/2027-01-15 is 00:00 UTC/);
		expect(help).toMatch(/a date-time needs\s+its zone/);
	});
});

describe('addresses, referrers and rate limits mean what was typed', () => {
	it('refuses what ipaddr.js would read differently, and numbers Number() would', async () => {
		await expectRefused([
			// ipaddr.js reads 010.0.0.1 as 8.0.0.1.
			[['--ip', '010.0.0.1'], /Invalid IP address or CIDR range "010.0.0.1": write IPv4 numbers without leading zeros/],
			[['--ip', '10.0.0.0/8', '--ip', '10.1'], /Invalid IP address or CIDR range "10.1"/],
			[['--ip', '1.2.3.4/08'], /prefix after \//],
			[['--ip', 'fe80::1%eth0'], /zone/],
			[['--rate-limit', '1e3/60'], /Invalid rate limit "1e3\/60"/],
			[['--rate-limit', '0x10/60'], /Invalid rate limit "0x10\/60"/],
			[['--referrer', 'https://example.com/a b'], /Invalid referrer pattern/],
			[['-s', 'api,'], /Empty scope in "api,"/],
		]);
	});

	it('0.0.0.0/0, ::/0 and a referrer of * are issued, with a warning line each on stderr', async () => {
		const [wide, narrow] = await issueAll([
			['--ip', '0.0.0.0/0', '--ip', '::/0', '--referrer', '*'],
			['--ip', '10.0.0.0/8'],
		]);
		expect(wide!.exitCode, wide!.stderr).toBe(0);
		expect(wide!.stderr.trim().split('\n')).toEqual([
			'ee-tokens: warning: IP allowlist entry 0.0.0.0/0 allows every IPv4 address',
			'ee-tokens: warning: IP allowlist entry ::/0 allows every IPv6 address',
			'ee-tokens: warning: Referrer pattern * allows every request, even one without a Referer',
		]);
		expect((await storedRecord(wide!.stdout))['restrictions']).toEqual({referrers: ['*'], addresses: ['0.0.0.0/0', '::/0']});
		expect(narrow!.exitCode).toBe(0);
		expect(narrow!.stderr).toBe('');
	});
});
