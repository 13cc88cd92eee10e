import {type ChildProcess, fork} from 'node:child_process';
import {type TokenSummary, TokenError} from '../tokens/index.js';
import {unpackSummaries} from './summary-pack.js';
import type {RedisTarget} from './connection.js';
import type {ChildReply, ChildRequest} from './summaries-child.js';
import type {SummaryOptions} from './token-store.js';

/** Loaders still running, ended with this process (quitting the app mid-load). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) {
		child.kill();
	}
});

/**
 * TokenStore.summaries() run in a short-lived child process with its own connection to `target`.
 * The reading, decoding and sorting of 100,000 tokens then runs on another core while this thread
 * draws and answers keys; this thread only rebuilds the result from a packed form (~15 ms). A
 * process rather than a worker thread because its memory goes back to the system when it exits:
 * a worker's allocations stay in this process (glibc keeps its malloc arena), ~35 MB at 100,000.
 */
export async function summariesInChild(
	target: RedisTarget,
	/** `onUnreadable` is told, once the listing is in, about each record skipped as unreadable. */
	options: SummaryOptions = {},
	/** The listing this one replaces: its unchanged rows are kept (see unpackSummaries). */
	previous?: readonly TokenSummary[],
): Promise<TokenSummary[]> {
	const child = fork(new URL('summaries-child.js', import.meta.url), [], {
		serialization: 'advanced',
		stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
		// The app's own flags, but not a debugger's: a second inspector on the same port fails.
		execArgv: process.execArgv.filter(flag => !flag.startsWith('--inspect')),
	});
	running.add(child);
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-2000);
	});
	try {
		// Functions do not cross to the child: the skipped records come back with `done`, and the
		// unusable tokens are the rows that carry a problem.
		const {onUnreadable, onUnusable, ...sent} = options;
		const request: ChildRequest = {target, options: sent};
		const summaries: TokenSummary[] = [];
		const cursor = {at: 0};
		await new Promise<void>((resolve, reject) => {
			child.on('message', (message: ChildReply) => {
				if ('part' in message) {
					// Each part is rebuilt as it arrives; the parts come in listing order.
					for (const summary of unpackSummaries(message.part, previous, cursor)) {
						summaries.push(summary);
						if (summary.problem !== undefined) {
							onUnusable?.(summary.id, summary.problem);
						}
					}
				} else if ('done' in message) {
					for (const record of message.unreadable) {
						onUnreadable?.(record);
					}

					resolve();
				} else {
					const {code, message: text} = message.error;
					reject(code ? new TokenError(code, text) : new Error(text));
				}
			});
			child.once('error', reject);
			// The channel closes after its last message has been read ('exit' can come before that):
			// closing without `done` means the loader died.
			child.once('disconnect', () => {
				const last = stderr.trim().split('\n').at(-1) ?? '';
				reject(new TokenError('redis', `Reading the tokens stopped (the loader ended${last ? `: ${last}` : ''})`));
			});
			child.send(request);
		});
		return summaries;
	} finally {
		running.delete(child);
		if (child.connected) {
			child.disconnect();
		}
	}
}
