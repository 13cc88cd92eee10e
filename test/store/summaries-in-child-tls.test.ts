import {rmSync} from 'node:fs';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {type TestPki, type TlsRedis, makeTestPki, startTlsRedis} from '../helpers/tls-redis.js';

// The child runs compiled code (it loads a .js file), so this test uses the build.
const built = '../../dist/store.js';
const {summariesInChild} = (await import(built)) as typeof import('../../source/store/index.js');

let pki: TestPki;
let redis: TlsRedis;

beforeAll(async () => {
	pki = makeTestPki();
	redis = await startTlsRedis(pki, {clientCertificates: true});
}, 60_000);

afterAll(async () => {
	await redis?.stop();
	rmSync(pki.dir, {recursive: true, force: true});
});

it("the child that reads a large listing connects with the target's CA, certificate and key", async () => {
	const store = new TokenStore(redis.client(8));
	await store.issue({description: 'listed by the child', scopes: ['api']});
	const target = {
		url: redis.url(8),
		source: '--dbs.redis' as const,
		prefix: '',
		timeoutMs: 10_000,
		tls: {
			ca: {path: pki.ca, from: '--dbs.tls-ca'},
			cert: {path: pki.clientCert, from: '--dbs.tls-cert'},
			key: {path: pki.clientKey, from: '--dbs.tls-key'},
		},
	};
	expect((await summariesInChild(target)).toArray()).toEqual(await store.summaries());
	// Without them, the child says why, as the command would.
	await expect(summariesInChild({...target, tls: {ca: target.tls.ca}})).rejects.toThrow(/requires a client certificate/);
}, 60_000);
