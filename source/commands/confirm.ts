import {createInterface} from 'node:readline/promises';
import type {Context} from './command.js';

/**
 * Asks on the terminal (stderr: stdout is data) and says whether the answer, trimmed, is
 * `expected`; anything else, Ctrl-C or Ctrl-D cancels. For a bulk action confirmed by typing its
 * count (revoke by selection, sync): a reflexive "y" does not do it.
 */
export async function confirmTyped(context: Context, question: string, expected: string): Promise<boolean> {
	const prompt = createInterface({input: context.stdin, output: context.stderr});
	try {
		const answer = await prompt.question(question).catch((error: unknown) => {
			if (error instanceof Error && error.name === 'AbortError') {
				return undefined;
			}

			throw error;
		});
		return answer !== undefined && answer.trim() === expected;
	} finally {
		prompt.close();
	}
}
