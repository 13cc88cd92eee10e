import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, enterFullScreen} from '../../source/ui/terminal.js';
import {copyToClipboard, osc52} from '../../source/ui/clipboard.js';

class Capture extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: string, callback: () => void) {
		this.text += chunk.toString();
		callback();
	}
}

const fakeStdin = () => ({isTTY: true, rawMode: true, setRawMode(value: boolean) {
	this.rawMode = value;
}});

describe('terminal', () => {
	it('enters the alternate screen and restores once, removing its process hooks', () => {
		const out = new Capture();
		const stdin = fakeStdin();
		const before = ['exit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException'].map(event => process.listenerCount(event));
		const screen = enterFullScreen(out as unknown as NodeJS.WriteStream, stdin as unknown as NodeJS.ReadStream);
		expect(out.text).toBe(ENTER_ALT_SCREEN);
		expect(process.listenerCount('SIGTERM')).toBe(before[1]! + 1);
		screen.restore();
		screen.restore();
		expect(out.text).toBe(ENTER_ALT_SCREEN + LEAVE_ALT_SCREEN);
		expect(stdin.rawMode).toBe(false);
		expect(['exit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException'].map(event => process.listenerCount(event))).toEqual(before);
	});
});

describe('clipboard', () => {
	it('writes OSC 52, wrapped for tmux and screen', async () => {
		const base64 = Buffer.from('secret').toString('base64');
		expect(osc52('secret', {})).toBe(`\u001B]52;c;${base64}\u0007`);
		expect(osc52('secret', {TMUX: '/tmp/tmux'})).toBe(`\u001BPtmux;\u001B\u001B]52;c;${base64}\u0007\u001B\\`);
		expect(osc52('secret', {STY: '1.pts'})).toBe(`\u001BP\u001B]52;c;${base64}\u0007\u001B\\`);
		const out = new Capture();
		const message = await copyToClipboard('secret', out as unknown as NodeJS.WriteStream);
		expect(out.text).toContain(base64);
		expect(message).not.toContain('secret');
	});
});
