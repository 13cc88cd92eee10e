import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {TestProject} from 'vitest/node';
import {makePkiOnce} from './helpers/tls-redis.js';

/**
 * Once per run, before any test file: the private CA and certificates of the TLS tests
 * (test/helpers/tls-redis.ts), which each TLS file copies, and the directory the test
 * redis-servers keep their data in (test/helpers/redis.ts): a server a worker kept idle is stopped
 * with the worker, not by a file, so its directory is removed here. Both go when the run ends.
 */
export default function setup(project: TestProject): () => void {
	const pki = makePkiOnce();
	project.provide('testPki', pki);
	const servers = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-servers-'));
	project.provide('serversDir', servers);
	return () => {
		rmSync(servers, {recursive: true, force: true});
		if ('dir' in pki) {
			rmSync(pki.dir, {recursive: true, force: true});
		}
	};
}
