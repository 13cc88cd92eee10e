#!/usr/bin/env node
/**
 * The entry point. It loads no React or Ink: commands print and exit, and only the full-screen
 * app (no command, on a terminal) imports the UI.
 */

// chalk ignores NO_COLOR; Ink reads FORCE_COLOR, so map it before anything loads chalk.
if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') {
	process.env['FORCE_COLOR'] = '0';
}

// `ee-tokens list --json | head` closes the pipe early: that is the reader saying "enough", not an
// error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE') {
			process.exit(0);
		}

		throw error;
	});
}

const {main} = await import('./commands/main.js');
const code = await main(process.argv.slice(2), {
	stdin: process.stdin,
	stdout: process.stdout,
	stderr: process.stderr,
	env: process.env,
	stdoutFd: 1,
	now: Date.now,
	// Listened for only when serve asks: a listener on SIGINT would keep Ctrl-C from ending any other command.
	stopRequested: async () =>
		new Promise<string>(resolve => {
			process.once('SIGINT', () => resolve('SIGINT'));
			process.once('SIGTERM', () => resolve('SIGTERM'));
		}),
});

/**
 * Resolves once everything written so far has left for the pipe or file. Writes to a pipe whose
 * reader is slower are queued, and process.exit() drops the queue: 1,800 import messages on stderr
 * were cut off after 279 lines before this waited. An error (the reader went away) counts as done.
 */
const flushed = async (stream: NodeJS.WriteStream) =>
	new Promise<void>(resolve => {
		stream.write('', () => {
			resolve();
		});
	});

await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Leave with the documented code even if a handle (a Redis socket closing) is still open.
process.exit(code);
