import {StringDecoder} from 'node:string_decoder';
import type {StartInput} from './terminal.js';

/**
 * The keys of a terminal that is not this process's own: the bytes of the stdin the entry was
 * given, handed on as they arrive, as the reader thread hands on the terminal's (tty-input.ts).
 * That thread exists for a process whose main thread may be busy when Ctrl-C comes; a stdin that
 * is a stream of this process (an app a test runs in its own process) has no raw mode to own.
 */
export function streamInput(stream: NodeJS.ReadableStream): StartInput {
	return () => {
		const listeners = new Set<(text: string) => {quit: boolean}>();
		// A character whose bytes came in two reads is handed on whole, once its last byte is in.
		const decoder = new StringDecoder('utf8');
		const onData = (chunk: Buffer | string) => {
			const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
			if (text === '') {
				return;
			}

			for (const listener of listeners) {
				listener(text);
			}
		};

		stream.on('data', onData);
		return {
			ready: Promise.resolve(),
			subscribe(listener) {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
			stop() {
				stream.off('data', onData);
			},
		};
	};
}
