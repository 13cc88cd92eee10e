import {describe, expect, it} from 'vitest';
import {
	PERMISSION_PRESETS,
	TokenError,
	buildRecord,
	checkMsgpackShape,
	encodeRecord,
	parsePermissions,
	parsePermissionText,
	permissionText,
	permissionAxes,
	permissionWarnings,
	presetOf,
	unusableScopes,
} from '../../source/tokens/index.js';
import {restToken} from '../../source/server/token-request.js';
import {permissionSentence} from '../../source/format/index.js';

const refused = (input: Parameters<typeof parsePermissions>[0]) => {
	try {
		parsePermissions(input);
	} catch (error) {
		expect(error).toBeInstanceOf(TokenError);
		expect((error as TokenError).code).toBe('usage');
		return (error as Error).message;
	}

	throw new Error(`not refused: ${JSON.stringify(input)}`);
};

describe('--preset, --actions and --groups', () => {
	it('a preset names both axes in full; nothing given narrows nothing', () => {
		expect(parsePermissions({preset: 'send-only'})).toStrictEqual({actions: ['send'], groups: ['submit']});
		expect(parsePermissions({preset: 'Read-Only'})).toStrictEqual({
			actions: ['read'],
			groups: [
				'account',
				'mailbox',
				'message',
				'submit',
				'outbox',
				'export',
				'template',
				'blocklist',
				'webhook',
				'gateway',
				'events',
				'diagnostics',
				'logs',
			],
		});
		expect(parsePermissions({})).toBeUndefined();
		expect(parsePermissions({actions: [], groups: []})).toBeUndefined();
		for (const name of Object.keys(PERMISSION_PRESETS)) {
			expect(permissionAxes(parsePermissions({preset: name})), name).toBeDefined();
			expect(presetOf(parsePermissions({preset: name})), name).toBe(name);
		}
	});

	it('axes: comma-separated or repeated, lower-cased, de-duplicated, in the order typed; an axis left out is left out', () => {
		expect(parsePermissions({actions: ['read,WRITE', 'read']})).toStrictEqual({actions: ['read', 'write']});
		expect(parsePermissions({groups: ['message', 'account, mailbox']})).toStrictEqual({groups: ['message', 'account', 'mailbox']});
		expect(parsePermissions({actions: ['send'], groups: ['submit']})).toStrictEqual({actions: ['send'], groups: ['submit']});
	});

	it('refuses unknown words, admin, empty items and a preset with axes, each in one line', () => {
		expect(refused({actions: ['reed']})).toBe('Unknown action: "reed" (allowed: read, write, send, destructive)');
		expect(refused({groups: ['accounts']})).toMatch(/^Unknown group: "accounts" \(allowed: account, mailbox, .*logs\)$/);
		expect(refused({groups: ['account,admin']})).toMatch(/^The admin group is never granted/);
		expect(refused({actions: ['read,']})).toBe('Empty action in "read," (allowed: read, write, send, destructive)');
		expect(refused({preset: 'read-only', groups: ['account']})).toBe(
			'Give --preset or --actions/--groups, not both: a preset already names both',
		);
		expect(refused({preset: 'admin'})).toBe('Unknown permission preset: "admin" (allowed: read-only, mail-agent, send-only, everything)');
		for (const message of [refused({actions: ['x'.repeat(500)]}), refused({preset: '\u001b[31m'})]) {
			expect(message).not.toContain('\n');
			expect(message).not.toContain('\u001b');
		}
	});

	it('stores as EmailEngine REST stores the same permissions: actions then groups, arrays of text', () => {
		const permissions = parsePermissions({preset: 'mail-agent'})!;
		const ours = encodeRecord(buildRecord({created: 1, scopes: ['api'], description: 'x', permissions}));
		const rest = encodeRecord(
			buildRecord({...restToken({description: 'x', scopes: ['api'], permissions} as never, undefined), created: 1}),
		);
		expect(ours.equals(rest)).toBe(true);
		checkMsgpackShape(ours);
		// fixmap(2) "actions" fixarray(3) … "groups" fixarray(6) …
		expect(ours.toString('latin1')).toContain('\u0082\u00a7actions\u0093\u00a4read\u00a5write\u00a4send\u00a6groups\u0096\u00a7account');
	});
});

describe('scopes the permissions make useless', () => {
	it('smtp needs send on submit, imap-proxy the mail it proxies, metrics read on diagnostics; * and api never warn', () => {
		expect(unusableScopes(['smtp'], {actions: ['read']})).toStrictEqual([{scope: 'smtp', missing: ['send on submit']}]);
		expect(unusableScopes(['smtp'], PERMISSION_PRESETS['send-only'])).toStrictEqual([]);
		expect(unusableScopes(['metrics'], PERMISSION_PRESETS['read-only'])).toStrictEqual([]);
		expect(unusableScopes(['metrics', 'api'], PERMISSION_PRESETS['send-only'])).toStrictEqual([
			{scope: 'metrics', missing: ['read on diagnostics']},
		]);
		expect(unusableScopes(['imap-proxy'], PERMISSION_PRESETS['mail-agent'])).toStrictEqual([
			{scope: 'imap-proxy', missing: ['destructive on message', 'destructive on mailbox']},
		]);
		expect(unusableScopes(['*'], {actions: []})).toStrictEqual([]);
		expect(unusableScopes(['smtp'], undefined)).toStrictEqual([]);
		expect(unusableScopes(['smtp'], {})).toStrictEqual([]);
		expect(permissionWarnings(['smtp'], {groups: ['account']})).toStrictEqual([
			'The smtp scope cannot work: it needs send on submit, which these permissions do not allow',
		]);
	});
});

describe("the edit form's field", () => {
	it('prefills an empty axis as nothing to edit: an empty side would read back as not narrowed and widen the token', () => {
		expect(permissionText({actions: ['read'], groups: []})).toBe('');
		expect(permissionText({actions: [], groups: ['account']})).toBe('');
		expect(permissionText({actions: ['read'], groups: ['account']})).toBe('read / account');
		// What an empty side means when typed: not narrowed (why an empty list is never prefilled as one).
		expect(parsePermissionText('read / ')).toStrictEqual({actions: ['read']});
	});
});

describe('the sentence', () => {
	it('says what EmailEngine does with false, 0 or an empty string (not narrowed), not that it refuses', () => {
		for (const falsy of [false, 0, '']) {
			expect(permissionSentence(falsy)).toBe(
				'Read by EmailEngine as not narrowed (whatever its scopes reach); ee-tokens serve refuses every request',
			);
		}
	});

	it('says what the permissions allow, nothing, or that EmailEngine refuses everything', () => {
		expect(permissionSentence({actions: ['read'], groups: ['account', 'mailbox', 'message']})).toBe(
			'Can read accounts, folders and messages',
		);
		expect(permissionSentence({groups: ['message', 'account']})).toBe('Can do anything with accounts and messages');
		expect(permissionSentence(PERMISSION_PRESETS['send-only'])).toBe('Can send outgoing mail');
		expect(permissionSentence(PERMISSION_PRESETS['read-only'])).toBe(
			'Can read everything but the admin routes (tokens, settings, OAuth2 apps, licence)',
		);
		expect(permissionSentence(PERMISSION_PRESETS.everything)).toBe(
			'Can use every route except the admin routes (tokens, settings, OAuth2 apps, licence)',
		);
		expect(permissionSentence({actions: ['read', 'destructive', 'write']})).toBe(
			'Can read, change and delete everything but the admin routes (tokens, settings, OAuth2 apps, licence)',
		);
		expect(permissionSentence({actions: []})).toBe('Allows nothing: this token cannot make any request');
		expect(permissionSentence({groups: ['admin']})).toBe('Allows nothing: this token cannot make any request');
		for (const malformed of [{}, [], 'read', {actions: ['fly']}, {actions: 'read'}]) {
			expect(permissionSentence(malformed), JSON.stringify(malformed)).toBe('Unreadable restriction: EmailEngine refuses every request');
		}

		expect(permissionSentence(undefined)).toBe('Not narrowed: whatever its scopes reach');
		expect(permissionSentence(null)).toBe('Not narrowed: whatever its scopes reach');
	});
});
