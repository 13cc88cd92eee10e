import {describe, expect, it} from 'vitest';
import {encodeExportString} from '../../source/tokens/index.js';
import {keyEvent} from '../../source/ui/keymap.js';
import {ExportView, copyText} from '../../source/ui/screens/export.js';
import {ImportWizardView} from '../../source/ui/screens/import-wizard.js';
import {RevokeView} from '../../source/ui/screens/revoke.js';
import {type ImportState, importReducer, importView, initialImportState} from '../../source/ui/state/import-wizard.js';
import type {PlannedToken} from '../../source/store/index.js';
import {type RevokeState, confirmationText, initialRevokeState, revokeReducer} from '../../source/ui/state/revoke.js';
import {renderToTerminal} from './helpers/xterm.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const ID = `abcdef${'0'.repeat(58)}`;
const ID2 = `123456${'f'.repeat(58)}`;

describe('revoke reducer', () => {
	const key = (state: RevokeState, input: string, extra = {}) => revokeReducer(state, {type: 'key', key: keyEvent(input, extra)});
	const enter = (state: RevokeState) => key(state, '', {name: 'return'});
	/** The plan as the store reads it: here only the ids matter to the dialog. */
	const plan = (state: RevokeState, ids: string[]) =>
		revokeReducer(state, {type: 'planned', planned: ids.map(id => ({id}) as PlannedToken)});
	const one = plan(initialRevokeState([{id: ID, description: 'Billing'}]), [ID]);

	it('revokes only once the plan (the tokens as stored) is read; typed ahead, the Enter counts then; Esc still cancels', () => {
		const opening = initialRevokeState([{id: ID, description: 'Billing'}]);
		expect(opening.step).toBe('planning');
		const early = enter(key(opening, 'abcdef'));
		expect(early).toMatchObject({step: 'planning', typed: 'abcdef', done: undefined});
		expect(plan(early, [ID]).step).toBe('revoking');
		expect(plan(enter(key(opening, 'zzz')), [ID]).error).toMatch(/not "abcdef"/);
		expect(key(opening, '', {name: 'escape'}).done).toBe('cancelled');
		expect(enter(opening).done).toBe('cancelled');
	});

	it('leaves out the tokens revoked meanwhile, and asks for what is left', () => {
		const two = initialRevokeState([
			{id: ID, description: 'Billing'},
			{id: ID2, description: 'Relay'},
		]);
		const planned = plan(two, [ID2]);
		expect(planned).toMatchObject({step: 'confirm', gone: 1, marked: true});
		expect(confirmationText(planned.targets)).toBe('123456');
		// None left: nothing to confirm, no journal; Enter closes.
		const none = plan(two, []);
		expect(none).toMatchObject({step: 'done', gone: 2, result: {revoked: 0, journal: undefined}});
		expect(enter(none).done).toBe('closed');
	});

	it('shows the result until Enter or Esc: other keys (c copies the restore command) keep it', () => {
		let state = enter(key(one, 'abcdef'));
		state = revokeReducer(state, {type: 'revoked', revoked: 1, skipped: [], journal: '/state/revoke-1.jsonl'});
		expect(state.result).toEqual({revoked: 1, skipped: [], journal: '/state/revoke-1.jsonl'});
		expect(key(state, 'c').done).toBeUndefined();
		expect(key(state, '', {name: 'escape'}).done).toBe('closed');
	});

	it('asks for the first 6 characters of the id, or "revoke N" for several', () => {
		expect(confirmationText(one.targets)).toBe('abcdef');
		expect(
			confirmationText([
				{id: ID, description: ''},
				{id: ID2, description: ''},
			]),
		).toBe('revoke 2');
	});

	it('defaults to cancel: Enter alone and Esc both cancel', () => {
		expect(enter(one).done).toBe('cancelled');
		expect(key(one, '', {name: 'escape'}).done).toBe('cancelled');
		expect(key(key(one, 'abc'), '', {name: 'escape'}).done).toBe('cancelled');
	});

	it('refuses a wrong confirmation and proceeds on the right one', () => {
		let state = enter(key(one, 'abcdeX'));
		expect(state.step).toBe('confirm');
		expect(state.error).toMatch(/not "abcdef"/);
		state = key(state, '', {name: 'backspace'});
		state = enter(key(state, 'f'));
		expect(state.step).toBe('revoking');
		state = revokeReducer(state, {type: 'revoked', revoked: 1, skipped: [], journal: '/state/revoke-1.jsonl'});
		expect(state.step).toBe('done');
		expect(enter(state).done).toBe('closed');
	});

	it('keeps the typed confirmation after a failure', () => {
		let state = enter(key(one, 'abcdef'));
		state = revokeReducer(state, {type: 'failed', message: 'Could not revoke: connection lost.'});
		expect(state).toMatchObject({step: 'confirm', typed: 'abcdef'});
		expect(state.error).toMatch(/try again/);
	});

	it('renders the list, the warning and the prompt', async () => {
		const screen = await renderToTerminal(<RevokeView state={key(one, 'ab')} width={100} height={16} />, {columns: 100, rows: 18});
		try {
			expect(screen.text()).toContain('Revoke this token?');
			expect(screen.text()).toContain('abcdef000000… Billing');
			expect(screen.text()).toContain('Type abcdef and press Enter to revoke. Enter alone or Esc cancels.');
			expect(screen.text()).toContain('Confirm › ab');
		} finally {
			screen.unmount();
		}
	});
});

describe('import reducer', () => {
	const valid = encodeExportString(ID, {created: NOW, scopes: ['*'], description: 'From elsewhere', account: 'acme', metadata: '{}'});
	const key = (state: ImportState, input: string, extra = {}) => importReducer(state, {type: 'key', key: keyEvent(input, extra)});
	const enter = (state: ImportState) => key(state, '', {name: 'return'});

	it('decodes a paste at once (whitespace from wrapping ignored) and previews it', () => {
		const state = key(initialImportState, `  ${valid.slice(0, 40)}\n${valid.slice(40)}\n`);
		expect(state.error).toBeUndefined();
		expect(state.decoded).toMatchObject({id: ID, fields: {description: 'From elsewhere'}});
	});

	it('moves the caret without decoding the string again, and edits at it, wrapping whitespace dropped on both sides', () => {
		const pasted = key(initialImportState, valid);
		const left = key(pasted, '', {name: 'left'});
		expect(left.caret).toBe(1);
		// The same decoded token, not a new decode of the same text (a paste is up to 2 MB).
		expect(left.decoded).toBe(pasted.decoded);
		const home = key(left, '', {name: 'home'});
		expect(home.caret).toBe(valid.length);
		// A space typed at the caret is wrapping whitespace: dropped; the caret stays before the same text.
		const typed = key(key(left, ' '), 'X');
		expect(typed.text).toBe(`${valid.slice(0, -1)}X${valid.slice(-1)}`);
		expect(typed.caret).toBe(1);
		// Edited text is decoded again: an X typed into the metadata's bytes reads as other metadata.
		expect(typed.decoded).not.toBe(left.decoded);
	});

	it('says precisely why a string is not a token', () => {
		expect(key(initialImportState, 'garbage!').error).toBe('Invalid export string: not base64 text');
		expect(key(initialImportState, 'AA').error).toBe('Invalid export string: not a token map');
		expect(enter(key(initialImportState, 'garbage!')).step).toBe('input');
		expect(enter(initialImportState).error).toBe('Paste an export string first.');
	});

	it('confirms, imports, and reports the outcome', () => {
		let state = enter(key(initialImportState, valid));
		expect(state.step).toBe('confirm');
		expect(importView(state)).toBe('import-confirm');
		expect(key(state, '', {name: 'escape'}).step).toBe('input');
		state = enter(state);
		expect(state.step).toBe('importing');
		state = importReducer(state, {type: 'result', outcome: 'present'});
		expect(state).toMatchObject({step: 'done', outcome: 'present'});
		expect(enter(state).done).toBe('closed');
		expect(key(initialImportState, '', {name: 'escape'}).done).toBe('cancelled');
	});

	it('renders the decoded preview', async () => {
		const state = key(initialImportState, valid);
		const screen = await renderToTerminal(<ImportWizardView state={state} width={100} height={20} />, {columns: 100, rows: 22});
		try {
			const text = screen.text();
			expect(text).toMatch(/id\s+abcdef0000000000…/);
			expect(text).toMatch(/description\s+From elsewhere/);
			expect(text).toMatch(/scopes\s+all scopes/);
			expect(text).toMatch(/account\s+acme/);
			expect(text).toMatch(/created\s+2026-11-22 08:00 UTC/);
			expect(text).toMatch(/other fields\s+metadata/);
		} finally {
			screen.unmount();
		}
	});
});

describe('export view', () => {
	it('shows the string and the command that imports it', async () => {
		const exportString = encodeExportString(ID, {created: NOW, scopes: ['api'], description: 'Billing'});
		const screen = await renderToTerminal(
			<ExportView state={{status: 'ready', items: [{id: ID, description: 'Billing', exportString}]}} width={300} height={16} />,
			{columns: 300, rows: 18},
		);
		try {
			expect(screen.text()).toContain(exportString);
			expect(screen.text()).toContain(`ee-tokens import -t '${exportString}'`);
		} finally {
			screen.unmount();
		}
	});

	it('copies several as one string per line', () => {
		expect(
			copyText([
				{id: ID, description: '', exportString: 'a'},
				{id: ID2, description: '', exportString: 'b'},
			]),
		).toBe('a\nb');
	});
});
