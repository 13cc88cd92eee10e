import {afterAll, afterEach, beforeAll} from 'vitest';
import {type TestRedis, startRedis} from '../../helpers/redis.js';
import {type AppProcess, KEYS, spawnApp} from './pty.js';
import {type Seeded, seedTokens} from './seed.js';

export type AppFixture = {
	/** The file's redis-server, seeded with the sample tokens. */
	readonly redis: TestRedis;
	readonly seeded: Seeded[];
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
	let app: AppProcess | undefined;
	let shared: AppProcess | undefined;
	beforeAll(async () => {
		redis = await startRedis();
		seeded = await seedTokens(redis.url());
	});
	afterAll(async () => {
		shared?.kill('SIGKILL');
		await redis?.stop();
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
		start(options = {}, args = [`--dbs.redis=${redis!.url()}`]) {
			app = spawnApp(args, options);
			return app;
		},
		async shared() {
			if (shared) {
				await shared.type(`${KEYS.escape}${KEYS.escape}`);
			} else {
				shared = spawnApp([`--dbs.redis=${redis!.url()}`]);
			}

			// The table's own footer (no dialog over it), every token in it (no "N of M": no filter).
			await shared.waitFor(screen => /\d+ tokens/.test(screen) && !/ of \d/.test(screen) && /^ *\? help/m.test(screen), {
				message: 'the unfiltered table',
			});
			return shared;
		},
	};
}
