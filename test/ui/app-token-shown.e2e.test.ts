import {describe, expect, it} from 'vitest';
import {tokenIdOf} from '../../source/tokens/index.js';
import {KEYS, type AppProcess} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();

/** Rotates the first row (grace 0) and returns the screen that shows the new token. */
async function rotateFirstRow(app: AppProcess): Promise<string> {
	await app.waitFor(/\d+ tokens/);
	await app.type('R');
	await app.waitFor('Grace');
	await app.type(`${KEYS.ctrlU}0${KEYS.enter}`);
	await app.waitFor('Enter rotates');
	await app.type(KEYS.enter);
	return app.waitFor('This is the only time the token is shown');
}

/** The text inside the token's box, its rows joined, and whether every row of the box is whole. */
function boxOf(screen: string): {text: string; whole: boolean} {
	const lines = screen.split('\n');
	const top = lines.findIndex(line => line.startsWith('╭'));
	const bottom = lines.findIndex(line => line.startsWith('╰'));
	const inside = lines.slice(top + 1, bottom);
	const whole = top >= 0 && bottom > top + 1 && inside.every(line => /^│ .* │$/.test(line)) && /^╰─+╯$/.test(lines[bottom]!);
	return {text: inside.map(line => line.slice(1, -1).trim()).join(''), whole};
}

describe('the token shown once at the 60x15 minimum', () => {
	it('reads whole in an intact box, and Esc before a copy asks once', async () => {
		const app = fixture.start({columns: 60, rows: 15});
		const shown = await rotateFirstRow(app);
		const {text, whole} = boxOf(shown);
		expect(whole).toBe(true);
		expect(text).toMatch(/^[\da-f]{64}$/);
		expect(shown).toContain(`Token id ${tokenIdOf(text).slice(0, 40)}`);

		await app.type(KEYS.escape);
		const asked = await app.waitFor(/Not copied yet: close anyway\? Esc \(or q\) again closes,\s+c\s+copies\./);
		expect(boxOf(asked)).toEqual({text, whole: true});
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Rotated') && /\d+ tokens/.test(screen));
		expect(app.history()).not.toContain(text);
	});

	it('closes on the first Esc once copied, and says the copy is unconfirmed where nothing confirms it', async () => {
		// No tmux and no display here: OSC 52 alone, which no terminal answers.
		const app = fixture.start({columns: 60, rows: 15});
		const shown = await rotateFirstRow(app);
		const {text} = boxOf(shown);
		await app.type('c');
		const screen = await app.waitFor("Sent to the terminal's clipboard");
		expect(boxOf(screen)).toEqual({text, whole: true});
		const copied = screen.replaceAll(/\n /g, ' ');
		expect(copied).toContain("Sent to the terminal's clipboard (OSC 52); if it did not arrive, the token is on screen above.");
		expect(copied).not.toContain('Copied');
		await app.type(KEYS.escape);
		await app.waitFor(table => !table.includes('Rotated') && /\d+ tokens/.test(table));
		expect(app.screen()).not.toContain('Not copied yet');
	});
});
