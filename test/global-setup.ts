import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {TestProject} from 'vitest/node';
import {makePkiOnce} from './helpers/tls-redis.js';

/**
 * Once per run, before any test file: the private CA and certificates of the TLS tests
 * (test/helpers/tls-redis.ts), which each TLS file copies, and the directory the test
 * redis-servers keep their data in (test/helpers/redis.ts): a server a worker kept idle is stopped
 * with the worker, not by a file, so its directory is removed here. Both go when the run ends,
 * and with them any server still running: a worker that was killed or crashed (a test that timed
 * out, a failing run stopped with Ctrl-C) did not stop its own, which then outlived the run.
 */
export default function setup(project: TestProject): () => void {
	const pki = makePkiOnce();
	project.provide('testPki', pki);
	const servers = mkdtempSync(path.join(tmpdir(), 'ee-tokens-test-servers-'));
	project.provide('serversDir', servers);
	return () => {
		stopLeftServers(servers);
		rmSync(servers, {recursive: true, force: true});
		if ('dir' in pki) {
			rmSync(pki.dir, {recursive: true, force: true});
		}
	};
}

/**
 * Kills each redis-server of this run still running: one per pid file its servers write in their
 * directories (test/helpers/redis.ts). A pid is killed only while it is a redis-server (a server
 * that exited long ago may have left its pid to another process); where there is no /proc to ask,
 * nothing is killed.
 */
function stopLeftServers(servers: string): void {
	for (const dir of readdirSync(servers)) {
		const pidFile = path.join(servers, dir, 'redis.pid');
		const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : Number.NaN;
		try {
			if (Number.isInteger(pid) && pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server')) {
				process.kill(pid, 'SIGKILL');
			}
		} catch {
			// Gone already, or not ours to ask about.
		}
	}
}
