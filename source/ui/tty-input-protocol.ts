/** What the main thread and the terminal reader (tty-input-worker.ts) say to each other. */

export type WorkerData = {
	/** Written to the terminal before the reader kills a process that ignored Ctrl-C. */
	restore: string;
	graceMs: number;
	/** One Int32: INPUT_STATE, so that the main thread can wait for cooked mode synchronously. */
	state: Int32Array;
};

export const INPUT_STATE = {starting: 0, raw: 1, stopped: 2} as const;

/** Main → reader: a read containing Ctrl-C was handled (and whether it quit); or stop reading. */
export type ToWorker = {type: 'handled'; sequence: number; quit: boolean} | {type: 'stop'};

/** Reader → main: raw mode is on; one read of the terminal. */
export type FromWorker = {type: 'ready'} | {type: 'text'; sequence: number; text: string};
