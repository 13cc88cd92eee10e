import {describe, expect, it} from 'vitest';
import {PERMISSION_PRESETS, decodeRecord, encodeRecord, generateRawToken, tokenIdOf} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {dumpKeyspace, plantRecord} from '../helpers/keyspace.js';
import {useCliRedis} from '../helpers/redis.js';

/** Permissions from the command line: issue and edit set them, rotate carries them, show and review say them. */

const db = useCliRedis();
const NOW = Date.parse('2027-03-01T12:00:00.000Z');
const run = async (args: string[], input?: string) => runInProcess([...args, db.db8], {input, now: () => NOW});
const stored = async (id: string) => decodeRecord((await db.raw.hgetBuffer('tokens', id))!);

describe('issue', () => {
	it('--preset stores the preset as EmailEngine stores permissions, after restrictions', async () => {
		const issued = await run(['issue', '-d', 'agent', '-s', 'api', '-a', 'acme', '--ip', '10.0.0.0/8', '--preset', 'mail-agent']);
		expect(issued.exitCode, issued.stderr).toBe(0);
		const record = await stored(tokenIdOf(issued.stdout));
		expect(Object.keys(record)).toStrictEqual(['created', 'account', 'scopes', 'description', 'restrictions', 'permissions']);
		expect(record['permissions']).toStrictEqual({
			actions: ['read', 'write', 'send'],
			groups: ['account', 'mailbox', 'message', 'submit', 'outbox', 'template'],
		});
		expect(issued.stderr).toBe('');
	});

	it('--actions and --groups store the axes given; --json shows them', async () => {
		const issued = await run(['issue', '-d', 'archiver', '-s', 'api', '--actions', 'read', '--groups', 'account,message', '--json']);
		expect(issued.exitCode, issued.stderr).toBe(0);
		const json = JSON.parse(issued.stdout) as {id: string; permissions: unknown};
		expect(json.permissions).toStrictEqual({actions: ['read'], groups: ['account', 'message']});
		expect((await stored(json.id))['permissions']).toStrictEqual({actions: ['read'], groups: ['account', 'message']});
	});

	it('warns of a scope the permissions make useless, and still issues', async () => {
		const issued = await run(['issue', '-d', 'relay', '-s', 'smtp,api', '--actions', 'read']);
		expect(issued.exitCode).toBe(0);
		expect(issued.stderr).toBe(
			'ee-tokens: warning: The smtp scope cannot work: it needs send on submit, which these permissions do not allow',
		);
	});

	it('bad values are one line, exit 2, and nothing is written', async () => {
		for (const [args, message] of [
			[['--actions', 'read,fly'], 'ee-tokens: Unknown action: "fly" (allowed: read, write, send, destructive)'],
			[['--groups', 'admin'], /^ee-tokens: The admin group is never granted/],
			[['--groups', 'message,'], /^ee-tokens: Empty group in "message,"/],
			[
				['--preset', 'read-only', '--actions', 'read'],
				'ee-tokens: Give --preset or --actions/--groups, not both: a preset already names both',
			],
			[['--preset', 'root'], 'ee-tokens: Unknown permission preset: "root" (allowed: read-only, mail-agent, send-only, everything)'],
			[['--actions='], /^ee-tokens: .*--actions/],
		] as Array<[string[], string | RegExp]>) {
			const result = await run(['issue', '-d', 'x', '-s', 'api', ...args]);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stderr.split('\n'), args.join(' ')).toHaveLength(1);
			expect(result.stderr).toMatch(message);
			expect(result.stdout).toBe('');
		}

		expect(await dumpKeyspace(db.raw)).toBe('');
	});
});

async function plant(record: Record<string, unknown>): Promise<{token: string; id: string}> {
	const token = generateRawToken();
	const id = tokenIdOf(token);
	await plantRecord(db.raw, id, encodeRecord(record));
	return {token, id};
}

describe('edit', () => {
	it('--preset replaces the permissions in place; --no-permissions removes them; other bytes stay', async () => {
		const {id} = await plant({created: NOW - 1000, scopes: ['api'], description: 'd', permissions: {groups: ['account']}, metadata: '{}'});
		const edited = await run(['edit', '-t', id, '--preset', 'read-only']);
		expect(edited.exitCode, edited.stderr).toBe(0);
		expect(await stored(id)).toStrictEqual({
			created: NOW - 1000,
			scopes: ['api'],
			description: 'd',
			permissions: {actions: [...PERMISSION_PRESETS['read-only'].actions], groups: [...PERMISSION_PRESETS['read-only'].groups]},
			metadata: '{}',
		});
		// One axis changes that axis: the stored actions (read) stay, so the token is never widened.
		const custom = await run(['edit', '-t', id, '--groups', 'diagnostics']);
		expect(custom.exitCode, custom.stderr).toBe(0);
		expect((await stored(id))['permissions']).toStrictEqual({actions: ['read'], groups: ['diagnostics']});
		const actions = await run(['edit', '-t', id, '--actions', 'read,write']);
		expect(actions.exitCode, actions.stderr).toBe(0);
		expect((await stored(id))['permissions']).toStrictEqual({actions: ['read', 'write'], groups: ['diagnostics']});
		const removed = await run(['edit', '-t', id, '--no-permissions']);
		expect(removed.exitCode, removed.stderr).toBe(0);
		const record = await db.raw.hgetBuffer('tokens', id);
		expect(record!.equals(encodeRecord({created: NOW - 1000, scopes: ['api'], description: 'd', metadata: '{}'}))).toBe(true);
	});

	it('adds permissions where issue puts them; refuses --no-permissions with --preset and bad values, writing nothing', async () => {
		const {id} = await plant({
			created: NOW - 1000,
			scopes: ['smtp'],
			description: 'd',
			restrictions: {addresses: ['10.0.0.1']},
			metadata: '{}',
		});
		const before = await db.raw.hgetBuffer('tokens', id);
		for (const args of [
			['--preset', 'everything', '--no-permissions'],
			['--groups', 'admin'],
			['--actions', 'nope'],
		]) {
			const refused = await run(['edit', '-t', id, ...args]);
			expect(refused.exitCode, args.join(' ')).toBe(2);
			expect(refused.stderr.split('\n')).toHaveLength(1);
		}

		expect((await db.raw.hgetBuffer('tokens', id))!.equals(before!)).toBe(true);
		const edited = await run(['edit', '-t', id, '--actions', 'read']);
		expect(edited.exitCode).toBe(0);
		expect(edited.stderr).toContain('warning: The smtp scope cannot work: it needs send on submit');
		expect(Object.keys(await stored(id))).toStrictEqual(['created', 'scopes', 'description', 'restrictions', 'permissions', 'metadata']);
	});
});

describe('rotate', () => {
	it('carries the permissions to the new token', async () => {
		const {id} = await plant({created: NOW - 1000, scopes: ['api'], description: 'd', permissions: PERMISSION_PRESETS['send-only']});
		const rotated = await run(['rotate', '-t', id]);
		expect(rotated.exitCode, rotated.stderr).toBe(0);
		expect((await stored(tokenIdOf(rotated.stdout)))['permissions']).toStrictEqual({actions: ['send'], groups: ['submit']});
	});
});

describe('show and review say what a token may do', () => {
	it('show: the sentence and the warning; --json adds them only for a token with permissions', async () => {
		const {id} = await plant({
			created: NOW - 1000,
			scopes: ['smtp'],
			description: 'd',
			permissions: {actions: ['read'], groups: ['account', 'mailbox', 'message']},
		});
		const shown = await run(['show', '-t', id]);
		expect(shown.stdout).toMatch(/^may do +Can read accounts, folders and messages$/m);
		// The field itself as words, which wrap on a narrow screen (a JSON list has no space to wrap at).
		expect(shown.stdout).toMatch(/^permissions +actions read; groups account, mailbox, message$/m);
		expect(shown.stdout).toMatch(/^warning +The smtp scope cannot work: it needs send on submit, which these permissions do not allow$/m);
		const json = JSON.parse((await run(['show', '-t', id, '--json'])).stdout) as Record<string, unknown>;
		expect(json['permissionSummary']).toBe('Can read accounts, folders and messages');
		expect(json['permissionWarnings']).toStrictEqual([
			'The smtp scope cannot work: it needs send on submit, which these permissions do not allow',
		]);
		const malformed = await plant({created: NOW - 1000, scopes: ['api'], description: 'm', permissions: {actions: ['fly']}});
		expect((await run(['show', '-t', malformed.id])).stdout).toMatch(
			/^may do +Unreadable restriction: EmailEngine refuses every request$/m,
		);
		const nothing = await plant({created: NOW - 1000, scopes: ['api'], description: 'n', permissions: {actions: []}});
		expect((await run(['show', '-t', nothing.id])).stdout).toMatch(/^may do +Allows nothing: this token cannot make any request$/m);
		const plain = await plant({created: NOW - 1000, scopes: ['api'], description: 'p'});
		expect(Object.keys(JSON.parse((await run(['show', '-t', plain.id, '--json'])).stdout) as object)).not.toContain('permissionSummary');
	});

	it('review flags a scope the permissions make useless', async () => {
		const {id} = await plant({
			created: NOW - 1000,
			expires: NOW + 30 * 86_400_000,
			scopes: ['metrics'],
			description: 'prom',
			permissions: PERMISSION_PRESETS['send-only'],
		});
		const result = await run(['review', '--json']);
		const [token] = JSON.parse(result.stdout) as Array<{id: string; findings: Array<{code: string; sentence: string}>}>;
		expect(token!.id).toBe(id);
		expect(token!.findings).toContainEqual({
			code: 'unusable-scope',
			level: 'medium',
			sentence: 'The metrics scope cannot work: it needs read on diagnostics, which these permissions do not allow.',
		});
	});
});
