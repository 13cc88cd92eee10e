import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll} from 'vitest';
import {type TestRedis, startRedis} from '../../helpers/redis.js';
import {startApp} from './in-process-app.js';
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
	/**
	 * Starts the app on that Redis, in this process (startApp) or, with `pty`, under a real terminal
	 * (spawnApp); it is ended after the test.
	 */
	start(options?: StartOptions, args?: string[]): AppProcess;
	/**
	 * One app on that Redis for the cases that do not need a fresh start: started by the first case
	 * that asks, handed to each later one at the unfiltered table (Esc, Esc: a dialog closed, a kept
	 * filter cleared), and ended after the file. In this process, or under a pty for a file that
	 * reads colour from it (`sharedOnPty`).
	 */
	shared(): Promise<AppProcess>;
};

type StartOptions = Parameters<typeof spawnApp>[1] & {pty?: boolean};

/**
 * Ends what a test left running (SIGKILL under a pty, Ctrl-C in this process) and waits for it:
 * the next test starts on the Redis it used. An app still running after 5 s is an error, not one
 * left behind in the test worker.
 */
export async function endApp(app: AppProcess | undefined): Promise<void> {
	if (!app) {
		return;
	}

	app.kill('SIGKILL');
	let timer: NodeJS.Timeout | undefined;
	const ended = await Promise.race([
		app.exited.then(() => true),
		new Promise<false>(resolve => {
			timer = setTimeout(() => resolve(false), 5000);
		}),
	]);
	clearTimeout(timer);
	if (!ended) {
		throw new Error('the app did not end within 5 s of being told to');
	}
}

/**
 * The end-to-end setup every app test file shares: one seeded redis-server per file, and each
 * test's app killed after it, whatever the test did.
 */
export function appFixture({sharedOnPty = false}: {sharedOnPty?: boolean} = {}): AppFixture {
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
		await endApp(shared);
		await redis?.stop();
		if (stateDir) {
			rmSync(stateDir, {recursive: true, force: true});
		}
	});
	afterEach(async () => {
		await endApp(app);
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
		start({pty, ...options} = {}, args = [`--dbs.redis=${redis!.url()}`]) {
			app = (pty ? spawnApp : startApp)(args, {...options, env: {XDG_STATE_HOME: stateDir!, ...options.env}});
			return app;
		},
		async shared() {
			if (shared) {
				await shared.type(`${KEYS.escape}${KEYS.escape}`);
			} else {
				shared = (sharedOnPty ? spawnApp : startApp)([`--dbs.redis=${redis!.url()}`], {env: {XDG_STATE_HOME: stateDir!}});
			}

			// The table's own footer (no dialog over it: only the table's starts with `? help` or, cut, ends in `? more`), every token in it (no "N of M": no filter).
			await shared.waitFor(screen => /\d+ tokens/.test(screen) && !/ of \d/.test(screen) && /^ \? help| {2}\? more\s*$/m.test(screen), {
				message: 'the unfiltered table',
			});
			return shared;
		},
	};
}
