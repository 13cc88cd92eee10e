import {spawn} from 'node:child_process';

/**
 * Copies text to the clipboard: OSC 52 first (the terminal does it, so it works over SSH and
 * inside tmux/screen when they allow it), then a local tool (wl-copy, xclip, xsel, pbcopy) when
 * one exists. Resolves to one line saying what happened. The text is never logged or kept.
 */
export function osc52(text: string, env: NodeJS.ProcessEnv = process.env): string {
	const sequence = `\u001B]52;c;${Buffer.from(text).toString('base64')}\u0007`;
	if (env['TMUX']) {
		// tmux passthrough: every ESC inside is doubled.
		return `\u001BPtmux;${sequence.replaceAll('\u001B', '\u001B\u001B')}\u001B\\`;
	}

	if (env['STY']) {
		return `\u001BP${sequence}\u001B\\`;
	}

	return sequence;
}

type Tool = {command: string; args: string[]};

export function clipboardTools(env: NodeJS.ProcessEnv = process.env, platform = process.platform): Tool[] {
	if (platform === 'darwin') {
		return [{command: 'pbcopy', args: []}];
	}

	const tools: Tool[] = [];
	if (env['WAYLAND_DISPLAY']) {
		tools.push({command: 'wl-copy', args: []});
	}

	if (env['DISPLAY']) {
		tools.push({command: 'xclip', args: ['-selection', 'clipboard']}, {command: 'xsel', args: ['--clipboard', '--input']});
	}

	return tools;
}

async function runTool(tool: Tool, text: string): Promise<boolean> {
	return new Promise(resolve => {
		try {
			const child = spawn(tool.command, tool.args, {stdio: ['pipe', 'ignore', 'ignore'], detached: false});
			child.on('error', () => resolve(false));
			child.on('exit', code => resolve(code === 0));
			child.stdin.on('error', () => resolve(false));
			child.stdin.end(text);
		} catch {
			resolve(false);
		}
	});
}

export async function copyToClipboard(text: string, stdout: NodeJS.WriteStream = process.stdout): Promise<string> {
	stdout.write(osc52(text));
	for (const tool of clipboardTools()) {
		if (await runTool(tool, text)) {
			return `Copied (terminal clipboard via OSC 52, and ${tool.command}).`;
		}
	}

	return 'Sent to the terminal clipboard (OSC 52); if nothing was copied, your terminal does not allow it: select the text instead.';
}
