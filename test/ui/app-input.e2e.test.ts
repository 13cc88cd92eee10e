import {describe, expect, it} from 'vitest';
import {BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON} from '../../source/ui/key-parser.js';
import {KEYS} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();

const selectedLine = (screen: string) => screen.split('\n').find(line => line.startsWith('›')) ?? '';

describe('the app: pasting is never typing', () => {
	it('turns bracketed paste on, ignores a paste in the table, takes one whole in the filter and a wizard field, and reads Esc then a key as two keys', async () => {
		// Raw bytes as a terminal sends them, Esc and a key apart: a real terminal.
		const app = fixture.start({pty: true});
		await app.waitFor('6 tokens');
		expect(app.output()).toContain(BRACKETED_PASTE_ON);
		const first = selectedLine(app.screen());

		// Typed, "quick" would quit (q), clear marks (u), open import (i) and move (k).
		app.paste('quick');
		await app.type('j');
		await app.waitFor(screen => selectedLine(screen) !== first, {message: 'the cursor to move after the paste'});
		expect(app.screen()).not.toContain('Import a token');

		// In the filter a paste is text, Enter inside it included: still filtering (two words, both in
		// "Helpdesk integration").
		await app.type('/');
		app.paste('help\rdesk');
		await app.waitFor('/help desk▌  1 of 6');
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('of 6'));

		// In a wizard field it arrives whole: an Enter inside does not accept the step.
		await app.type('n');
		await app.waitFor('step 1 of 9');
		app.paste('CI deploy\r\u001B[Bbot');
		await app.waitFor('Description › CI deploy [Bbot');
		expect(app.screen()).toContain('step 1 of 9');

		// Esc and a key in one read: Esc cancels the wizard (the second Esc: the first asks about the
		// text typed), n opens a fresh one.
		app.write('\u001B');
		await app.waitFor('Esc again discards what you typed');
		app.write('\u001Bn');
		await app.waitFor(screen => screen.includes('step 1 of 9') && screen.includes('Description › ') && !screen.includes('CI deploy'));

		// Esc closes the wizard, q quits: bracketed paste is off again on the way out.
		app.write('\u001Bq');
		expect((await app.exited).exitCode).toBe(0);
		expect(app.output().slice(app.output().lastIndexOf(BRACKETED_PASTE_ON))).toContain(BRACKETED_PASTE_OFF);
		// The exit can be reported before the last bytes (leaving the alternate screen) are read.
		await app.waitFor(() => app.terminal.buffer.active.type === 'normal', {message: 'the normal screen'});
	});

	it('edits a field like a shell line: the caret moves, text goes in at it, Delete, Ctrl-W, Home/End (filter and wizard)', async () => {
		const app = fixture.start({columns: 80, rows: 24});
		await app.waitFor('6 tokens');
		// The filter: "Hepdesk", then an l typed two characters in after ← and Home.
		await app.type('/Hepdesk');
		await app.waitFor('/Hepdesk▌  0 of 6');
		await app.type(`${KEYS.home}${KEYS.right}${KEYS.right}l`);
		await app.waitFor('/Hel▌pdesk  1 of 6');
		expect(app.screen()).toContain('Helpdesk integration');
		await app.type(`${KEYS.end}${KEYS.ctrlW}`);
		await app.waitFor('/▌  6 of 6');
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('of 6'));
		// A wizard field: Ctrl-W erases a word, Ctrl-A goes to the start, Delete erases under the caret.
		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type(`XCI deploy bot${KEYS.ctrlW}${KEYS.ctrlA}${KEYS.delete}`);
		await app.waitFor(/Description › CI deploy$/m);
		// The caret is on the C: what is typed goes in before it.
		await app.type(`Our ${KEYS.ctrlE}runner`);
		await app.waitFor('Description › Our CI deploy runner');
		await app.type(KEYS.enter);
		await app.waitFor('step 2 of 9');
		// Back to it: the text is kept, the caret at its end.
		await app.type(KEYS.escape);
		await app.waitFor(screen => screen.includes('step 1 of 9') && screen.includes('Description › Our CI deploy runner'));
	});
});
