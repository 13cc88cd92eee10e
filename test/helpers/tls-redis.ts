import {chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa, execaSync, type ResultPromise} from 'execa';
import {Redis} from 'ioredis';
import {inject} from 'vitest';
import {freePort} from './redis.js';

/** The files of a private CA made for one test file: PEM paths. */
export type TestPki = {
	dir: string;
	/** The private CA's certificate (what --dbs.tls-ca takes). */
	ca: string;
	/** The server's certificate (CN and SAN 127.0.0.1 and localhost) and key, signed by the CA. */
	serverCert: string;
	serverKey: string;
	/** A client certificate and key signed by the CA (mode 0600), for mutual TLS. */
	clientCert: string;
	clientKey: string;
	/** A second CA that signed nothing here: trusting it is trusting the wrong CA. */
	otherCa: string;
	/** A certificate for another name only (CN and SAN other.example), signed by the CA. */
	otherNameCert: string;
	otherNameKey: string;
	/** A client certificate and key (mode 0600) signed by the other CA: one the server does not trust. */
	strangerCert: string;
	strangerKey: string;
};

/**
 * Every key is EC P-256: an RSA 2048 key took openssl up to a second to make, and the 6 keys of each
 * PKI blocked a test worker (the call is synchronous) for about 4 s, three files over.
 *
 * openssl is required, not optional: without it these tests must fail and say why, never skip
 * (a machine without it would otherwise pass without testing TLS at all).
 */
function openssl(args: readonly string[], cwd: string): void {
	try {
		execaSync('openssl', args, {cwd, stdin: 'ignore'});
	} catch (error) {
		const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
		throw new Error(
			missing
				? 'openssl is not on PATH: the TLS tests need it to make a private CA (install openssl)'
				: `openssl ${args[0]} failed: ${(error as Error).message}`,
			{cause: error},
		);
	}
}

/** `openssl req` making a new EC P-256 key (`name`.key) for `subject`: a request, or with -x509 a self-signed certificate. */
function newKey(dir: string, name: string, subject: string, output: string[]): void {
	openssl(
		['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-subj', subject, ...output],
		dir,
	);
}

function signed(dir: string, name: string, subject: string, san: string, extendedUse: string, ca = 'ca'): void {
	newKey(dir, name, subject, ['-out', `${name}.csr`]);
	writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${extendedUse}\n`);
	openssl(
		[
			'x509',
			'-req',
			'-in',
			`${name}.csr`,
			'-CA',
			`${ca}.crt`,
			'-CAkey',
			`${ca}.key`,
			'-CAcreateserial',
			'-days',
			'2',
			'-extfile',
			`${name}.ext`,
			'-out',
			`${name}.crt`,
		],
		dir,
	);
}

/** What test/global-setup.ts made once for the run: the PKI's directory, or why it could not be made. */
export type ProvidedPki = {dir: string} | {failure: string};

declare module 'vitest' {
	export interface ProvidedContext {
		testPki: ProvidedPki;
	}
}

/**
 * Makes the run's private CA and certificates with openssl (test/global-setup.ts calls it once per
 * run): the ten openssl runs are synchronous, and made by each TLS file they blocked its test worker
 * three files over.
 */
export function makePkiOnce(): ProvidedPki {
	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-pki-'));
	try {
		makePkiIn(dir);
		return {dir};
	} catch (error) {
		rmSync(dir, {recursive: true, force: true});
		return {failure: (error as Error).message};
	}
}

/**
 * A private CA, a server and a client certificate signed by it: a copy, in a temporary directory
 * of the file's own (a file may add files there or change a key's mode), of what the run made once.
 */
export function makeTestPki(): TestPki {
	const provided = inject('testPki');
	if ('failure' in provided) {
		throw new Error(provided.failure);
	}

	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-pki-'));
	cpSync(provided.dir, dir, {recursive: true});
	return pkiIn(dir);
}

function makePkiIn(dir: string): void {
	for (const ca of ['ca', 'other-ca']) {
		newKey(dir, ca, `/CN=ee-tokens test ${ca}`, ['-x509', '-days', '2', '-out', `${ca}.crt`]);
	}

	signed(dir, 'server', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:localhost', 'serverAuth');
	signed(dir, 'client', '/CN=ee-tokens test client', 'DNS:client.example', 'clientAuth');
	signed(dir, 'other-name', '/CN=other.example', 'DNS:other.example', 'serverAuth');
	signed(dir, 'stranger', '/CN=ee-tokens test stranger', 'DNS:stranger.example', 'clientAuth', 'other-ca');
}

/** The PKI's files in `dir`, each key readable by its owner only. */
function pkiIn(dir: string): TestPki {
	for (const key of ['server.key', 'client.key', 'other-name.key', 'stranger.key']) {
		chmodSync(path.join(dir, key), 0o600);
	}

	const file = (name: string) => path.join(dir, name);
	return {
		dir,
		ca: file('ca.crt'),
		serverCert: file('server.crt'),
		serverKey: file('server.key'),
		clientCert: file('client.crt'),
		clientKey: file('client.key'),
		otherCa: file('other-ca.crt'),
		otherNameCert: file('other-name.crt'),
		otherNameKey: file('other-name.key'),
		strangerCert: file('stranger.crt'),
		strangerKey: file('stranger.key'),
	};
}

export type TlsRedisOptions = {
	/** Require a client certificate signed by the CA (redis-server's --tls-auth-clients yes). */
	clientCertificates?: boolean;
	/** The server presents this certificate and key instead of the one for 127.0.0.1. */
	cert?: string;
	key?: string;
};

export type TlsRedis = {
	port: number;
	/** `rediss://127.0.0.1:PORT/DB` */
	url(db?: number): string;
	/** A raw client over TLS (with the client certificate), for assertions on the keyspace. */
	client(db?: number): Redis;
	stop(): Promise<void>;
};

/** A redis-server listening only on a TLS port, its certificate signed by the PKI's private CA. */
export async function startTlsRedis(pki: TestPki, options: TlsRedisOptions = {}): Promise<TlsRedis> {
	const port = await freePort();
	const dir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-tls-redis-'));
	const child: ResultPromise = execa(
		'redis-server',
		[
			'--port',
			'0',
			'--tls-port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--tls-cert-file',
			options.cert ?? pki.serverCert,
			'--tls-key-file',
			options.key ?? pki.serverKey,
			'--tls-ca-cert-file',
			pki.ca,
			'--tls-auth-clients',
			options.clientCertificates ? 'yes' : 'no',
		],
		{stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false},
	);
	const clients: Redis[] = [];
	const tls = () => ({
		ca: readFileSync(pki.ca),
		cert: readFileSync(pki.clientCert),
		key: readFileSync(pki.clientKey),
		// The certificate of another name (options.cert) is still the server this test started.
		...(options.cert ? {checkServerIdentity: () => undefined} : {}),
	});
	for (let attempt = 0; ; attempt++) {
		const probe = new Redis({port, host: '127.0.0.1', tls: tls(), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0});
		probe.on('error', () => {});
		try {
			await probe.connect();
			await probe.ping();
			probe.disconnect();
			break;
		} catch {
			probe.disconnect();
			if (attempt === 200 || child.exitCode !== null) {
				child.kill();
				const {stderr} = await child;
				throw new Error(`redis-server with TLS did not start on port ${port}: ${String(stderr).slice(-500)}`);
			}

			await new Promise(resolve => setTimeout(resolve, 25));
		}
	}

	return {
		port,
		url: (db = 8) => `rediss://127.0.0.1:${port}/${db}`,
		client(db = 8) {
			const client = new Redis({port, host: '127.0.0.1', db, tls: tls(), maxRetriesPerRequest: 1});
			client.on('error', () => {});
			clients.push(client);
			return client;
		},
		async stop() {
			for (const client of clients) {
				client.disconnect();
			}

			child.kill('SIGTERM');
			await child;
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
