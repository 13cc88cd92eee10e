import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll} from 'vitest';
import {type TestRedis, startRedis} from '../../helpers/redis.js';
import {type AppProcess, KEYS, spawnApp} from './pty.js';
import {type Seeded, seedTokens} from './seed.js';

export type AppFixture = {
	/** The file's redis-server, seeded with the sample tokens. */
	readonly redis: TestRedis;
	readonly seeded: Seeded[];
	/**
	 * The apps' XDG_STATE_HOME, removed after the file: where a revoke's undo journals go
	 * (`journals/` in it), never the developer's own state directory.
	 */
	readonly stateDir: string;
	/** Starts the app on that Redis under a pty; it is killed after the test. */
	start(options?: Parameters<typeof spawnApp>[1], args?: string[]): AppProcess;
	/**
	 * One app on that Redis for the cases that do not need a fresh start: started by the first case
	 * that asks, handed to each later one at the unfiltered table (Esc, Esc: a dialog closed, a kept
	 * filter cleared), and killed after the file.
	 */
	shared(): Promise<AppProcess>;
};

/**
 * The end-to-end setup every app test file shares: one seeded redis-server per file, and each
 * test's app killed after it, whatever the test did.
 */
export function appFixture(): AppFixture {
	let redis: TestRedis | undefined;
	let seeded: Seeded[] = [];
	let stateDir: string | undefined;
	let app: AppProcess | undefined;
	let shared: AppProcess | undefined;
	beforeAll(async () => {
		stateDir = mkdtempSync(path.join(tmpdir(), 'ee-tokens-app-state-'));
		redis = await startRedis();
		seeded = await seedTokens(redis.url());
	});
	afterAll(async () => {
		shared?.kill('SIGKILL');
		await redis?.stop();
		if (stateDir) {
			rmSync(stateDir, {recursive: true, force: true});
		}
	});
	afterEach(() => {
		app?.kill('SIGKILL');
		app = undefined;
	});
	return {
		get redis() {
			return redis!;
		},
		get seeded() {
			return seeded;
		},
		get stateDir() {
			return stateDir!;
		},
		start(options = {}, args = [`--dbs.redis=${redis!.url()}`]) {
			app = spawnApp(args, {...options, env: {XDG_STATE_HOME: stateDir!, ...options.env}});
			return app;
		},
		async shared() {
			if (shared) {
				await shared.type(`${KEYS.escape}${KEYS.escape}`);
			} else {
				shared = spawnApp([`--dbs.redis=${redis!.url()}`], {env: {XDG_STATE_HOME: stateDir!}});
			}

			// The table's own footer (no dialog over it: only the table's starts with `? help` or, cut, ends in `? more`), every token in it (no "N of M": no filter).
			await shared.waitFor(screen => /\d+ tokens/.test(screen) && !/ of \d/.test(screen) && /^ \? help| {2}\? more\s*$/m.test(screen), {
				message: 'the unfiltered table',
			});
			return shared;
		},
	};
}
