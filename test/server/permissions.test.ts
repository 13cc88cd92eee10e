import {describe, expect, test} from 'vitest';
import {presentedToken, scopeAllowed} from '../../source/server/credential.js';
import {checkPermission} from '../../source/server/permissions.js';
import {restToken} from '../../source/server/token-request.js';
import {buildRecord} from '../../source/tokens/index.js';

const diagnostics = {action: 'read', group: 'diagnostics'};

describe('permission narrowing (compatibility §2)', () => {
	test('absent or nil narrows nothing; a matching grant passes', () => {
		expect(checkPermission(undefined, diagnostics)).toBeUndefined();
		expect(checkPermission(null, diagnostics)).toBeUndefined();
		expect(checkPermission({actions: ['read']}, diagnostics)).toBeUndefined();
		expect(checkPermission({groups: ['diagnostics', 'account']}, diagnostics)).toBeUndefined();
		expect(checkPermission({actions: ['read'], groups: ['diagnostics']}, diagnostics)).toBeUndefined();
	});

	test('the axis that fails is the reason; an empty axis allows nothing', () => {
		expect(checkPermission({actions: ['write']}, diagnostics)).toBe('action');
		expect(checkPermission({groups: ['account']}, diagnostics)).toBe('group');
		expect(checkPermission({actions: []}, diagnostics)).toBe('action');
		expect(checkPermission({groups: []}, diagnostics)).toBe('group');
	});

	test('malformed shapes deny everything', () => {
		for (const permissions of [
			{},
			[],
			'read',
			1,
			true,
			{actions: 'read'},
			{actions: ['read'], extra: []},
			{groups: ['nope']},
			{actions: [1]},
		]) {
			expect(checkPermission(permissions, diagnostics), JSON.stringify(permissions)).toBe('malformed');
		}
	});

	test('the admin group refuses any token that carries permissions, even one naming admin', () => {
		expect(checkPermission({groups: ['admin']}, {action: 'read', group: 'admin'})).toBe('restricted');
		expect(checkPermission({actions: ['read']}, {action: 'read', group: 'admin'})).toBe('restricted');
		expect(checkPermission(undefined, {action: 'read', group: 'admin'})).toBeUndefined();
	});
});

describe('token extraction (compatibility §6.1)', () => {
	test('header wins, query only without a header, scheme case-insensitive, second part only', () => {
		expect(presentedToken('Bearer abc', 'def')).toBe('abc');
		expect(presentedToken(undefined, 'def')).toBe('def');
		expect(presentedToken('', 'def')).toBe('def');
		expect(presentedToken(undefined, ['a', 'b'])).toBe('a,b');
		expect(presentedToken('bearer abc extra', undefined)).toBe('abc');
		expect(presentedToken('Basic abc', 'def')).toBeUndefined();
		expect(presentedToken('Bearer', undefined)).toBeUndefined();
		expect(presentedToken(undefined, '')).toBeUndefined();
		expect(presentedToken(undefined, undefined)).toBeUndefined();
	});
});

describe('scope rule (compatibility §6.3)', () => {
	test('no scopes field, *, or overlap; [] denies', () => {
		expect(scopeAllowed(undefined, ['api'])).toBe(true);
		expect(scopeAllowed(['*'], ['metrics'])).toBe(true);
		expect(scopeAllowed(['api'], ['api'])).toBe(true);
		expect(scopeAllowed(['api'], ['metrics'])).toBe(false);
		expect(scopeAllowed([], ['api'])).toBe(false);
		expect(scopeAllowed(['smtp', 'imap-proxy', 'mcp'], ['api'])).toBe(false);
		expect(scopeAllowed({api: true}, ['api'])).toBe(false);
		expect(scopeAllowed(['api'], [])).toBe(true);
	});
});

describe('records of REST-issued tokens', () => {
	test('put permissions after restrictions and before metadata, as EmailEngine writes them', () => {
		const record = buildRecord({
			...restToken(
				{
					description: 'rest',
					scopes: ['api'],
					restrictions: {addresses: ['10.0.0.0/8']},
					permissions: {groups: ['account']},
					metadata: '{}',
				} as never,
				'127.0.0.1',
			),
			created: 1,
		});
		expect(Object.keys(record)).toStrictEqual([
			'created',
			'remoteAddress',
			'scopes',
			'description',
			'restrictions',
			'permissions',
			'metadata',
		]);
	});
});
