import {describe, expect, it} from 'vitest';
import {footerText} from '../../source/ui/components/footer.js';
import {dispatchKey} from '../../source/ui/hooks/keypress.js';
import {
	Command,
	KEYMAP,
	type View,
	commandFor,
	commandIn,
	commandsOf,
	helpSections,
	hintsFor,
	keyEvent,
	matches,
} from '../../source/ui/keymap.js';
import {editText} from '../../source/ui/state/text-edit.js';

const VIEWS: View[] = [
	'table',
	'filter',
	'details',
	'help',
	'wizard-text',
	'wizard-scopes',
	'wizard-review',
	'token-shown',
	'export',
	'import-input',
	'import-confirm',
	'import-done',
	'revoke',
	'revoke-done',
	'too-small',
];

describe('keymap', () => {
	it('binds no key twice within one view', () => {
		for (const view of VIEWS) {
			const seen = new Map<string, Command>();
			for (const command of commandsOf(view)) {
				for (const binding of KEYMAP[command].bindings) {
					const key = `${binding.name ?? ''}|${binding.input ?? ''}|${binding.ctrl ?? false}|${binding.meta ?? 'any'}`;
					expect(seen.get(key), `${view}: ${command} and ${seen.get(key)} share ${key}`).toBeUndefined();
					seen.set(key, command);
				}
			}
		}
	});

	it('matches named keys, characters and ctrl chords', () => {
		expect(matches(Command.Down, keyEvent('', {name: 'down'}))).toBe(true);
		expect(matches(Command.Down, keyEvent('j'))).toBe(true);
		expect(matches(Command.Down, keyEvent('J'))).toBe(false);
		expect(matches(Command.ForceQuit, keyEvent('c', {ctrl: true}))).toBe(true);
		expect(matches(Command.Copy, keyEvent('c', {ctrl: true}))).toBe(false);
		expect(commandFor(keyEvent('S'), commandsOf('table'))).toBe(Command.SortReverse);
	});

	it('feeds the footer and the help from the same table', () => {
		const help = helpSections().flatMap(section => section.rows.map(row => row.help));
		for (const view of VIEWS) {
			for (const command of commandsOf(view)) {
				expect(help).toContain(KEYMAP[command].help);
			}
		}

		expect(hintsFor('table').map(hint => hint.label)).toContain('filter');
		// Every hint fits: ? is "help", in its rank; some do not: it goes last as "more", and what fits stays within the width.
		expect(footerText('table', 400)).toMatch(/^ \? help {2}q quit/);
		expect(footerText('table', 400)).not.toContain('more');
		for (const width of [30, 60, 80, 120, 200]) {
			expect(footerText('table', width).length).toBeLessThanOrEqual(width);
			expect(footerText('table', width)).toMatch(/ {2}\? more$/);
		}

		// q closes as Esc does, except where a text field has the keys: there q is text, and the footer says Esc alone.
		expect(footerText('revoke', 200)).toContain(' Esc close');
		expect(footerText('revoke-done', 200)).toBe(' Esc/q close  Enter done  c copy');
	});

	it('q closes every view Esc closes, and is text in a view with a text field', () => {
		const q = keyEvent('q');
		for (const view of [
			'details',
			'help',
			'token-shown',
			'export',
			'import-done',
			'revoke-done',
			'failed',
			'review',
			'audit-log',
		] as const) {
			expect(commandIn(view, q), view).toBe(Command.Close);
			expect(footerText(view, 400), view).toContain('Esc/q');
		}

		for (const view of ['import-input', 'revoke', 'request-check', 'filter', 'wizard-text'] as const) {
			expect(commandIn(view, q), view).toBeUndefined();
			expect(footerText(view, 400), view).not.toContain('/q');
		}

		// In the table q still quits.
		expect(commandIn('table', q)).toBe(Command.Quit);
	});
});

describe('keypress dispatch', () => {
	it('gives a key to the highest priority first and stops when a handler takes it', () => {
		const calls: string[] = [];
		const subscriber = (name: string, priority: number, order: number, take: boolean) => ({
			priority,
			order,
			handler: {
				current() {
					calls.push(name);
					return take;
				},
			},
		});
		dispatchKey([subscriber('table', 10, 0, true), subscriber('dialog', 50, 1, true), subscriber('global', 100, 2, false)], keyEvent('j'));
		expect(calls).toEqual(['global', 'dialog']);
	});

	it('never reads a paste as a command, whatever it holds', () => {
		for (const text of ['q', 'd', ' ', '?', 'quick']) {
			expect(commandFor(keyEvent(text, {paste: true}), commandsOf('table')), text).toBeUndefined();
		}

		expect(matches(Command.ForceQuit, keyEvent('c', {ctrl: true, paste: true}))).toBe(false);
	});
});

describe('text editing', () => {
	it('appends, pastes, erases and clears', () => {
		expect(editText('ab', keyEvent('c'))).toBe('abc');
		expect(editText('ab', keyEvent('line one\nline two'))).toBe('abline one line two');
		expect(editText('ab', keyEvent('', {name: 'backspace'}))).toBe('a');
		expect(editText('ab', keyEvent('u', {ctrl: true}))).toBe('');
		expect(editText('ab', keyEvent('', {name: 'return'}))).toBeUndefined();
		expect(editText('ab', keyEvent('x\u001B[2Jy'))).toBe('abx[2Jy');
		expect(editText('ab', keyEvent('a\u202Eb\u009B', {paste: true}))).toBe('abab');
		expect(editText('abc', keyEvent('d'), {maxLength: 3})).toBe('abc');
	});
});
