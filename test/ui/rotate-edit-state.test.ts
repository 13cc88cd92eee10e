import {DISCARD_QUESTION} from '../../source/ui/state/discard.js';
import {createElement} from 'react';
import {describe, expect, it} from 'vitest';
import {keyEvent} from '../../source/ui/keymap.js';
import {copiedLines, initialRotateState, rotateReducer, rotateView, type RotateState} from '../../source/ui/state/rotate.js';
import {type EditState, editReducer, editView, fieldsOf, initialEditState} from '../../source/ui/state/edit.js';
import {detailLines} from '../../source/ui/state/details.js';
import type {TokenRecord} from '../../source/tokens/index.js';
import {EditView} from '../../source/ui/screens/edit.js';
import {renderToTerminal} from './helpers/xterm.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const HOUR = 3_600_000;
const ID = 'a'.repeat(64);
const NEW_ID = 'b'.repeat(64);
const enter = keyEvent('', {name: 'return'});
const escape = keyEvent('', {name: 'escape'});
const eraseLine = keyEvent('u', {ctrl: true});
const typed = (text: string) => keyEvent(text, {paste: true});

const rotate = (state: RotateState, ...keys: ReturnType<typeof keyEvent>[]) =>
	keys.reduce((current, key) => rotateReducer(current, {type: 'key', key}), state);

describe('the rotate dialog', () => {
	it('offers 24h, refuses a grace rotate --grace refuses, with its message, and accepts 0', () => {
		const start = initialRotateState(ID);
		expect(start.grace).toBe('24h');
		const bad = rotate(start, eraseLine, typed('soon'), enter);
		expect(bad.step).toBe('grace');
		expect(bad.error).toMatch(/^Invalid grace "soon": use a duration such as 30d.*, or 0$/);
		const zero = rotate(bad, eraseLine, typed('0'), enter);
		expect(zero).toMatchObject({step: 'confirm', graceMs: 0, error: undefined});
		expect(rotate(start, enter)).toMatchObject({step: 'confirm', graceMs: 24 * HOUR});
	});

	it('rotates only on Enter at the confirmation; Esc goes back, and from the grace cancels', () => {
		const confirm = rotate(initialRotateState(ID), enter);
		expect(rotate(confirm, escape).step).toBe('grace');
		expect(rotate(confirm, escape, escape).done).toBe('cancelled');
		expect(rotate(confirm, enter).step).toBe('rotating');
		expect(rotateView('grace')).toBe('wizard-text');
		expect(rotateView('confirm')).toBe('wizard-review');
	});

	it('shows a refusal on one line at the confirmation, and keeps the new token only until the shown step closes', () => {
		const rotating = rotate(initialRotateState(ID), enter, enter);
		const refused = rotateReducer(rotating, {type: 'failed', message: 'Could not rotate: Token … expired.'});
		expect(refused).toMatchObject({step: 'confirm', error: 'Could not rotate: Token … expired.'});
		const shown = rotateReducer(rotating, {
			type: 'rotated',
			token: 'c'.repeat(64),
			newId: NEW_ID,
			retiresAt: NOW,
			keptEarlierExpiry: false,
			linked: true,
		});
		expect(shown.issued?.token).toBe('c'.repeat(64));
		expect(rotateView(shown.step)).toBe('token-shown');
		// Typing does not close it; Enter does, and the token leaves the state.
		expect(rotate(shown, typed('x')).issued).toBeDefined();
		const closed = rotate(shown, enter);
		expect(closed).toMatchObject({done: 'closed', issued: undefined});
		expect(JSON.stringify(closed)).not.toContain('c'.repeat(64));

		// Esc before a copy asks once, the token kept; Esc again closes. After c, one Esc closes.
		const asked = rotate(shown, escape);
		expect(asked).toMatchObject({step: 'shown', done: undefined, issued: {token: 'c'.repeat(64), closeAsked: true}});
		expect(rotate(asked, escape)).toMatchObject({done: 'closed', issued: undefined});
		const copied = rotateReducer(shown, {type: 'copying'});
		expect(rotate(copied, escape)).toMatchObject({done: 'closed', issued: undefined});
		expect(rotate(rotateReducer(asked, {type: 'copying'}), escape)).toMatchObject({done: 'closed', issued: undefined});
	});

	it('lists what the new token copies, sanitised, a malformed field as such', () => {
		const record: TokenRecord = {
			created: NOW,
			description: 'CRM \u001B[31msync',
			scopes: 'api',
			account: 'acme',
			restrictions: {addresses: ['10.0.0.0/8']},
		};
		const text = copiedLines(record, NOW)
			.map(([label, value]) => `${label}: ${value}`)
			.join('\n');
		expect(text).not.toContain('\u001B');
		expect(text).toContain('account: acme');
		expect(text).toMatch(/scopes: malformed: "api"/);
		expect(text).toContain('IP allowlist: 10.0.0.0/8');
		expect(copiedLines({created: NOW, scopes: ['*']}, NOW)).toContainEqual(['account', 'all accounts']);
	});
});

const edit = (state: EditState, ...keys: ReturnType<typeof keyEvent>[]) =>
	keys.reduce((current, key) => editReducer(current, {type: 'key', key, now: NOW}), state);

const loaded = (record: TokenRecord) => editReducer(initialEditState(ID), {type: 'loaded', record, now: NOW});

const RECORD: TokenRecord = {
	created: NOW - HOUR,
	expires: NOW + 10 * 24 * HOUR,
	scopes: ['api'],
	description: 'CRM sync',
	account: 'acme',
	restrictions: {addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 100, timeWindow: 60}},
	metadata: '{"team":"crm"}',
};

/** Through every field (Enter on each) to the review. */
const toReview = (state: EditState, ...atDescription: ReturnType<typeof keyEvent>[]) =>
	edit(state, ...atDescription, enter, enter, enter, enter, enter, enter, enter);

describe('the edit form', () => {
	it('is prefilled from the record', () => {
		expect(fieldsOf(RECORD)).toEqual({
			description: 'CRM sync',
			expires: '2026-12-02T08:00:00.000Z',
			addresses: '10.0.0.0/8',
			referrers: '',
			rateLimit: '100/60',
			permissions: 'none',
			metadata: '{"team":"crm"}',
		});
		expect(fieldsOf({created: NOW, scopes: ['api']}).expires).toBe('never');
	});

	it('asks only for what changed: nothing changed saves nothing', () => {
		const review = toReview(loaded(RECORD));
		expect(review.step).toBe('review');
		expect(review.edit).toEqual({});
		expect(edit(review, enter)).toMatchObject({step: 'review', error: 'Nothing changed: Esc goes back to change a field.'});
	});

	it('reads expiry as never, a date or duration from now, or +N to extend', () => {
		const at = (text: string) => toReview(edit(loaded(RECORD), enter, eraseLine, typed(text), escape)).edit;
		expect(at('never')).toEqual({expires: null});
		expect(at('30d')).toEqual({expires: NOW + 30 * 24 * HOUR});
		expect(at('+30d')).toEqual({extendMs: 30 * 24 * HOUR});
		expect(at('2027-01-15')).toEqual({expires: Date.parse('2027-01-15T00:00:00Z')});
		const bad = edit(loaded(RECORD), enter, eraseLine, typed('someday'), enter);
		expect(bad.step).toBe('expires');
		expect(bad.error).toMatch(/someday/);
	});

	it('validates each field as edit does, and empties a restriction as --no-ip and --no-rate-limit do', () => {
		const atIp = edit(loaded(RECORD), enter, enter);
		expect(edit(atIp, eraseLine, typed('10.0.0.300'), enter)).toMatchObject({
			step: 'addresses',
			error: expect.stringMatching(/10\.0\.0\.300/),
		});
		// An emptied field lifts nothing: the expiry and each restriction are lifted by a word only.
		expect(edit(loaded(RECORD), enter, eraseLine, enter)).toMatchObject({
			step: 'expires',
			error: 'Expiry is empty: type never for no expiry, or Esc to keep it.',
		});
		expect(edit(atIp, eraseLine, enter)).toMatchObject({
			step: 'addresses',
			error: 'IP allowlist is empty: type any to lift it, or Esc to keep it.',
		});
		expect(edit(atIp, enter, enter, eraseLine, enter)).toMatchObject({
			step: 'rateLimit',
			error: 'Rate limit is empty: type none to lift it, or Esc to keep it.',
		});
		const cleared = edit(atIp, eraseLine, typed('any'), enter, enter, eraseLine, typed('none'), enter, enter, enter);
		expect(cleared.edit).toEqual({addresses: null, rateLimit: null});
		expect(edit(loaded(RECORD), eraseLine, enter)).toMatchObject({step: 'description', error: 'A description is required.'});
		const metadata = edit(loaded(RECORD), enter, enter, enter, enter, enter, enter, eraseLine, typed('{nope'), enter);
		expect(metadata).toMatchObject({step: 'metadata', error: 'Metadata must be a valid JSON string'});
	});

	it('after a conflict, Enter reloads: what was typed stays, the rest is the stored record as it is now', () => {
		const review = toReview(loaded(RECORD), eraseLine, typed('Mine'));
		const saving = edit(review, enter);
		expect(saving.step).toBe('saving');
		const conflict = editReducer(saving, {type: 'failed', message: 'Another operator changed this token', conflict: true});
		expect(editView(conflict.step)).toBe('wizard-review');
		const reloading = edit(conflict, enter);
		expect(reloading.step).toBe('reloading');
		const theirs = {...RECORD, expires: NOW + 20 * 24 * HOUR, metadata: '{"team":"other"}'};
		const again = editReducer(reloading, {type: 'loaded', record: theirs, now: NOW});
		expect(again).toMatchObject({step: 'review', base: theirs, edit: {description: 'Mine'}});
		expect(again.fields.metadata).toBe('{"team":"other"}');
		// Esc at the conflict cancels.
		expect(edit(conflict, escape).done).toBe('cancelled');
	});

	it('Esc on the first field leaves at once when nothing changed, and asks first when something did', () => {
		expect(edit(loaded(RECORD), escape).done).toBe('cancelled');
		const changed = edit(loaded(RECORD), enter, eraseLine, typed('30d'), escape, escape);
		expect(changed).toMatchObject({step: 'description', done: undefined, error: DISCARD_QUESTION, fields: {expires: '30d'}});
		expect(edit(changed, escape).done).toBe('cancelled');
		expect(edit(changed, typed('!'))).toMatchObject({done: undefined, error: undefined, fields: {description: 'CRM sync!'}});
	});

	it('offers Enter only where it acts: not while the save or the reload runs, when keys wait', async () => {
		const review = toReview(loaded(RECORD), eraseLine, typed('Mine'));
		const saving = edit(review, enter);
		const conflict = editReducer(saving, {type: 'failed', message: 'Another operator changed this token', conflict: true});
		const reloading = edit(conflict, enter);
		const shown = async (state: EditState) => {
			const screen = await renderToTerminal(createElement(EditView, {state, now: NOW, width: 100, height: 30}), {columns: 100, rows: 30});
			try {
				return screen.text();
			} finally {
				screen.unmount();
			}
		};

		expect(await shown(review)).toContain('Enter saves these changes');
		expect(await shown(conflict)).toContain('Enter reloads the token');
		for (const [state, message] of [
			[saving, 'Saving…'],
			[reloading, 'Reloading…'],
		] as const) {
			const text = await shown(state);
			expect(text).toContain(message);
			expect(text).not.toMatch(/Enter (saves|reloads)/);
			expect(text).toContain('Keys wait until this is done.');
		}
	});
});

describe('the edit form sets permissions', () => {
	const atPermissions = (record: TokenRecord) => edit(loaded(record), enter, enter, enter, enter, enter);

	it('prefilled as a preset, none, or ACTIONS / GROUPS; changed by a preset, custom axes or none', () => {
		expect(fieldsOf({...RECORD, permissions: {actions: ['send'], groups: ['submit']}}).permissions).toBe('send-only');
		expect(fieldsOf({...RECORD, permissions: {actions: ['read'], groups: ['account', 'message']}}).permissions).toBe(
			'read / account,message',
		);
		expect(fieldsOf({...RECORD, permissions: {groups: ['logs']}}).permissions).toBe(' / logs');
		expect(fieldsOf({...RECORD, permissions: {}}).permissions).toBe('');
		const at = atPermissions(RECORD);
		expect(at.step).toBe('permissions');
		const change = (text: string) => edit(at, eraseLine, typed(text), enter, enter).edit;
		expect(change('read-only')).toEqual({permissions: {actions: ['read'], groups: expect.arrayContaining(['account', 'logs']) as unknown}});
		expect(change('read, write / message')).toEqual({permissions: {actions: ['read', 'write'], groups: ['message']}});
		expect(change('/ diagnostics')).toEqual({permissions: {groups: ['diagnostics']}});
		const narrowed = atPermissions({...RECORD, permissions: {groups: ['account']}});
		expect(edit(narrowed, eraseLine, typed('none'), enter, enter).edit).toEqual({permissions: null});
	});

	it('refuses an emptied field, admin, unknown words and text that is neither, on the field', () => {
		const at = atPermissions({...RECORD, permissions: {groups: ['account']}});
		for (const [text, error] of [
			['', 'Permissions is empty: type none to lift it, or Esc to keep it.'],
			['/ admin', /^The admin group is never granted/],
			['read / mailboxes', /^Unknown group: "mailboxes"/],
			['everything please', /^Permissions: type a preset \(read-only, mail-agent, send-only, everything\), none, or ACTIONS \/ GROUPS/],
			[' / ', /^Permissions: give actions, groups or both/],
		] as Array<[string, string | RegExp]>) {
			const refused = edit(at, eraseLine, typed(text), enter);
			expect(refused.step, text).toBe('permissions');
			expect(refused.error, text).toMatch(error);
		}
	});
});

describe('the details of a rotated token', () => {
	it('say whether the old token is still used and when it stops, wrapped under its id', () => {
		const record: TokenRecord = {created: NOW, scopes: ['api'], metadata: JSON.stringify({'ee-tokens': {rotatedFrom: ID}})};
		const old: TokenRecord = {created: NOW - HOUR, scopes: ['api'], expires: NOW + 23 * HOUR};
		const lines = detailLines({id: NEW_ID, record}, NOW, {
			rotatedFrom: {id: ID, record: old, lastUse: {time: NOW - 3 * 60_000, ip: '10.0.0.7'}},
		});
		const at = lines.findIndex(([label]) => label === 'rotated from');
		expect(lines[at]).toEqual(['rotated from', ID]);
		const sentence = lines
			.slice(at + 1)
			.filter(([label]) => label === '')
			.map(([, value]) => value)
			.join(' ');
		expect(sentence).toMatch(/^the old token was last used 3 minutes ago from 10\.0\.0\.7 and stops working in 23 hours \(/);

		const replaced = detailLines({id: ID, record: old}, NOW, {replacedBy: {id: NEW_ID, record}});
		expect(replaced.find(([label]) => label === 'replaced by')).toEqual(['replaced by', NEW_ID]);
		expect(detailLines({id: ID, record: old}, NOW).some(([label]) => label === 'replaced by')).toBe(false);
	});
});
