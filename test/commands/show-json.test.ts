import {expect, test} from 'vitest';
import {encodeRecord} from '../../source/tokens/index.js';
// Commands run in-process (runInProcess): what they do is the subject, not the process around them.
import {runInProcess as runCli} from '../helpers/cli.js';
import {useCliRedis} from '../helpers/redis.js';
import {plantRecord} from '../helpers/keyspace.js';

/** `show --json` prints EmailEngine's GET /v1/tokens/{id} body (compatibility §7), byte for byte. */

const db = useCliRedis();

const ID = 'ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d';

test('a CLI-issued token: only the fields it has, access as nulls', async () => {
	const raw = db.redis.client(8);
	await plantRecord(raw, ID, encodeRecord({created: Date.parse('2026-12-01T09:12:41.118Z'), scopes: ['api'], description: 'B cli-api'}));
	const result = await runCli(['show', '-t', ID, '--json', db.db8]);
	expect(result.exitCode, result.stderr).toBe(0);
	expect(result.stdout).toBe(
		`{"id":"${ID}","account":null,"description":"B cli-api","scopes":["api"],"created":"2026-12-01T09:12:41.118Z","access":{"time":null,"ip":null}}`,
	);
});

test('fields in EmailEngine order whatever the stored order; keys EmailEngine does not answer are left out', async () => {
	const raw = db.redis.client(8);
	await raw.hset(
		'tokens',
		ID,
		encodeRecord({description: 'd', extra: 'x', scopes: ['*'], account: 'example', expires: 0, created: 1000, metadata: '{}'}),
	);
	const result = await runCli(['show', '-t', ID, '--json', db.db8]);
	expect(result.stdout).toBe(
		`{"id":"${ID}","account":"example","description":"d","metadata":"{}","scopes":["*"],"created":"1970-01-01T00:00:01.000Z","access":{"time":null,"ip":null}}`,
	);
});
