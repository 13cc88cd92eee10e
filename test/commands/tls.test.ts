import {chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, runInProcess} from '../helpers/cli.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {type TestPki, type TlsRedis, makeTestPki, startTlsRedis} from '../helpers/tls-redis.js';
import {startServe} from '../helpers/serve.js';

/**
 * `rediss://` with a private CA and client certificates, against redis-server listening for TLS
 * with a CA made here by openssl: what an operator gives (flags, environment, the URL's query),
 * what each mistake says, and that nothing connects without verifying the server.
 */

let pki: TestPki;
let open: TlsRedis;
let mutual: TlsRedis;
let otherName: TlsRedis;
let plain: TestRedis;
// Where an embedded Redis would go if anything fell back to one: never used, checked empty.
let stateHome: string;

beforeAll(async () => {
	pki = makeTestPki();
	stateHome = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-tls-state-'));
	[open, mutual, otherName, plain] = await Promise.all([
		startTlsRedis(pki),
		startTlsRedis(pki, {clientCertificates: true}),
		startTlsRedis(pki, {cert: pki.otherNameCert, key: pki.otherNameKey}),
		startRedis(),
	]);
}, 60_000);

afterAll(async () => {
	// Only a failure of this file's refusals could have started one; it must not outlive the test.
	await run(['embedded', 'stop', '--force']);
	await Promise.all([open?.stop(), mutual?.stop(), otherName?.stop(), plain?.stop()]);
	rmSync(pki.dir, {recursive: true, force: true});
	rmSync(stateHome, {recursive: true, force: true});
});

const run = async (args: string[], env: Record<string, string> = {}) => runInProcess(args, {env: {XDG_STATE_HOME: stateHome, ...env}});
const clientFlags = () => ['--dbs.tls-cert', pki.clientCert, '--dbs.tls-key', pki.clientKey];
const quoted = (file: string) => JSON.stringify(file);
/** The client certificate where the key should be, kept private (mode 0600) so no warning joins the error. */
function certificateAsKey(): string {
	const file = path.join(pki.dir, 'certificate-as-key.pem');
	copyFileSync(pki.clientCert, file);
	chmodSync(file, 0o600);
	return file;
}

/** Issues a token through `args`' connection and lists it back through the same: the whole path works. */
async function issueAndList(args: string[], env: Record<string, string> = {}, description = 'over tls'): Promise<void> {
	const issued = await run(['issue', '-d', description, '-s', 'metrics', ...args], env);
	expect(issued.stderr).toBe('');
	expect(issued.exitCode).toBe(0);
	expect(issued.stdout).toMatch(/^[\da-f]{64}$/);
	const listed = await run(['list', '--json', ...args], env);
	expect(listed.exitCode).toBe(0);
	expect(listed.stdout).toContain(description);
}

describe('a Redis whose certificate a private CA signed', () => {
	it('without the CA: one line saying what to do, exit 3', async () => {
		const result = await run(['list', '--dbs.redis', open.url()]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toBe(
			`ee-tokens: Cannot connect to Redis at ${open.url()}: the server's certificate is not signed by a CA this machine trusts (SELF_SIGNED_CERT_IN_CHAIN): pass --dbs.tls-ca FILE or set NODE_EXTRA_CA_CERTS`,
		);
	});

	it('with --dbs.tls-ca: issue and list work, and the token is in that Redis', async () => {
		await issueAndList(['--dbs.redis', open.url(), '--dbs.tls-ca', pki.ca], {}, 'flag ca');
		expect(JSON.stringify(await open.client().hvals('tokens'))).toContain('flag ca');
	});

	it('by its name (localhost) too, as the certificate lists it', async () => {
		await issueAndList([`--dbs.redis=rediss://localhost:${open.port}/8`, `--dbs.tls-ca=${pki.ca}`], {}, 'by name');
	});

	it('with NODE_EXTRA_CA_CERTS, as EmailEngine takes it (the CLI as a process reads it at start)', async () => {
		const {runCli} = await import('../helpers/cli.js');
		const result = await runCli(['list', '--dbs.redis', open.url()], {env: {NODE_EXTRA_CA_CERTS: pki.ca}});
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
	});

	it('from EE_TOKENS_REDIS_TLS_CA', async () => {
		await issueAndList(['--dbs.redis', open.url()], {EE_TOKENS_REDIS_TLS_CA: pki.ca}, 'env ca');
	});

	it("from the URL's ?tls.ca=, with the URL from EENGINE_REDIS", async () => {
		await issueAndList([], {EENGINE_REDIS: `${open.url()}?tls.ca=${encodeURIComponent(pki.ca)}`}, 'query ca');
	});

	it('with the wrong CA: says it is not the one that signed it, exit 3', async () => {
		const result = await run(['list', '--dbs.redis', open.url(), '--dbs.tls-ca', pki.otherCa]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toBe(
			`ee-tokens: Cannot connect to Redis at ${open.url()}: the server's certificate is not signed by the CA in --dbs.tls-ca ${quoted(pki.otherCa)} (SELF_SIGNED_CERT_IN_CHAIN): give the CA that signed it`,
		);
	});

	it('for another name: a hostname mismatch, exit 3, never connected anyway', async () => {
		const result = await run(['list', '--dbs.redis', otherName.url(), '--dbs.tls-ca', pki.ca]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toBe(
			`ee-tokens: Cannot connect to Redis at ${otherName.url()}: the server's certificate is not for 127.0.0.1 (it names DNS:other.example): connect by a name it lists`,
		);
	});
});

describe('precedence: the flag, then the URL, then the environment', () => {
	const badQuery = () => `${open.url()}?tls.ca=${encodeURIComponent(pki.otherCa)}`;

	it('the flag wins over the URL and the environment', async () => {
		await issueAndList(['--dbs.redis', badQuery(), '--dbs.tls-ca', pki.ca], {EE_TOKENS_REDIS_TLS_CA: pki.otherCa}, 'flag wins');
	});

	it('the URL wins over the environment', async () => {
		const query = `${open.url()}?tls.ca=${encodeURIComponent(pki.ca)}`;
		await issueAndList(['--dbs.redis', query], {EE_TOKENS_REDIS_TLS_CA: pki.otherCa}, 'url wins');
	});

	it('a wrong CA in the flag is used (and named), even with the right one in the URL', async () => {
		const query = `${open.url()}?tls.ca=${encodeURIComponent(pki.ca)}`;
		const result = await run(['list', '--dbs.redis', query, '--dbs.tls-ca', pki.otherCa]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toContain(`not signed by the CA in --dbs.tls-ca ${quoted(pki.otherCa)}`);
	});

	it('the client certificate and key come as a pair from one place, never half from each', async () => {
		const result = await run(['list', '--dbs.redis', mutual.url(), '--dbs.tls-ca', pki.ca, '--dbs.tls-cert', pki.clientCert], {
			EE_TOKENS_REDIS_TLS_KEY: pki.clientKey,
		});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toBe('ee-tokens: --dbs.tls-cert is given without --dbs.tls-key: a client certificate needs both');
	});
});

describe('a Redis that requires a client certificate (mutual TLS)', () => {
	it('without one: one line naming the flags, exit 3', async () => {
		const result = await run(['list', '--dbs.redis', mutual.url(), '--dbs.tls-ca', pki.ca]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(
			/^ee-tokens: Cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+\/8: it closed the connection after the TLS handshake \((ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET|EPIPE)\), as a Redis that requires a client certificate does: pass --dbs\.tls-cert FILE and --dbs\.tls-key FILE$/,
		);
	});

	it('with one signed by a CA the server does not trust: names the certificate, exit 3', async () => {
		const result = await run([
			'list',
			'--dbs.redis',
			mutual.url(),
			'--dbs.tls-ca',
			pki.ca,
			'--dbs.tls-cert',
			pki.strangerCert,
			'--dbs.tls-key',
			pki.strangerKey,
		]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(
			/^ee-tokens: Cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+\/8: it closed the connection after the TLS handshake \([\w_]+\): it does not accept the client certificate --dbs\.tls-cert "[^"]+stranger\.crt" \(not signed by a CA it trusts, or expired\)$/,
		);
	});

	it('with --dbs.tls-cert and --dbs.tls-key: works', async () => {
		await issueAndList(['--dbs.redis', mutual.url(), '--dbs.tls-ca', pki.ca, ...clientFlags()], {}, 'mutual flags');
	});

	it('from EE_TOKENS_REDIS_TLS_CA, _CERT and _KEY', async () => {
		await issueAndList(
			['--dbs.redis', mutual.url()],
			{EE_TOKENS_REDIS_TLS_CA: pki.ca, EE_TOKENS_REDIS_TLS_CERT: pki.clientCert, EE_TOKENS_REDIS_TLS_KEY: pki.clientKey},
			'mutual env',
		);
	});

	it("from the URL's ?tls.ca=&tls.cert=&tls.key=", async () => {
		const query = new URLSearchParams({'tls.ca': pki.ca, 'tls.cert': pki.clientCert, 'tls.key': pki.clientKey});
		await issueAndList(['--dbs.redis', `${mutual.url()}?${query.toString()}`], {}, 'mutual query');
	});

	it('a key other users can read: a warning on every run, like ssh', async () => {
		chmodSync(pki.clientKey, 0o644);
		try {
			const result = await run(['list', '--dbs.redis', mutual.url(), '--dbs.tls-ca', pki.ca, ...clientFlags()]);
			expect(result.exitCode).toBe(0);
			expect(result.stderr).toBe(
				`ee-tokens: warning: the client key --dbs.tls-key ${quoted(pki.clientKey)} can be read by other users (mode 0644): chmod 600 it`,
			);
		} finally {
			chmodSync(pki.clientKey, 0o600);
		}
	});
});

describe('files that cannot be used: exit 2, naming the file, never its content', () => {
	it.each([
		[
			'a missing CA',
			() => ['--dbs.tls-ca', path.join(pki.dir, 'missing.crt')],
			() => `Cannot read --dbs.tls-ca ${quoted(path.join(pki.dir, 'missing.crt'))}: ENOENT`,
		],
		['a directory', () => ['--dbs.tls-ca', pki.dir], () => `Cannot read --dbs.tls-ca ${quoted(pki.dir)}: not a regular file`],
		[
			'a key given as the CA',
			() => ['--dbs.tls-ca', pki.clientKey],
			() => `--dbs.tls-ca ${quoted(pki.clientKey)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
		],
		[
			"a key that is not the certificate's",
			() => ['--dbs.tls-ca', pki.ca, '--dbs.tls-cert', pki.clientCert, '--dbs.tls-key', pki.serverKey],
			() => `--dbs.tls-key ${quoted(pki.serverKey)} is not the key of --dbs.tls-cert ${quoted(pki.clientCert)}`,
		],
		[
			'a certificate as the key',
			() => ['--dbs.tls-ca', pki.ca, '--dbs.tls-cert', pki.clientCert, '--dbs.tls-key', certificateAsKey()],
			() => `--dbs.tls-key ${quoted(certificateAsKey())} cannot be used (`,
		],
	])('%s', async (_what, flags, message) => {
		const result = await run(['list', '--dbs.redis', mutual.url(), ...flags()]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr.split('\n')).toHaveLength(1);
		expect(result.stderr.startsWith(`ee-tokens: ${message()}`)).toBe(true);
		for (const secret of [readFileSync(pki.clientKey, 'utf8'), readFileSync(pki.serverKey, 'utf8')]) {
			expect(result.stderr).not.toContain(secret.split('\n')[1]);
		}
	});
});

describe('TLS and plain text mixed up', () => {
	it('rediss:// to a plain-text Redis: says so within --dbs.timeout, no hang', async () => {
		const url = `rediss://127.0.0.1:${plain.port}/8`;
		const result = await run(['list', '--dbs.redis', url, '--dbs.timeout', '1']);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toBe(
			`ee-tokens: Cannot connect to Redis at ${url}: no TLS handshake within 1 s: if it is a plain-text Redis, write redis://`,
		);
	});

	it('redis:// to a TLS port: says so, exit 3', async () => {
		const url = `redis://127.0.0.1:${open.port}/8`;
		const result = await run(['list', '--dbs.redis', url]);
		expect(result.exitCode).toBe(3);
		expect(result.stderr).toMatch(
			new RegExp(
				`^ee-tokens: Cannot connect to Redis at ${url.replaceAll('/', '\\/')}: it closed the connection without answering \\((ECONNRESET|EPIPE)\\), as a TLS port does: if it takes TLS, write rediss://$`,
			),
		);
	});

	it('a unix socket that closes on the first bytes is not taken for a TLS port (a socket has no rediss:// form)', async () => {
		const {createServer} = await import('node:net');
		const socket = path.join(mkdtempSync(path.join(tmpdir(), 'ee-tokens-reset-')), 'redis.sock');
		const server = createServer(connection => {
			connection.once('data', () => connection.destroy());
		});
		await new Promise<void>(resolve => server.listen(socket, resolve));
		try {
			// Through the binary: in-process the first write can find the socket closed before it is sent.
			const result = await runCli(['list', '--dbs.redis', `unix://${socket}?db=8`, '--dbs.timeout', '2']);
			expect(result.exitCode).toBe(3);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).not.toContain('rediss://');
		} finally {
			server.close();
			rmSync(path.dirname(socket), {recursive: true, force: true});
		}
	});

	it('a TLS file with a plain-text URL is refused, never sent over plain text (exit 2)', async () => {
		const result = await run(['list', '--dbs.redis', plain.url(), '--dbs.tls-ca', pki.ca]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toBe(
			`ee-tokens: --dbs.tls-ca ${quoted(pki.ca)} is for TLS, and Redis at ${plain.url()} is not reached over TLS: write rediss://, or leave the file out`,
		);
	});

	it('EE_TOKENS_REDIS_TLS_CA with nothing configured: refused, no fall back to the default or the embedded Redis', async () => {
		const result = await run(['list'], {EE_TOKENS_REDIS_TLS_CA: pki.ca});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toBe(
			`ee-tokens: EE_TOKENS_REDIS_TLS_CA ${quoted(pki.ca)} is for TLS, and Redis at redis://127.0.0.1:6379/8 is not reached over TLS: write rediss://, or leave the file out`,
		);
	});
});

describe('what the URL and the flags refuse (exit 2)', () => {
	it.each([
		[
			'?tls.rejectUnauthorized=false',
			(port: number) => `rediss://127.0.0.1:${port}/8?tls.rejectUnauthorized=false`,
			'tls.rejectUnauthorized is not supported',
		],
		['?tls.ca= twice', (port: number) => `rediss://127.0.0.1:${port}/8?tls.ca=/a&tls.ca=/b`, 'tls.ca is given more than once'],
		['?tls.ca= on redis://', (port: number) => `redis://127.0.0.1:${port}/8?tls.ca=/a`, 'tls.ca, tls.cert and tls.key go with rediss://'],
	])('%s', async (_what, url, message) => {
		const result = await run(['list', '--dbs.redis', url(open.port)]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain(message);
	});

	it('--dbs.tls-ca without a value, twice, or with embedded', async () => {
		expect((await run(['list', '--dbs.tls-ca'])).stderr).toBe('ee-tokens: --dbs.tls-ca needs a value: a CA certificate file');
		expect((await run(['list', '--dbs.tls-ca=/a', '--dbs.tls-ca', '/b'])).stderr).toBe(
			'ee-tokens: --dbs.tls-ca is given twice; give it once',
		);
		const embedded = await run(['embedded', 'status', '--dbs.tls-ca', pki.ca]);
		expect(embedded.exitCode).toBe(2);
		expect(embedded.stderr).toBe(
			'ee-tokens: embedded acts only on the embedded Redis (a local socket, no TLS); --dbs.tls-ca does not apply',
		);
	});

	it('a typo of a TLS flag is suggested its spelling', async () => {
		const result = await run(['list', '--dbs.tls-cs', pki.ca]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('did you mean --dbs.tls-ca?');
	});
});

describe('serve over TLS', () => {
	it('authenticates a token stored in the TLS Redis (mutual TLS)', async () => {
		const issued = await run([
			'issue',
			'-d',
			'serve tls',
			'-s',
			'*',
			'--dbs.redis',
			mutual.url(),
			'--dbs.tls-ca',
			pki.ca,
			...clientFlags(),
		]);
		expect(issued.exitCode).toBe(0);
		const token = issued.stdout.trim();
		const served = await startServe(mutual.url(), ['--dbs.tls-ca', pki.ca, ...clientFlags()]);
		try {
			const allowed = await fetch(`${served.base}/v1/stats`, {headers: {Authorization: `Bearer ${token}`}});
			expect(allowed.status).toBe(200);
			const refused = await fetch(`${served.base}/v1/stats`, {headers: {Authorization: `Bearer ${'0'.repeat(64)}`}});
			expect(refused.status).toBe(401);
		} finally {
			await served.stop();
		}
	}, 60_000);
});
