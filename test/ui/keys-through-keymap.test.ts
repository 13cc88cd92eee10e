import {describe, expect, it} from 'vitest';
import {footerText} from '../../source/ui/components/footer.js';
import {Command, helpSections, keyEvent} from '../../source/ui/keymap.js';
import {initialTableState, tableIntent} from '../../source/ui/state/table.js';

const filtering = {...initialTableState, filtering: true, query: 'acme'};
const intent = (state: typeof initialTableState, input: string, extra = {}) =>
	tableIntent(state, keyEvent(input, extra), 100, 10, [0, 1, 2, 3, 4, 5]);

describe('every key the app reads is in the keymap', () => {
	it('help lists every command, the editing keys of text fields included', () => {
		// Every section but the filter's terms (keys of no command) lists commands.
		const rows = helpSections()
			.filter(section => section.title !== 'Filter terms (/)')
			.flatMap(section => section.rows);
		expect(rows.map(row => row.keys)).toEqual(expect.arrayContaining(['Backspace', 'Ctrl-W/U', '←/→']));
		// Every command once; a row may stand for several that are one idea (the caret's moves).
		const covered = rows.flatMap(row => row.commands ?? []);
		expect(covered.toSorted()).toEqual(Object.values(Command).toSorted());
	});

	it('the footer of a text field shows how to erase, and the help screen shows that ? closes it', () => {
		expect(footerText('filter', 200)).toContain('Backspace erase');
		expect(footerText('wizard-text', 200)).toContain('Ctrl-U erase all');
		expect(footerText('help', 200)).toContain('? close');
		expect(footerText('help', 200)).not.toContain('? help');
		expect(footerText('table', 400)).toContain('? help');
	});

	it('while filtering, the erase commands edit the query and only non-text movement keys move', () => {
		expect(intent(filtering, '', {name: 'backspace'})).toEqual({kind: 'action', action: {type: 'setQuery', query: 'acm', caret: 0}});
		// Ctrl-U erases the filter as it erases every other field.
		expect(intent(filtering, 'u', {ctrl: true})).toEqual({kind: 'action', action: {type: 'setQuery', query: '', caret: 0}});
		expect(intent(filtering, 'k')).toEqual({kind: 'action', action: {type: 'setQuery', query: 'acmek', caret: 0}});
		// ← and Home move the caret, and typing goes in there; Home does not jump the table while filtering.
		expect(intent(filtering, '', {name: 'left'})).toEqual({kind: 'action', action: {type: 'setQuery', query: 'acme', caret: 1}});
		expect(intent({...filtering, queryCaret: 4}, 'x')).toEqual({kind: 'action', action: {type: 'setQuery', query: 'xacme', caret: 4}});
		expect(intent(filtering, '', {name: 'home'})).toEqual({kind: 'action', action: {type: 'setQuery', query: 'acme', caret: 4}});
		expect(intent(filtering, '', {name: 'up'})).toEqual({kind: 'action', action: {type: 'move', delta: -1, total: 100, height: 10}});
		expect(intent(filtering, '', {name: 'pagedown'})).toEqual({kind: 'action', action: {type: 'move', delta: 10, total: 100, height: 10}});
	});

	it('Backspace erases a whole emoji from the filter, not half of it', () => {
		expect(intent({...filtering, query: 'bot 🚀'}, '', {name: 'backspace'})).toEqual({
			kind: 'action',
			action: {type: 'setQuery', query: 'bot ', caret: 0},
		});
	});

	it('Esc clears a kept filter from the table', () => {
		expect(intent({...initialTableState, query: 'acme'}, '', {name: 'escape'})).toEqual({kind: 'action', action: {type: 'clearFilter'}});
		expect(intent(initialTableState, '', {name: 'escape'})).toEqual({kind: 'none'});
	});
});
