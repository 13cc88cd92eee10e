import {execa} from 'execa';
import {describe, expect, it} from 'vitest';
import {restoreCommand} from '../../source/ui/state/revoke.js';

/** The restore command the app shows and copies, pasted into a real shell: the path arrives whole, and nothing in it runs. */
describe('restoreCommand', () => {
	it.for([
		'/home/op/.local/state/ee-tokens/journals/revoke-2026-12-01T231444Z-70b920.jsonl',
		"/tmp/rev ui; echo PWNED $(id) `id` it's/ee-tokens/journals/r.jsonl",
	])('%s', async (journal, {expect: expectHere}) => {
		const command = restoreCommand(journal);
		// Every word as bash splits it, one per line: the command's own words, then the path whole.
		const {stdout} = await execa('bash', ['-c', `printf '%s\\n' ${command.replace(/^ee-tokens /, '')}`]);
		expectHere(stdout.split('\n')).toEqual(['restore', '--journal', journal]);
	});

	it('leaves a plain path as it is', () => {
		expect(restoreCommand('/a/b-c_d.jsonl')).toBe('ee-tokens restore --journal /a/b-c_d.jsonl');
	});
});
