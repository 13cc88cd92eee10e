import {rmSync} from 'node:fs';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {type TestPki, type TlsRedis, makeTestPki, startTlsRedis} from '../helpers/tls-redis.js';
import {startApp} from './helpers/in-process-app.js';
import {type AppProcess} from './helpers/pty.js';
import {endApp} from './helpers/app-fixture.js';

/** The app against a Redis that takes only TLS with a client certificate, its CA private (made here). */

let pki: TestPki;
let redis: TlsRedis;
let app: AppProcess | undefined;

beforeAll(async () => {
	pki = makeTestPki();
	redis = await startTlsRedis(pki, {clientCertificates: true});
	await new TokenStore(redis.client(8)).issue({description: 'Reached over mutual TLS', scopes: ['metrics']});
}, 60_000);

afterAll(async () => {
	await endApp(app);
	await redis?.stop();
	rmSync(pki.dir, {recursive: true, force: true});
});

it('starts with --dbs.tls-ca, --dbs.tls-cert and --dbs.tls-key and shows the tokens there', async () => {
	app = startApp([`--dbs.redis=${redis.url(8)}`, '--dbs.tls-ca', pki.ca, '--dbs.tls-cert', pki.clientCert, '--dbs.tls-key', pki.clientKey]);
	const screen = await app.waitFor(text => text.includes('Reached over mutual TLS') && text.includes('● connected'), {timeout: 30_000});
	expect(screen).toContain(redis.url(8));
	app.write('q');
	expect((await app.exited).exitCode).toBe(0);
}, 60_000);
