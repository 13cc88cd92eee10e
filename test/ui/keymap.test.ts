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
		// Every command of every view has its row in help: its own sentence, or a row it shares.
		const rows = helpSections().flatMap(section => section.rows);
		for (const view of VIEWS) {
			for (const command of commandsOf(view)) {
				const row = rows.find(candidate => candidate.commands?.includes(command));
				expect(row, command).toBeDefined();
				expect(row!.commands!.length > 1 || row!.help === KEYMAP[command].help, command).toBe(true);
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
		// Where k and j are text, the footer names only the arrows, for what they do there.
		expect(footerText('request-check', 400)).toContain('↑ previous field  ↓ next field');
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
		const text = (value: string, key: ReturnType<typeof keyEvent>, options = {}) => editText(value, key, options)?.value;
		expect(text('ab', keyEvent('c'))).toBe('abc');
		expect(text('ab', keyEvent('line one\nline two'))).toBe('abline one line two');
		expect(text('ab', keyEvent('', {name: 'backspace'}))).toBe('a');
		expect(text('ab', keyEvent('u', {ctrl: true}))).toBe('');
		expect(editText('ab', keyEvent('', {name: 'return'}))).toBeUndefined();
		expect(text('ab', keyEvent('x\u001B[2Jy'))).toBe('abx[2Jy');
		expect(text('ab', keyEvent('a\u202Eb\u009B', {paste: true}))).toBe('abab');
		expect(text('abc', keyEvent('d'), {maxLength: 3})).toBe('abc');
		expect(text('ab', keyEvent('cde'), {maxLength: 4})).toBe('abcd');
	});

	it('edits like a shell line: the caret moves with ←/→, Home/End and Ctrl-A/E/B/F, text goes in at it, Delete, Ctrl-W', () => {
		const key = (name: 'left' | 'right' | 'home' | 'end' | 'delete' | 'backspace') => keyEvent('', {name});
		const ctrl = (letter: string) => keyEvent(letter, {ctrl: true});
		// The caret counts UTF-16 units from the end: 0 is at the end, where typing appends.
		expect(editText('hello world', key('left'))).toEqual({value: 'hello world', caret: 1});
		expect(editText('hello world', key('home'))).toEqual({value: 'hello world', caret: 11});
		expect(editText('hello world', ctrl('a'))).toEqual({value: 'hello world', caret: 11});
		expect(editText('hello world', ctrl('e'), {caret: 5})).toEqual({value: 'hello world', caret: 0});
		expect(editText('hello world', key('end'), {caret: 5})).toEqual({value: 'hello world', caret: 0});
		expect(editText('hello world', ctrl('b'), {caret: 11})).toEqual({value: 'hello world', caret: 11});
		expect(editText('hello world', ctrl('f'), {caret: 0})).toEqual({value: 'hello world', caret: 0});
		expect(editText('hello world', key('right'), {caret: 6})).toEqual({value: 'hello world', caret: 5});
		// Typed and pasted text goes in at the caret, which stays after it.
		expect(editText('hello world', keyEvent(','), {caret: 6})).toEqual({value: 'hello, world', caret: 6});
		expect(editText('helo', keyEvent('l'), {caret: 1})).toEqual({value: 'hello', caret: 1});
		// Backspace erases before the caret, Delete under it; at either edge nothing.
		expect(editText('hello', key('backspace'), {caret: 2})).toEqual({value: 'helo', caret: 2});
		expect(editText('hello', key('delete'), {caret: 2})).toEqual({value: 'helo', caret: 1});
		expect(editText('hello', key('delete'))).toEqual({value: 'hello', caret: 0});
		expect(editText('hello', key('backspace'), {caret: 5})).toEqual({value: 'hello', caret: 5});
		// Ctrl-W (and Alt-Backspace) erases the word before the caret and the spaces after it, as readline does.
		expect(editText('scope:api  acme', ctrl('w'))).toEqual({value: 'scope:api  ', caret: 0});
		expect(editText('scope:api  acme', ctrl('w'), {caret: 4})).toEqual({value: 'acme', caret: 4});
		expect(editText('one two', keyEvent('', {name: 'backspace', meta: true}))).toEqual({value: 'one ', caret: 0});
		// An emoji is one character to every key.
		expect(editText('a🚀b', key('left'), {caret: 1})).toEqual({value: 'a🚀b', caret: 3});
		expect(editText('a🚀b', key('backspace'), {caret: 1})).toEqual({value: 'ab', caret: 1});
	});

	it('moves and erases what a person sees as one character: an accent written apart, a ZWJ family, a flag', () => {
		const key = (name: 'left' | 'right' | 'delete' | 'backspace') => keyEvent('', {name});
		const accented = 'cafe\u0301'; // é as e and a combining acute accent
		expect(editText(accented, key('backspace'))).toEqual({value: 'caf', caret: 0});
		expect(editText(accented, key('left'))).toEqual({value: accented, caret: 2});
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧, 8 units
		expect(editText(`x${family}y`, key('left'), {caret: 1})).toEqual({value: `x${family}y`, caret: 9});
		expect(editText(`x${family}y`, key('right'), {caret: 9})).toEqual({value: `x${family}y`, caret: 1});
		expect(editText(`x${family}y`, key('delete'), {caret: 9})).toEqual({value: 'xy', caret: 1});
		expect(editText(`x${family}`, key('backspace'))).toEqual({value: 'x', caret: 0});
		// Flags pair up from the start of their run: ←, twice, passes two flags whole.
		const flags = '\u{1F1FA}\u{1F1F8}\u{1F1EC}\u{1F1E7}\u{1F1EB}\u{1F1F7}'; // 🇺🇸🇬🇧🇫🇷
		const once = editText(flags, key('left'))!;
		expect(once.caret).toBe(4);
		expect(editText(flags, key('left'), {caret: once.caret})).toEqual({value: flags, caret: 8});
		expect(editText(flags, key('backspace'), {caret: 4})).toEqual({value: '\u{1F1FA}\u{1F1F8}\u{1F1EB}\u{1F1F7}', caret: 4});
		// A letter typed before an accent joins it: the caret goes after the character they make.
		expect(editText('\u0301x', keyEvent('e'), {caret: 2})).toEqual({value: 'e\u0301x', caret: 1});
		// A mark far from any window's start: a long run of combining marks is one cluster still.
		const stacked = `e${'\u0301'.repeat(80)}`;
		expect(editText(`${stacked}z`, key('left'), {caret: 1})).toEqual({value: `${stacked}z`, caret: 82});
	});

	it('keeps the caret at Home of a 2 MB paste without reading the whole of it again for each key', () => {
		const pasted = 'A'.repeat(2_000_000);
		const home = editText(pasted, keyEvent('', {name: 'home'}))!;
		expect(home.caret).toBe(2_000_000);
		expect(editText(pasted, keyEvent('', {name: 'right'}), {caret: home.caret})!.caret).toBe(1_999_999);
		expect(editText(pasted, keyEvent('x'), {caret: home.caret})!.value.startsWith('xA')).toBe(true);
	});
});
