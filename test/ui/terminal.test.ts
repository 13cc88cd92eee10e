import {PassThrough, Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON} from '../../source/ui/key-parser.js';
import {ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, type StartInput, enterFullScreen} from '../../source/ui/terminal.js';
import {copyToClipboard, osc52} from '../../source/ui/clipboard.js';
import {streamInput} from '../../source/ui/stream-input.js';

class Capture extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: string, callback: () => void) {
		this.text += chunk.toString();
		callback();
	}
}

/** A terminal reader that only records whether raw mode is on (the real one is a worker thread). */
const fakeInput = () => {
	const state = {raw: false, restore: ''};
	const start: StartInput = ({restore}) => {
		state.raw = true;
		state.restore = restore;
		return {
			ready: Promise.resolve(),
			subscribe: () => () => {},
			stop() {
				state.raw = false;
			},
		};
	};

	return {state, start};
};

describe('terminal', () => {
	it('enters the alternate screen with bracketed paste and raw mode, and restores all three once, removing its process hooks', () => {
		const out = new Capture();
		const input = fakeInput();
		const before = ['exit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException'].map(event => process.listenerCount(event));
		const screen = enterFullScreen(out as unknown as NodeJS.WriteStream, input.start);
		expect(out.text).toBe(ENTER_ALT_SCREEN + BRACKETED_PASTE_ON);
		expect(input.state.raw).toBe(true);
		expect(process.listenerCount('SIGTERM')).toBe(before[1]! + 1);
		screen.restore();
		screen.restore();
		expect(out.text).toBe(ENTER_ALT_SCREEN + BRACKETED_PASTE_ON + BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN);
		expect(input.state.raw).toBe(false);
		// What the reader writes if it must end a process that ignores Ctrl-C: the same way out.
		expect(input.state.restore).toBe(BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN);
		expect(['exit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException'].map(event => process.listenerCount(event))).toEqual(before);
	});
});

describe('clipboard', () => {
	it('writes OSC 52 raw inside tmux (tmux 3.x takes it with set-clipboard on), wrapped for screen', async () => {
		const base64 = Buffer.from('secret').toString('base64');
		expect(osc52('secret', {})).toBe(`\u001B]52;c;${base64}\u0007`);
		expect(osc52('secret', {TMUX: '/tmp/tmux'})).toBe(`\u001B]52;c;${base64}\u0007`);
		expect(osc52('secret', {STY: '1.pts'})).toBe(`\u001BP\u001B]52;c;${base64}\u0007\u001B\\`);
	});

	it('claims no copy it cannot confirm, and says where the text is', async () => {
		const out = new Capture();
		// No tmux, no display: nothing but OSC 52, which no terminal answers.
		const message = await copyToClipboard('secret', 'the token', out as unknown as NodeJS.WriteStream, {PATH: process.env['PATH']});
		expect(out.text).toContain(Buffer.from('secret').toString('base64'));
		expect(message).toBe("Sent to the terminal's clipboard (OSC 52); if it did not arrive, the token is on screen above.");
		expect(message).not.toContain('secret');
	});
});

describe('keys from a stdin of this process', () => {
	it('hands on a character split across two reads whole, and nothing after stop', () => {
		const stdin = new PassThrough();
		const input = streamInput(stdin)({restore: '', onLost() {}});
		const got: string[] = [];
		input.subscribe(text => {
			got.push(text);
			return {quit: false};
		});
		const family = Buffer.from('é👍');
		stdin.write(family.subarray(0, 1));
		stdin.write(family.subarray(1, 4));
		stdin.write(family.subarray(4));
		input.stop();
		stdin.write('x');
		expect(got.join('')).toBe('é👍');
		expect(got.every(text => !text.includes('\uFFFD'))).toBe(true);
	});
});
