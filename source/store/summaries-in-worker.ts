import {Worker} from 'node:worker_threads';
import {type TokenSummary, TokenError, unpackSummaries} from '../tokens/index.js';
import type {RedisTarget} from './connection.js';
import type {WorkerReply, WorkerRequest} from './summaries-worker.js';
import type {ListOptions} from './token-store.js';

/**
 * TokenStore.summaries() run on a worker thread with its own connection to `target`. The caller's
 * thread pays only for rebuilding the result from a packed form (about a tenth of the work), so a
 * full-screen app stays responsive while 100,000 tokens load. The worker lives for one listing.
 */
export async function summariesInWorker(target: RedisTarget, options: Omit<ListOptions, 'lastUse'> = {}): Promise<TokenSummary[]> {
	const request: WorkerRequest = {target, options};
	const worker = new Worker(new URL('summaries-worker.js', import.meta.url), {workerData: request});
	// Never the reason the process stays up: quitting the app mid-load just ends it.
	worker.unref();
	try {
		const reply = await new Promise<WorkerReply>((resolve, reject) => {
			worker.once('message', resolve);
			worker.once('error', reject);
			worker.once('exit', code => {
				reject(new TokenError('redis', `Reading the tokens stopped (worker exit ${code})`));
			});
		});
		if ('error' in reply) {
			throw reply.error.code ? new TokenError(reply.error.code, reply.error.message) : new Error(reply.error.message);
		}

		return unpackSummaries(reply.packed);
	} finally {
		void worker.terminate();
	}
}
