import {Worker} from 'node:worker_threads';
import type {KeySource} from './hooks/keypress.js';
import {type FromWorker, INPUT_STATE, type ToWorker, type WorkerData} from './tty-input-protocol.js';

/** How long a Ctrl-C may wait for the main thread before the reader ends the process itself. */
export const CTRL_C_GRACE_MS = 1000;

/** How long stop() waits for the reader to put the terminal back in cooked mode. */
const STOP_WAIT_MS = 500;

export type TtyInput = KeySource & {
	/** Resolves once raw mode is on: keys typed before then are echoed by the terminal. */
	ready: Promise<void>;
	/** Cooked mode back and reading stopped, before this returns (idempotent). */
	stop: () => void;
};

/**
 * The terminal's keys, read by a worker thread (tty-input-worker.ts) that owns raw mode. `restore`
 * is what the reader writes to the terminal if it has to end a process that did not answer
 * Ctrl-C. `onLost` is called if the reader dies: with no input the app could never be quit.
 */
export function startTtyInput({restore, onLost}: {restore: string; onLost: (error: unknown) => void}): TtyInput {
	const state = new Int32Array(new SharedArrayBuffer(4));
	const worker = new Worker(new URL('tty-input-worker.js', import.meta.url), {
		workerData: {restore, graceMs: CTRL_C_GRACE_MS, state} satisfies WorkerData,
		stdin: false,
		stdout: false,
		stderr: false,
	});
	// The reader never keeps the process alive: quitting is the main thread's to decide (or the
	// reader's own, after the grace period).
	worker.unref();
	let stopped = false;
	const lost = (error: unknown) => {
		if (!stopped) {
			onLost(error);
		}
	};

	worker.on('error', lost);
	worker.on('exit', code => lost(new Error(`the terminal reader stopped (${code})`)));
	const listeners = new Set<(text: string) => {quit: boolean}>();
	let ready: () => void = () => {};
	const isReady = new Promise<void>(resolve => {
		ready = resolve;
	});
	worker.on('message', (message: FromWorker) => {
		if (message.type === 'ready') {
			ready();
			return;
		}

		let quit = false;
		for (const listener of listeners) {
			quit = listener(message.text).quit || quit;
		}

		if (message.text.includes('\u0003')) {
			worker.postMessage({type: 'handled', sequence: message.sequence, quit} satisfies ToWorker);
		}
	});

	return {
		ready: isReady,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			worker.postMessage({type: 'stop'} satisfies ToWorker);
			const deadline = Date.now() + STOP_WAIT_MS;
			for (let current = Atomics.load(state, 0); current !== INPUT_STATE.stopped; current = Atomics.load(state, 0)) {
				const left = deadline - Date.now();
				if (left <= 0) {
					break;
				}

				Atomics.wait(state, 0, current, left);
			}
		},
	};
}
