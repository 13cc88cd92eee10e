import {describe, expect, it} from 'vitest';

/**
 * The Ink the app runs is the patched one (docs/architecture.md, "Two patched dependencies"): a line's
 * styled characters, and a row's text, are made once and reused by the next frames, within a
 * bounded memory. An
 * install that skipped the `prepare` script (`npm ci --ignore-scripts`) renders the same screens,
 * only slower, and no other test would notice.
 */

type StyledChars = readonly unknown[];
type Output = {
	caches: {getStyledChars(line: string): StyledChars};
	write(x: number, y: number, text: string, options: {transformers: unknown[]}): void;
	get(): {output: string; height: number};
};
type OutputClass = new (options: {width: number; height: number}) => Output;

// Ink's package exports only its index, so its Output module is loaded by path.
const {default: InkOutput} = (await import(new URL('../../node_modules/ink/build/output.js', import.meta.url).href)) as {
	default: OutputClass;
};
const frame = () => new InkOutput({width: 120, height: 35});

describe('Ink, as patched', () => {
	it("reuses a line's styled characters in the next frame", () => {
		const line = '\u001B[1m Billing service \u001B[22m api, smtp   acme';
		const first = frame().caches.getStyledChars(line);
		const next = frame().caches.getStyledChars(line);
		expect(next).toBe(first);
	});

	it('forgets lines not seen for a while, so its memory is bounded', () => {
		const line = 'a line seen once';
		const first = frame().caches.getStyledChars(line);
		for (let index = 0; index < 1000; index++) {
			frame().caches.getStyledChars(`another line ${index}`);
		}

		const later = frame().caches.getStyledChars(line);
		expect(later).not.toBe(first);
		expect(later).toStrictEqual(first);
	});

	it('builds only the rows that changed since an earlier frame, to the same text', () => {
		const rows = Array.from({length: 30}, (_, index) => `\u001B[36m row ${index} \u001B[39m of a frame drawn before`);
		const draw = (changed?: number) => {
			const output = frame();
			for (const [index, row] of rows.entries()) {
				output.write(2, index, index === changed ? `${row}, now changed` : row, {transformers: []});
			}

			const made: string[] = [];
			const {getStyledChars} = output.caches;
			output.caches.getStyledChars = line => {
				made.push(line);
				return getStyledChars.call(output.caches, line);
			};
			try {
				return {text: output.get().output, made};
			} finally {
				output.caches.getStyledChars = getStyledChars;
			}
		};

		const first = draw();
		const again = draw();
		expect(again.made).toEqual([]);
		expect(again.text).toBe(first.text);
		const changed = draw(7);
		expect(changed.made).toEqual([`${rows[7]}, now changed`]);
		const lines = changed.text.split('\n');
		expect(lines[7]).toBe(`  ${rows[7]}, now changed`);
		expect(lines.filter((_, index) => index !== 7)).toEqual(first.text.split('\n').filter((_, index) => index !== 7));
	});
});
