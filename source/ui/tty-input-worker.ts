/**
 * The terminal reader of the app, in a worker thread (started by tty-input.ts). It owns raw mode
 * and hands every read to the main thread. Its one decision of its own: a Ctrl-C that the main
 * thread has not handled within the grace period (a render or a load blocks it), or that asked to
 * quit and the process is still here after it, restores the terminal and kills the process. A
 * JavaScript thread that never yields cannot be interrupted from itself, and in raw mode the
 * terminal sends no SIGINT: this thread is what keeps "Ctrl-C always quits" true.
 */
import {writeSync} from 'node:fs';
import {ReadStream} from 'node:tty';
import {parentPort, workerData} from 'node:worker_threads';
import {type FromWorker, INPUT_STATE, type ToWorker, type WorkerData} from './tty-input-protocol.js';

const {restore, graceMs, state} = workerData as WorkerData;
const port = parentPort!;
const tty = new ReadStream(0);
tty.setRawMode(true);
tty.setEncoding('utf8');
Atomics.store(state, 0, INPUT_STATE.raw);
Atomics.notify(state, 0);
port.postMessage({type: 'ready'} satisfies FromWorker);

let sequence = 0;
/** The read whose Ctrl-C is waiting to be handled, and the timer that acts if it is not. */
let armedFor: number | undefined;
let timer: NodeJS.Timeout | undefined;
/** A Ctrl-C asked to quit: the timer is never disarmed again. */
let quitting = false;
let stopped = false;

function emergency(): void {
	try {
		if (!stopped) {
			tty.setRawMode(false);
		}

		writeSync(1, restore);
		writeSync(2, 'ee-tokens: quit (Ctrl-C) while the app was busy\n');
	} finally {
		process.kill(process.pid, 'SIGKILL');
	}
}

tty.on('data', (text: string) => {
	sequence++;
	if (text.includes('\u0003') && timer === undefined) {
		armedFor = sequence;
		timer = setTimeout(emergency, graceMs);
	}

	port.postMessage({type: 'text', sequence, text} satisfies FromWorker);
});

port.on('message', (message: ToWorker) => {
	if (message.type === 'handled') {
		quitting ||= message.quit;
		if (!quitting && armedFor !== undefined && message.sequence >= armedFor) {
			// The Ctrl-C was text in a paste: nothing to watch any more.
			clearTimeout(timer);
			timer = undefined;
			armedFor = undefined;
		}

		return;
	}

	// stop: cooked mode back now, on the main thread's word (it waits for this).
	if (!stopped) {
		stopped = true;
		tty.setRawMode(false);
		tty.destroy();
		Atomics.store(state, 0, INPUT_STATE.stopped);
		Atomics.notify(state, 0);
	}

	if (timer === undefined) {
		port.close();
	}
});
