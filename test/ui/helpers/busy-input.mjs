// The terminal reader of the built app (dist/tty-input.js) under a main thread that stops
// answering: `node busy-input.mjs` prints "ready", then for each read prints what it got; a read
// containing "block" makes the main thread block for BLOCK_MS (or forever when it is 0), a Ctrl-C
// read asks to quit unless it came inside a paste, and "survived" is printed after a block ends.
import {startTtyInput} from '../../../dist/tty-input.js';

const blockMs = Number(process.env['BLOCK_MS'] ?? '0');
const input = startTtyInput({
	restore: '<restored>',
	onLost(error) {
		process.stdout.write(`lost: ${error}\n`);
		process.exit(3);
	},
});
input.subscribe(text => {
	const pasted = text.includes('\u001B[200~');
	process.stdout.write(`got ${JSON.stringify(text)}\r\n`);
	if (text.includes('block')) {
		// Let the line above reach the terminal, then stop answering.
		setTimeout(() => {
			// The main thread stops answering, as a long render would stop it, but asleep rather than
			// spinning: its event loop is as blocked either way, and the suite is spared seconds of CPU.
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, blockMs === 0 ? Number.POSITIVE_INFINITY : blockMs);
			process.stdout.write('survived\r\n');
		}, 50);
	}

	return {quit: text.includes('\u0003') && !pasted};
});
await input.ready;
process.stdout.write('ready\r\n');
// Keep the process alive while the reader (unref'd) reads.
setInterval(() => {}, 1000);
