import {readFileSync, statSync} from 'node:fs';
import {type ConnectionOptions, createSecureContext} from 'node:tls';
import {TokenError, oneLine} from '../tokens/index.js';

/**
 * The files a `rediss://` connection may need beyond the system's CAs: the private CA that signed
 * the server's certificate, and a client certificate and key for a Redis that requires one
 * (mutual TLS). They are ioredis's `tls` options `ca`, `cert` and `key`, read from files.
 *
 * EmailEngine takes none of them (compatibility §1.1: `rediss:` only turns TLS on; a private CA
 * reaches it through NODE_EXTRA_CA_CERTS), so the names are ours, after ioredis's: the flags
 * `--dbs.tls-ca`, `--dbs.tls-cert`, `--dbs.tls-key`, the variables `EE_TOKENS_REDIS_TLS_CA` etc.,
 * and the URL's `?tls.ca=`, `?tls.cert=`, `?tls.key=`, which EmailEngine ignores, so one URL
 * serves both.
 */
export type TlsFileKind = 'ca' | 'cert' | 'key';
export const TLS_FILE_KINDS: readonly TlsFileKind[] = ['ca', 'cert', 'key'];

/** One file and where it was named, for every message about it ("--dbs.tls-ca /etc/ca.pem"). */
export type TlsFile = {path: string; from: string};
export type TlsFiles = Partial<Record<TlsFileKind, TlsFile>>;
export type TlsFlags = Partial<Record<TlsFileKind, string>>;

type Env = Record<string, string | undefined>;

export const tlsFlagName = (kind: TlsFileKind) => `--dbs.tls-${kind}`;
export const tlsEnvName = (kind: TlsFileKind) => `EE_TOKENS_REDIS_TLS_${kind.toUpperCase()}`;
const queryName = (kind: TlsFileKind) => `tls.${kind}`;

/** The `tls.*` query parameters a URL may carry; any other `tls.` name is refused by redisOptionsFor. */
export const TLS_QUERY_NAMES: readonly string[] = TLS_FILE_KINDS.map(kind => queryName(kind));

/** A regular file may be a certificate bundle; a CA bundle of a few hundred certificates is ~250 KB. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

function queryOf(url: string): URLSearchParams | undefined {
	try {
		return new URL(url).searchParams;
	} catch {
		// redisOptionsFor says what is wrong with the URL.
		return undefined;
	}
}

/**
 * Which files a connection to `url` uses: from the flags, else the URL's query, else the
 * environment. The URL comes before the environment because it names one server and its CA
 * travels with it; a variable left in a shell is a default for any server. The certificate and
 * key are a pair and come from one place: the first place that names either names both.
 */
export function resolveTlsFiles(url: string, flags: TlsFlags, env: Env): TlsFiles {
	const query = queryOf(url);
	const places: Array<{lookup: (kind: TlsFileKind) => string | undefined; name: (kind: TlsFileKind) => string}> = [
		{lookup: kind => flags[kind], name: tlsFlagName},
		{lookup: kind => query?.get(queryName(kind)) ?? undefined, name: kind => `${queryName(kind)} in the URL`},
		{lookup: kind => env[tlsEnvName(kind)] || undefined, name: tlsEnvName},
	];
	const files: TlsFiles = {};
	const place = (kinds: readonly TlsFileKind[]) => places.find(candidate => kinds.some(kind => candidate.lookup(kind) !== undefined));
	const ca = place(['ca']);
	if (ca) {
		files.ca = {path: ca.lookup('ca')!, from: ca.name('ca')};
	}

	const pair = place(['cert', 'key']);
	if (pair) {
		const [cert, key] = [pair.lookup('cert'), pair.lookup('key')];
		if (cert === undefined || key === undefined) {
			const [given, missing] = cert === undefined ? (['key', 'cert'] as const) : (['cert', 'key'] as const);
			throw new TokenError('usage', `${pair.name(given)} is given without ${pair.name(missing)}: a client certificate needs both`);
		}

		files.cert = {path: cert, from: pair.name('cert')};
		files.key = {path: key, from: pair.name('key')};
	}

	return files;
}

/** "--dbs.tls-ca /etc/ca.pem": a file as the messages name it. */
export const describeFile = (file: TlsFile) => `${file.from} ${JSON.stringify(file.path)}`;

/**
 * The file's bytes, or a usage error naming it (never its content): missing, unreadable, not a
 * regular file (a directory, /dev/zero), too large.
 */
function readTlsFile(file: TlsFile): Buffer {
	const refuse = (why: string) => new TokenError('usage', `Cannot read ${describeFile(file)}: ${why}`);
	try {
		const stat = statSync(file.path);
		if (!stat.isFile()) {
			throw refuse('not a regular file');
		}

		if (stat.size > MAX_FILE_BYTES) {
			throw refuse(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
		}

		return readFileSync(file.path);
	} catch (error) {
		if (error instanceof TokenError) {
			throw error;
		}

		throw refuse((error as NodeJS.ErrnoException).code ?? 'unreadable');
	}
}

/**
 * A warning when the client key can be read by other users, as ssh says of an unprotected key
 * (ssh refuses it; we warn, since the operator may share it with a group on purpose). Said on
 * every run until it is fixed.
 */
export function keyFileWarning(files: TlsFiles | undefined): string | undefined {
	const key = files?.key;
	if (!key || process.platform === 'win32') {
		return undefined;
	}

	let mode: number;
	try {
		mode = statSync(key.path).mode;
	} catch {
		// Reading it says what is wrong.
		return undefined;
	}

	return (mode & 0o077) === 0
		? undefined
		: `ee-tokens: warning: the client key ${describeFile(key)} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 it`;
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * ioredis's `tls` options with the files read and checked before anything connects: each one
 * readable, the CA and certificate holding a PEM certificate, the key matching the certificate.
 * Every failure is a usage error (exit 2) naming the file and never quoting it.
 */
export function tlsOptionsFrom(files: TlsFiles): ConnectionOptions {
	const options: ConnectionOptions = {};
	if (files.ca) {
		const ca = readTlsFile(files.ca);
		if (!ca.includes(PEM_CERTIFICATE)) {
			throw new TokenError('usage', `${describeFile(files.ca)} holds no PEM certificate (${PEM_CERTIFICATE})`);
		}

		options.ca = ca;
	}

	if (files.cert && files.key) {
		const cert = readTlsFile(files.cert);
		if (!cert.includes(PEM_CERTIFICATE)) {
			throw new TokenError('usage', `${describeFile(files.cert)} holds no PEM certificate (${PEM_CERTIFICATE})`);
		}

		options.cert = cert;
		options.key = readTlsFile(files.key);
	}

	try {
		// What Node would otherwise find out at the handshake, as an error without a file name.
		createSecureContext(options);
	} catch (error) {
		const message = oneLine(error);
		if (/key values mismatch/i.test(message)) {
			throw new TokenError('usage', `${describeFile(files.key!)} is not the key of ${describeFile(files.cert!)}`);
		}

		const suspect = /key|decoder|bad decrypt|passphrase/i.test(message) && files.key ? files.key : (files.cert ?? files.ca!);
		throw new TokenError(
			'usage',
			`${describeFile(suspect)} cannot be used (${message})${suspect === files.key ? ': give an unencrypted PEM private key' : ''}`,
		);
	}

	return options;
}

/** Certificate checks that fail because no trusted CA vouches for the server's certificate. */
const UNKNOWN_CA = new Set([
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** What happened on the way to a TLS connection, from the stream's events (see connectRedis). */
export type HandshakeState = {tcpConnected: boolean; secured: boolean};

type TlsError = NodeJS.ErrnoException & {host?: string; cert?: {subjectaltname?: string}; reason?: string};

/**
 * Why a connection to a `rediss://` URL (or a `redis://` URL reaching a TLS port) failed, in words
 * that say what to do, or undefined when TLS had nothing to do with it. `where` is the masked URL.
 */
export function tlsFailure(
	where: string,
	error: unknown,
	tls: TlsFiles | undefined,
	state: HandshakeState,
	isTls: boolean,
): string | undefined {
	const code = (error as TlsError | undefined)?.code ?? '';
	const start = `Cannot connect to Redis at ${where}`;
	if (!isTls) {
		// A TLS port drops a client that opens with plain text, before any reply. A unix socket is
		// never a TLS port (rediss:// has no socket form): a reset there is the server going away.
		return state.tcpConnected && !where.startsWith('unix:') && /^(ECONNRESET|EPIPE)$/.test(code)
			? `${start}: it closed the connection without answering (${code}), as a TLS port does: if it takes TLS, write rediss://`
			: undefined;
	}

	if (UNKNOWN_CA.has(code)) {
		return tls?.ca
			? `${start}: the server's certificate is not signed by the CA in ${describeFile(tls.ca)} (${code}): give the CA that signed it`
			: `${start}: the server's certificate is not signed by a CA this machine trusts (${code}): pass --dbs.tls-ca FILE or set NODE_EXTRA_CA_CERTS`;
	}

	if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
		const names = oneLine((error as TlsError).cert?.subjectaltname ?? 'no names').slice(0, 200);
		return `${start}: the server's certificate is not for ${(error as TlsError).host ?? 'this host'} (it names ${names}): connect by a name it lists`;
	}

	if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
		return `${start}: the server's certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${code})`;
	}

	if (/CERTIFICATE_REQUIRED/.test(code) || (state.secured && !tls?.cert && /^(ECONNRESET|EPIPE)$/.test(code))) {
		return `${start}: it closed the connection after the TLS handshake (${code}), as a Redis that requires a client certificate does: pass --dbs.tls-cert FILE and --dbs.tls-key FILE`;
	}

	if (
		tls?.cert &&
		(/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|DECRYPT_ERROR)/.test(code) ||
			(state.secured && /^(ECONNRESET|EPIPE)$/.test(code)))
	) {
		return `${start}: it closed the connection after the TLS handshake (${code}): it does not accept the client certificate ${describeFile(tls.cert)} (not signed by a CA it trusts, or expired)`;
	}

	if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|UNEXPECTED_MESSAGE/.test(code)) {
		return `${start}: it does not speak TLS (${code}): if it is a plain-text Redis, write redis://`;
	}

	if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_')) {
		return `${start}: TLS failed (${code})`;
	}

	return undefined;
}

/** The time limit ran out on a `rediss://` connection whose TCP connection stood and whose handshake never came. */
export const handshakeTimedOut = (where: string, seconds: string) =>
	`Cannot connect to Redis at ${where}: no TLS handshake within ${seconds}: if it is a plain-text Redis, write redis://`;
