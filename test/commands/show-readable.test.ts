import {describe, expect, it} from 'vitest';
import {tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';

/**
 * `show` says a token's fields as people read them (the app's details view's words), marks an
 * expired token as expired, and keeps EmailEngine's machine form under --json.
 */
const r = useCliRedis();
const ISSUED = Date.parse('2027-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

const issue = async (...args: string[]) => {
	const result = await runCli(['issue', ...args, r.db8], {now: () => ISSUED});
	expect(result.exitCode, result.stderr).toBe(0);
	return tokenIdOf(result.stdout.trim());
};

describe('show is for people', () => {
	it('marks a token whose expiry has passed as expired, and one still valid not', async () => {
		const id = await issue('-d', 'short lived', '-s', 'api', '--expires', '1h');
		const before = await runCli(['show', '-t', id, r.db8], {now: () => ISSUED + HOUR / 2});
		expect(before.exitCode, before.stderr).toBe(0);
		expect(before.stdout).toMatch(/^expires +2027-03-01T13:00:00\.000Z \(in 30 minutes\)$/m);

		const after = await runCli(['show', '-t', id, r.db8], {now: () => ISSUED + 2 * HOUR});
		expect(after.exitCode, after.stderr).toBe(0);
		expect(after.stdout).toMatch(/^expires +2027-03-01T13:00:00\.000Z \(1 hour ago\): expired$/m);
	});

	it('says never used, all accounts and restrictions in words, not as JSON', async () => {
		const id = await issue('-d', 'readable', '-s', 'api', '--ip', '10.0.0.0/8', '--rate-limit', '100/60');
		const shown = await runCli(['show', '-t', id, r.db8], {now: () => ISSUED});
		expect(shown.exitCode, shown.stderr).toBe(0);
		const lines = shown.stdout.split('\n');
		expect(lines).toContain('account         all accounts');
		expect(lines).toContain('last used       never');
		expect(lines).toContain('  IP allowlist  10.0.0.0/8');
		expect(lines).toContain('  rate limit    100 requests per 60 s');
		expect(lines).toContain('expires         no expiry');
		expect(shown.stdout).not.toContain('{"time":null');
		expect(shown.stdout).not.toMatch(/^account +null$/m);
	});

	it('--json keeps the machine form: null account, access {time: null, ip: null}, no "expired" words', async () => {
		const id = await issue('-d', 'machine', '-s', 'api', '--expires', '1h');
		const shown = await runCli(['show', '-t', id, '--json', r.db8], {now: () => ISSUED + 2 * HOUR});
		expect(shown.exitCode, shown.stderr).toBe(0);
		expect(JSON.parse(shown.stdout)).toEqual({
			id,
			account: null,
			description: 'machine',
			scopes: ['api'],
			created: '2027-03-01T12:00:00.000Z',
			expires: '2027-03-01T13:00:00.000Z',
			access: {time: null, ip: null},
		});
	});
});
