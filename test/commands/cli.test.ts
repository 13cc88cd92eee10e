import {describe, expect, it} from 'vitest';
import {decodeExportString, decodeRecord, encodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {freePort, useCliRedis} from '../helpers/redis.js';
import {VECTOR} from '../helpers/vectors.js';

const db = useCliRedis();

const issue = async (...args: string[]) => {
	const result = await runCli(['issue', ...args, db.db8]);
	expect(result.exitCode, result.stderr).toBe(0);
	return result.stdout;
};

describe('issue', () => {
	it('prints a 64-hex token and nothing else on stdout', async () => {
		const result = await runCli(['issue', '-d', 'my token', '-s', '*', db.db8]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/^[\da-f]{64}$/);
		expect(result.stderr).toBe('');
		const record = decodeRecord((await db.raw.hgetBuffer('tokens', tokenIdOf(result.stdout)))!);
		expect(record).toMatchObject({scopes: ['*'], description: 'my token'});
	});

	it('takes the EmailEngine spelling, repeated -s, account, expiry and restrictions', async () => {
		const token = (
			await runCli([
				'tokens',
				'issue',
				'-d',
				'ci',
				'-s',
				'api',
				'-s',
				'METRICS',
				'-a',
				'0123',
				'--expires',
				'30d',
				'--ip',
				'10.0.0.0/8',
				'--referrer',
				'https://*.example.com/*',
				'--rate-limit',
				'100/60',
				db.db8,
			])
		).stdout;
		const record = decodeRecord((await db.raw.hgetBuffer('tokens', tokenIdOf(token)))!);
		expect(Object.keys(record)).toEqual(['created', 'expires', 'account', 'scopes', 'description', 'restrictions']);
		// The account stays text: EmailEngine's CLI would have stored the integer 123.
		expect(record['account']).toBe('0123');
		expect(record['scopes']).toEqual(['api', 'metrics']);
		expect(record['restrictions']).toEqual({
			referrers: ['https://*.example.com/*'],
			addresses: ['10.0.0.0/8'],
			rateLimit: {maxRequests: 100, timeWindow: 60},
		});
		expect(await db.raw.sismember('iat:0123', tokenIdOf(token))).toBe(1);
	});

	it('--json gives the token, id and record', async () => {
		const json = JSON.parse(await issue('-d', 'j', '-s', 'api', '--json')) as Record<string, unknown>;
		expect(json).toMatchObject({account: null, scopes: ['api'], description: 'j'});
		expect(json['id']).toBe(tokenIdOf(json['token'] as string));
	});

	it.each([
		[['-s', 'bogus'], /Unknown scope: "bogus"/],
		[['--expires', 'soon'], /Invalid expiry/],
		[['--ip', 'not-an-ip'], /Invalid IP address/],
		[['--rate-limit', '0/0'], /Invalid rate limit/],
		[['--nonsense'], /Unknown flag/],
	])('%j is refused in one line, with exit 2 and nothing written', async (args, message) => {
		const result = await runCli(['issue', '-d', 'x', ...args, db.db8]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toMatch(message);
		expect(result.stdout).toBe('');
		expect(await db.raw.dbsize()).toBe(0);
	});
});

describe('export and import', () => {
	it('moves a token to another db; a second import is "already present" and writes nothing', async () => {
		const token = await issue('-d', 'mover', '-s', 'api');
		const exported = await runCli(['export', '-t', token, db.db8]);
		expect(exported.exitCode).toBe(0);
		expect(exported.stdout).toMatch(/^hKJpZNlA[\w-]+$/);
		const db9 = `--dbs.redis=${db.redis.url(9)}`;
		const first = await runCli(['import', '-t', exported.stdout, db9]);
		expect(first.exitCode).toBe(0);
		expect(first.stderr).toMatch(/Token was imported/);
		const other = db.redis.client(9);
		const before = await dumpKeyspace(other);
		const second = await runCli(['tokens', 'import', '-t', exported.stdout, db9]);
		expect(second.exitCode).toBe(0);
		expect(second.stderr).toMatch(/already present, nothing written/);
		expect(await dumpKeyspace(other)).toBe(before);
		// The same token, by id, on the other side.
		expect((await runCli(['show', '-t', tokenIdOf(token), '--json', db9])).stdout).toContain('"description":"mover"');
	});

	it('imports the compatibility vector to the compatibility bytes; exporting again differs only in created', async () => {
		expect((await runCli(['import', '-t', VECTOR.exportString, db.db8])).exitCode).toBe(0);
		const stored = (await db.raw.hgetBuffer('tokens', VECTOR.id))!.toString('hex');
		// Same bytes as the compatibility vector's record except the 8 bytes of created (now, not 2024).
		expect(stored.slice(0, 20)).toBe(VECTOR.storedHex.slice(0, 20));
		expect(stored.slice(36)).toBe(VECTOR.storedHex.slice(36));
		const again = (await runCli(['export', '-t', VECTOR.id, db.db8])).stdout;
		const decoded = decodeExportString(again);
		expect(decoded.id).toBe(VECTOR.id);
		expect(decoded.fields).toMatchObject({scopes: ['*'], description: 'test token'});
		expect(again.slice(0, 100)).toBe(VECTOR.exportString.slice(0, 100));
		expect((decoded.fields['created'] as Date).getTime()).toBeGreaterThan(VECTOR.created);
	});

	it('refuses garbage in one line with exit 5 and writes nothing', async () => {
		// An empty -t is a usage error (exit 2), tested with every other empty flag in flags.test.ts.
		for (const input of ['garbage', 'AA', 'hKJpZNlA']) {
			const result = await runCli(['import', '-t', input, db.db8]);
			expect(result.exitCode, input).toBe(5);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toMatch(/^ee-tokens: Invalid export string/);
		}

		expect(await db.raw.dbsize()).toBe(0);
	});

	it('imports many from stdin with a summary; one bad line does not stop the rest', async () => {
		const a = await issue('-d', 'a', '-s', 'api');
		const b = await issue('-d', 'b', '-s', 'api', '-a', 'acme');
		const all = (await runCli(['export', '--all', db.db8])).stdout;
		expect(all.trim().split('\n')).toHaveLength(2);
		const input = `# backup\n${all.trim().split('\n')[0]}\n\nnot-a-token\n${all.trim().split('\n')[1]}\n`;
		const db10 = `--dbs.redis=${db.redis.url(10)}`;
		const result = await runCli(['import', '-t', '-', db10], {input});
		expect(result.exitCode).toBe(5);
		expect(result.stderr).toMatch(/line 4: Invalid export string/);
		expect(result.stderr).toMatch(/Imported 2, already present 0, invalid 1/);
		const json = JSON.parse((await runCli(['import', '-t', '-', '--json', db10], {input})).stdout) as {present: string[]};
		expect(json.present.sort()).toEqual([tokenIdOf(a), tokenIdOf(b)].sort());
	});

	it('import without -t is a usage error, even with strings on stdin: stdin is read only for -t -', async () => {
		const line = (await runCli(['export', '--all', db.db8])).stdout;
		for (const input of ['', line]) {
			const result = await runCli(['import', `--dbs.redis=${db.redis.url(11)}`], {input});
			expect(result.exitCode).toBe(2);
			expect(result.stderr.trim()).toBe('ee-tokens: import needs -t EXPORT_STRING, or -t - and the strings on stdin');
			expect(result.stdout).toBe('');
		}

		expect(await db.redis.client(11).dbsize()).toBe(0);
	});

	it('export of an unknown token is exit 4, not EmailEngine\'s "wg"', async () => {
		const result = await runCli(['export', '-t', '0'.repeat(64), db.db8]);
		expect(result.exitCode).toBe(4);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/No token with that id or value/);
	});
});

describe('list, show, revoke', () => {
	it('list --json returns every token, id descending, in the REST listing shape', async () => {
		const tokens = [await issue('-d', 'one', '-s', 'api'), await issue('-d', 'two', '-s', 'metrics', '-a', 'acme')];
		const json = JSON.parse((await runCli(['list', '--json', db.db8])).stdout) as Array<Record<string, unknown>>;
		expect(json.map(entry => entry['id'])).toEqual(
			tokens
				.map(token => tokenIdOf(token))
				.sort()
				.reverse(),
		);
		expect(Object.keys(json[0]!).slice(0, 2)).toEqual(['id', 'account']);
		const filtered = JSON.parse((await runCli(['list', '--json', '--scope', 'metrics', db.db8])).stdout) as unknown[];
		expect(filtered).toHaveLength(1);
		const table = (await runCli(['list', db.db8])).stdout;
		expect(table).toMatch(/Description\s+Scopes\s+Account/);
		expect(table).toContain('all accounts');
		expect(table).toContain(tokenIdOf(tokens[0]!));
	});

	it('list shows hostile descriptions inert', async () => {
		await issue('-d', 'evil\u001B]52;c;ZXZpbA==\u0007\u001B[2Jname', '-s', 'api');
		const table = (await runCli(['list', db.db8])).stdout;
		expect(table).not.toContain('\u001B');
		expect(table).not.toContain('\u0007');
		expect(table).toContain('evil');
	});

	it('list shows a hostile hash field (not a token id) inert too', async () => {
		await db.raw.hset(
			'tokens',
			`\u001B]0;pwned\u0007${'a'.repeat(50)}`,
			encodeRecord({created: 1, scopes: ['api'], description: 'odd field'}),
		);
		const table = (await runCli(['list', db.db8])).stdout;
		expect(table).toContain('odd field');
		expect(table).not.toContain('\u001B');
		expect(table).not.toContain('\u0007');
	});

	it('show prints the record and last use; unknown is exit 4', async () => {
		const token = await issue('-d', 'shown', '-s', 'smtp');
		const shown = await runCli(['show', '-t', token, db.db8]);
		expect(shown.stdout).toMatch(/description\s+shown/);
		expect(shown.stdout).toMatch(/scopes\s+smtp\n/);
		expect((await runCli(['show', '-t', 'f'.repeat(64), db.db8])).exitCode).toBe(4);
		expect((await runCli(['show', '-t', 'short', db.db8])).exitCode).toBe(2);
	});

	it('revoke needs --yes without a terminal, then deletes', async () => {
		const token = await issue('-d', 'doomed', '-s', 'api');
		const refused = await runCli(['revoke', '-t', token, db.db8]);
		expect(refused.exitCode).toBe(2);
		expect(refused.stderr).toMatch(/without --yes/);
		expect(await db.raw.hlen('tokens')).toBe(1);
		const done = await runCli(['revoke', '-t', tokenIdOf(token), '--yes', db.db8]);
		expect(done.exitCode).toBe(0);
		expect(done.stderr).toMatch(/Revoked token/);
		expect(await db.raw.dbsize()).toBe(0);
		expect((await runCli(['revoke', '-t', token, '--yes', db.db8])).exitCode).toBe(4);
	});
});

describe('the edges', () => {
	it('an unreachable Redis is one line and exit 3, for every command', async () => {
		const dead = `--dbs.redis=redis://127.0.0.1:${await freePort()}/8`;
		for (const args of [
			['list'],
			['issue', '-d', 'x'],
			['import', '-t', VECTOR.exportString],
			['export', '--all'],
			['show', '-t', VECTOR.id],
		]) {
			const result = await runCli([...args, dead]);
			expect(result.exitCode, args.join(' ')).toBe(3);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toMatch(/Cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+\/8 \(ECONNREFUSED\)/);
		}
	});

	it('a wrong password is one line, exit 3, with the password masked', async () => {
		await db.raw.config('SET', 'requirepass', 'right');
		try {
			const result = await runCli(['list', `--dbs.redis=redis://:hunter2@127.0.0.1:${db.redis.port}/8`]);
			expect(result.exitCode).toBe(3);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toMatch(/WRONGPASS|NOAUTH|invalid password/i);
			expect(result.stderr).not.toContain('hunter2');
		} finally {
			await db.raw.config('SET', 'requirepass', '');
		}
	});

	it('--dbs.redis beats EENGINE_REDIS, with a notice on stderr', async () => {
		const result = await runCli(['issue', '-d', 'x', db.db8], {env: {EENGINE_REDIS: db.redis.url(9)}});
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toMatch(/using --dbs.redis .*, not EENGINE_REDIS/);
		expect(await db.raw.hlen('tokens')).toBe(1);
	});

	it('--dbs.redis is used even when an EENGINE_REDIS_FILE it overrides cannot be read', async () => {
		const result = await runCli(['list', '--json', db.db8], {env: {EENGINE_REDIS_FILE: '/nonexistent/redis-url'}});
		expect(result).toMatchObject({exitCode: 0, stdout: '[]', stderr: ''});
		// Without the flag the file is what names the Redis: unreadable, it is a usage error.
		const without = await runCli(['list', '--json'], {env: {EENGINE_REDIS_FILE: '/nonexistent/redis-url'}});
		expect(without).toMatchObject({exitCode: 2, stdout: ''});
		expect(without.stderr).toBe('ee-tokens: Cannot read EENGINE_REDIS_FILE (/nonexistent/redis-url): ENOENT');
	});

	it('reads EENGINE_REDIS and EENGINE_REDIS_PREFIX from the environment', async () => {
		const token = (await runCli(['issue', '-d', 'env'], {env: {EENGINE_REDIS: db.redis.url(8), EENGINE_REDIS_PREFIX: 'ee'}})).stdout;
		expect(await db.raw.hexists('ee:tokens', tokenIdOf(token))).toBe(1);
	});

	it('unknown commands and tokens subcommands exit 2 instead of hanging', async () => {
		for (const args of [['tokens'], ['tokens', 'foo'], ['frobnicate']]) {
			const result = await runCli(args);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
		}
	});

	it('--help works everywhere and the app refuses to start without a terminal', async () => {
		expect((await runCli(['--help'])).stdout).toMatch(/Commands/);
		for (const command of ['issue', 'export', 'import', 'list', 'revoke', 'show', 'review']) {
			const help = await runCli([command, '--help']);
			expect(help.exitCode, command).toBe(0);
			expect(help.stdout).toMatch(new RegExp(`ee-tokens ${command}`));
		}

		const app = await runCli([]);
		expect(app.exitCode).toBe(2);
		expect(app.stderr).toMatch(/needs a terminal/);
	});
});

describe('--scope of list and export --all', () => {
	it('an unknown scope is a usage error naming it (exit 2), never an empty listing', async () => {
		await runCli(['issue', '-d', 'metrics token', '-s', 'metrics', db.db8]);
		for (const args of [['list'], ['list', '--json'], ['export', '--all']]) {
			for (const scope of ['bogus', 'metric']) {
				const result = await runCli([...args, '--scope', scope, db.db8]);
				expect(result.exitCode, `${args.join(' ')} --scope ${scope}`).toBe(2);
				expect(result.stdout).toBe('');
				expect(result.stderr).toBe(`ee-tokens: Unknown scope: "${scope}" (allowed: "*", "api", "metrics", "smtp", "imap-proxy", "mcp")`);
			}
		}
	});

	it('a known scope in any case filters as its lower-case spelling does', async () => {
		const {stdout: token} = await runCli(['issue', '-d', 'api token', '-s', 'api', db.db8]);
		await runCli(['issue', '-d', 'smtp token', '-s', 'smtp', db.db8]);
		const listed = await runCli(['list', '--json', '--scope', 'API', db.db8]);
		expect(listed.exitCode).toBe(0);
		expect((JSON.parse(listed.stdout) as Array<{id: string}>).map(item => item.id)).toEqual([tokenIdOf(token)]);
		const exported = await runCli(['export', '--all', '--scope', 'Api', db.db8]);
		expect(exported.exitCode).toBe(0);
		expect(decodeExportString(exported.stdout).id).toBe(tokenIdOf(token));
	});
});

describe('export --all says what our own import would refuse', () => {
	it('an id that is no 64 hex and a field of the wrong type: one warning each, the strings still written', async () => {
		const {stdout: token} = await runCli(['issue', '-d', 'fine', '-s', 'api', db.db8]);
		const odd = 'not-a-hex-id';
		const malformed = '2'.repeat(64);
		await plantRecord(db.raw, odd, encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description: 'odd id'}));
		await plantRecord(db.raw, malformed, encodeRecord({created: 1_790_000_000_000, scopes: 'api', description: 'scopes as text'}));
		for (const args of [
			['export', '--all'],
			['export', '--all', '--json'],
		]) {
			const result = await runCli([...args, db.db8]);
			expect(result.exitCode).toBe(0);
			expect(result.stderr.split('\n').sort()).toEqual(
				[
					`ee-tokens: warning: the export string of token ${odd} is refused by ee-tokens import: "id" is not 64 hex characters`,
					`ee-tokens: warning: the export string of token ${malformed} is refused by ee-tokens import: "scopes" must be a list of "*", "api", "metrics", "smtp", "imap-proxy", "mcp"`,
					`ee-tokens: warning: token ${malformed} can never authenticate: scopes is text, not a list`,
				].sort(),
			);
			expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(args.includes('--json') ? 5 : 3);
		}

		expect((await runCli(['export', '-t', tokenIdOf(token), db.db8])).stderr).toBe('');
	});
});

describe('export -t', () => {
	it('--json names the id the token was found under, never the raw token it was named by', async () => {
		const {stdout: token} = await runCli(['issue', '-d', 'one', '-s', 'api', db.db8]);
		const result = await runCli(['export', '-t', token, '--json', db.db8]);
		expect(result.exitCode).toBe(0);
		const item = JSON.parse(result.stdout) as {id: string; export: string};
		expect(item.id).toBe(tokenIdOf(token));
		expect(decodeExportString(item.export).id).toBe(tokenIdOf(token));
		expect(result.stdout).not.toContain(token);
	});

	it('refuses --account, --scope and --query, which only select for --all (exit 2)', async () => {
		const {stdout: token} = await runCli(['issue', '-d', 'one', '-s', 'api', db.db8]);
		for (const [flag, value] of [
			['--account', 'acme'],
			['--scope', 'api'],
			['--query', 'one'],
		] as const) {
			const result = await runCli(['export', '-t', tokenIdOf(token), flag, value, db.db8]);
			expect(result).toMatchObject({exitCode: 2, stdout: ''});
			expect(result.stderr).toBe(`ee-tokens: ${flag} selects tokens for --all; -t exports the one token named`);
		}
	});
});
