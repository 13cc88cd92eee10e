import {spawn} from 'node:child_process';
import type {Environment} from './hooks/use-environment.js';

/**
 * Copies text to the clipboard and says, in one line, only what it can confirm. A local tool that
 * exits 0 confirms it: tmux's own paste buffer inside tmux (`tmux load-buffer -w`, which works
 * with tmux's defaults and also hands the text to the outer terminal), then wl-copy, xclip, xsel or
 * pbcopy. OSC 52 (the terminal does it, so it works over SSH) is sent as well, except when tmux
 * took the text already, but a terminal never answers it: after it alone the line says where the
 * text is on screen instead of claiming it was copied. The text is never logged or kept.
 */
export function osc52(text: string, env: Environment): string {
	const sequence = `\u001B]52;c;${Buffer.from(text).toString('base64')}\u0007`;
	// Inside tmux the sequence goes raw: tmux 3.x with `set -g set-clipboard on` puts it in its
	// buffer and passes it on to the outer terminal. Wrapped for passthrough (ESC P tmux;), it
	// needs allow-passthrough (off by default) and even then skips tmux's buffer.
	if (env['STY'] && !env['TMUX']) {
		return `\u001BP${sequence}\u001B\\`;
	}

	return sequence;
}

type Tool = {command: string; args: string[]; says: string};

export function clipboardTools(env: Environment, platform = process.platform): Tool[] {
	const tools: Tool[] = [];
	if (env['TMUX']) {
		// -w: tmux also sets the outer terminal's clipboard when its set-clipboard allows (the default).
		// One named buffer, replaced on each copy: an automatic buffer per copy would pile raw tokens up in tmux.
		tools.push({command: 'tmux', args: ['load-buffer', '-b', 'ee-tokens', '-w', '-'], says: "tmux's paste buffer (prefix ] pastes it)"});
	}

	if (platform === 'darwin') {
		return [...tools, {command: 'pbcopy', args: [], says: 'the clipboard (pbcopy)'}];
	}

	if (env['WAYLAND_DISPLAY']) {
		tools.push({command: 'wl-copy', args: [], says: 'the clipboard (wl-copy)'});
	}

	if (env['DISPLAY']) {
		tools.push(
			{command: 'xclip', args: ['-selection', 'clipboard'], says: 'the clipboard (xclip)'},
			{command: 'xsel', args: ['--clipboard', '--input'], says: 'the clipboard (xsel)'},
		);
	}

	return tools;
}

async function runTool(tool: Tool, text: string, env: Environment): Promise<boolean> {
	return new Promise(resolve => {
		try {
			const child = spawn(tool.command, tool.args, {stdio: ['pipe', 'ignore', 'ignore'], detached: false, env});
			child.on('error', () => resolve(false));
			child.on('exit', code => resolve(code === 0));
			child.stdin.on('error', () => resolve(false));
			child.stdin.end(text);
		} catch {
			resolve(false);
		}
	});
}

/**
 * `what` names the text as the screen shows it ("the token"), for the line said when nothing
 * confirmed the copy.
 */
export async function copyToClipboard(text: string, what: string, stdout: NodeJS.WriteStream, env: Environment): Promise<string> {
	let osc52Sent = false;
	for (const tool of clipboardTools(env)) {
		if (tool.command !== 'tmux' && !osc52Sent) {
			stdout.write(osc52(text, env));
			osc52Sent = true;
		}

		if (await runTool(tool, text, env)) {
			return `Copied into ${tool.says}.`;
		}
	}

	if (!osc52Sent) {
		stdout.write(osc52(text, env));
	}

	return `Sent to the terminal's clipboard (OSC 52); if it did not arrive, ${what} is on screen above.`;
}
