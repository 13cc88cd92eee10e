import {describe, expect, it} from 'vitest';
import {encodeRecord, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess as runCli} from '../helpers/cli.js';
import {plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';
import {spawnApp} from '../ui/helpers/pty.js';

/**
 * `list` on a terminal shows 12 characters of each id; every `-t` that takes an id takes such a
 * prefix (8 characters or more) when it names one token, and refuses one that names several.
 */
const r = useCliRedis();
const record = (description: string) => encodeRecord({created: 1_790_000_000_000, scopes: ['api'], description});

const issue = async (description: string) => {
	const result = await runCli(['issue', '-d', description, '-s', 'api', r.db8]);
	expect(result.exitCode, result.stderr).toBe(0);
	return {token: result.stdout.trim(), id: tokenIdOf(result.stdout.trim())};
};

describe('-t takes a unique prefix of an id', () => {
	it('show, export, edit, rotate and revoke name the token by its first 12 characters', async () => {
		const {id} = await issue('by prefix');
		const prefix = id.slice(0, 12);
		const shown = await runCli(['show', '-t', prefix, '--json', r.db8]);
		expect(shown.exitCode, shown.stderr).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({id, description: 'by prefix'});

		const exported = await runCli(['export', '-t', prefix, '--json', r.db8]);
		expect(exported.exitCode, exported.stderr).toBe(0);
		expect(JSON.parse(exported.stdout)).toMatchObject({id});

		const edited = await runCli(['edit', '-t', prefix, '--description', 'edited by prefix', r.db8]);
		expect(edited).toMatchObject({exitCode: 0, stderr: `Edited token ${id}`});

		const rotated = await runCli(['rotate', '-t', prefix, '--grace', '0', '--json', r.db8]);
		expect(rotated.exitCode, rotated.stderr).toBe(0);
		const {id: newId} = JSON.parse(rotated.stdout) as {id: string};

		const revoked = await runCli(['revoke', '-t', newId.slice(0, 8), '--yes', r.db8]);
		// The message names the whole id, not the prefix it was given.
		expect(revoked).toMatchObject({exitCode: 0, stderr: `Revoked token ${newId}`});
		expect(await r.raw.hexists('tokens', newId)).toBe(0);
	});

	it('an id stored upper-case is found by its prefix in either case', async () => {
		const upper = `ABCDEF12${'9'.repeat(56)}`;
		await plantRecord(r.raw, upper, record('upper'));
		for (const prefix of ['abcdef12', 'ABCDEF12', 'AbCdEf129']) {
			const shown = await runCli(['show', '-t', prefix, '--json', r.db8]);
			expect(shown.exitCode, shown.stderr).toBe(0);
			expect(JSON.parse(shown.stdout)).toMatchObject({id: upper});
		}
	});

	it('a prefix of several ids is refused with the candidates (exit 2), and revoke deletes nothing', async () => {
		const first = `0123456789${'a'.repeat(54)}`;
		const second = `0123456789${'b'.repeat(54)}`;
		const third = `0123456780${'c'.repeat(54)}`;
		await plantRecord(r.raw, first, record('one'));
		await plantRecord(r.raw, second, record('two'));
		await plantRecord(r.raw, third, record('three'));
		for (const command of [['show'], ['export'], ['revoke', '--yes'], ['rotate'], ['edit', '--extend', '1d']]) {
			const result = await runCli([...command, '-t', '0123456789', r.db8]);
			expect(result.exitCode, `${command[0]}: ${result.stderr}`).toBe(2);
			expect(result.stderr).toBe(`ee-tokens: That prefix matches 2 tokens: ${first}, ${second}; give more characters of the id`);
		}

		expect(await r.raw.hlen('tokens')).toBe(3);
		// One more character names one of them.
		const revoked = await runCli(['revoke', '-t', '0123456789b', '--yes', r.db8]);
		expect(revoked).toMatchObject({exitCode: 0, stderr: `Revoked token ${second}`});
		expect(await r.raw.hkeys('tokens')).toEqual(expect.arrayContaining([first, third]));
		expect(await r.raw.hlen('tokens')).toBe(2);
	});

	it('too short is a usage error; no match is not found; neither echoes what was typed', async () => {
		const {token, id} = await issue('short');
		const short = await runCli(['show', '-t', id.slice(0, 7), r.db8]);
		expect(short.exitCode).toBe(2);
		expect(short.stderr).toBe('ee-tokens: A token id or raw token is 64 hex characters; an id may be shortened to its first 8 or more');

		// A prefix is of an id, never of a raw token: the start of a token names nothing.
		const ofToken = await runCli(['show', '-t', token.slice(0, 16), r.db8]);
		expect(ofToken).toMatchObject({exitCode: 4, stderr: 'ee-tokens: No token id starts with that prefix'});
		expect(ofToken.stderr).not.toContain(token.slice(0, 8));
	});

	it('on a terminal, revoke by prefix asks with the whole id', async () => {
		const {id} = await issue('confirm me');
		const app = spawnApp(['revoke', '-t', id.slice(0, 10), r.db8], {columns: 100, rows: 20});
		try {
			await app.waitFor(`Token ${id} "confirm me"`);
			await app.waitFor(`Type ${id.slice(0, 6)} to confirm`);
			app.write(`${id.slice(0, 6)}\r`);
			await app.waitFor(`Revoked token ${id}`);
			expect((await app.exited).exitCode).toBe(0);
		} finally {
			app.kill();
		}

		expect(await r.raw.hexists('tokens', id)).toBe(0);
	});
});
