import {render} from 'ink';
import {maskRedisUrl, openStore} from '../store/index.js';
import {App} from './app.js';
import {enterFullScreen} from './terminal.js';

/**
 * The full-screen app: connect (persistent: Redis going away later is a banner, not a crash),
 * enter the alternate screen, run until quit, and always give the terminal back. Returns the
 * exit code; a failure to connect at start is thrown for the CLI to report.
 */
export async function runApp(options: {redisFlag?: string}): Promise<number> {
	const notices: string[] = [];
	const opened = await openStore({flag: options.redisFlag, persistent: true, notify: message => notices.push(message)});
	for (const notice of notices) {
		process.stderr.write(`${notice}\n`);
	}

	const screen = enterFullScreen(process.stdout, process.stdin);
	try {
		const instance = render(<App store={opened.store} endpoint={maskRedisUrl(opened.target.url)} prefix={opened.target.prefix} />, {
			exitOnCtrlC: false,
			patchConsole: true,
			maxFps: 60,
		});
		await instance.waitUntilExit();
		return 0;
	} finally {
		screen.restore();
		await opened.close();
	}
}
