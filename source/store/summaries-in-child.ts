import {type ChildProcess, fork} from 'node:child_process';
import {type Inventory, TokenError} from '../tokens/index.js';
import {type SummaryTable, SummaryTableBuilder, fingerprintsOf} from './summary-table.js';
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
 * draws and answers keys; this thread keeps the packed parts as they come (SummaryTable). A
 * process rather than a worker thread because its memory goes back to the system when it exits:
 * a worker's allocations stay in this process (glibc keeps its malloc arena), ~35 MB at 100,000.
 */
export async function summariesInChild(
	target: RedisTarget,
	/** `onUnreadable` is told, once the listing is in, about each record skipped as unreadable. */
	options: SummaryOptions = {},
	/** The table this one replaces (a reload): what did not change is shared with it (SummaryTableBuilder). */
	previous?: SummaryTable,
): Promise<SummaryTable> {
	// Functions do not cross to the child: the skipped records come back with `done`, and the
	// unusable tokens are the rows that carry a problem.
	const {onUnreadable, onUnusable, ...sent} = options;
	const table = new SummaryTableBuilder(previous);
	// A part kept from `previous` does not cross again, and its unusable tokens with it: a caller
	// that is told of each gets every part.
	const previousParts = previous && !onUnusable ? fingerprintsOf(previous) : undefined;
	await askLoader({target, options: sent, ...(previousParts ? {previousParts} : {})}, reply => {
		if ('part' in reply) {
			// Taken in as it comes (no row objects are made of it); the parts come in listing order.
			const {part} = reply;
			table.add(part, reply.fingerprint);
			if (onUnusable) {
				for (const [row, problem] of part.problems) {
					onUnusable(part.ids.slice(row === 0 ? 0 : part.idEnds[row - 1], part.idEnds[row]), problem);
				}
			}

			return false;
		}

		if ('kept' in reply) {
			table.keep(reply.kept, reply.changed);
			return false;
		}

		if ('done' in reply) {
			for (const record of reply.unreadable) {
				onUnreadable?.(record);
			}
		}

		return true;
	});
	return table.build();
}

/**
 * The counts serve's /metrics reports of the listing (tokens/inventory.ts), counted at `now` in the
 * loader child: only the counts come back, not 100,000 summaries.
 */
export async function inventoryInChild(target: RedisTarget, now: number): Promise<Inventory> {
	let inventory: Inventory | undefined;
	await askLoader({target, options: {}, inventoryAt: now}, reply => {
		if ('inventory' in reply) {
			inventory = reply.inventory;
		}

		return true;
	});
	if (inventory === undefined) {
		throw new Error('The loader sent no inventory');
	}

	return inventory;
}

/**
 * Forks the loader, sends it `request` and hands its replies to `onReply` until that says the last
 * has come (true); an error reply, or the loader ending before then, rejects.
 */
async function askLoader(request: ChildRequest, onReply: (reply: Exclude<ChildReply, {error: unknown}>) => boolean): Promise<void> {
	const child = fork(new URL('summaries-child.js', import.meta.url), [], {
		// JSON, not 'advanced': see PackedSummaries (what the parts are made of and why).
		serialization: 'json',
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
		await new Promise<void>((resolve, reject) => {
			child.on('message', (message: ChildReply) => {
				if ('error' in message) {
					const {code, message: text} = message.error;
					reject(code ? new TokenError(code, text) : new Error(text));
					return;
				}

				// A reply the table cannot take (a kept part it does not have) fails the load, not the process.
				try {
					if (onReply(message)) {
						resolve();
					}
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
					child.kill();
				}
			});
			child.once('error', reject);
			// The channel closes after its last message has been read ('exit' can come before that):
			// closing without the last reply means the loader died.
			child.once('disconnect', () => {
				const last = stderr.trim().split('\n').at(-1) ?? '';
				reject(new TokenError('redis', `Reading the tokens stopped (the loader ended${last ? `: ${last}` : ''})`));
			});
			child.send(request);
		});
	} finally {
		running.delete(child);
		if (child.connected) {
			child.disconnect();
		}
	}
}
