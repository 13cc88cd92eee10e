import {describe, expect, it} from 'vitest';

/**
 * The Ink the app runs is the patched one (docs/architecture.md, "One patch to Ink"): a line's
 * styled characters are made once and reused by the next frames, within a bounded memory. An
 * install that skipped the `prepare` script (`npm ci --ignore-scripts`) renders the same screens,
 * only slower, and no other test would notice.
 */

type StyledChars = readonly unknown[];
type Output = {caches: {getStyledChars(line: string): StyledChars}};
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
});
