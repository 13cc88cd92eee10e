import {rmSync} from 'node:fs';
import type {TestProject} from 'vitest/node';
import {makePkiOnce} from './helpers/tls-redis.js';

/**
 * Once per run, before any test file: the private CA and certificates of the TLS tests
 * (test/helpers/tls-redis.ts), which each TLS file copies. Removed when the run ends.
 */
export default function setup(project: TestProject): () => void {
	const pki = makePkiOnce();
	project.provide('testPki', pki);
	return () => {
		if ('dir' in pki) {
			rmSync(pki.dir, {recursive: true, force: true});
		}
	};
}
