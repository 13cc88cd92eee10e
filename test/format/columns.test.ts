import {describe, expect, it} from 'vitest';
import {COLUMNS, MIN_DESCRIPTION_WIDTH, layoutColumns, shownColumns} from '../../source/format/index.js';

const titles = (columns: readonly number[]) => columns.map(column => COLUMNS[column]!.title);

describe('which columns a token table shows at a width (one rule for list and the app)', () => {
	it('shows every column at 120, drops Created first at 100 and Expires next at 80', () => {
		expect(titles(shownColumns(120))).toEqual(['Description', 'Scopes', 'Account', 'Created (UTC)', 'Last used', 'Expires']);
		expect(titles(shownColumns(100))).toEqual(['Description', 'Scopes', 'Account', 'Last used', 'Expires']);
		expect(titles(shownColumns(80))).toEqual(['Description', 'Scopes', 'Account', 'Last used']);
	});

	it('keeps Expires whenever it keeps Created, and the description and scopes at any width', () => {
		for (let width = 20; width <= 200; width++) {
			const shown = titles(shownColumns(width));
			expect(shown.slice(0, 2), `width ${width}`).toEqual(['Description', 'Scopes']);
			if (shown.includes('Created')) {
				expect(shown, `width ${width}`).toContain('Expires');
			}
		}
	});

	it('fits both tables in the width: the app (4-cell row symbols, 1-cell gaps) and list (12-cell id, 2-cell gaps)', () => {
		for (const width of [50, 60, 80, 100, 120, 200]) {
			for (const frame of [
				{lead: 4, gap: 1},
				{lead: 14, gap: 2},
			]) {
				const layout = layoutColumns(width, frame);
				const used = frame.lead + layout.reduce((sum, column) => sum + column.width, 0) + frame.gap * (layout.length - 1);
				expect(used, `width ${width}, lead ${frame.lead}`).toBeLessThanOrEqual(width);
				expect(layout[0]!.width).toBeGreaterThanOrEqual(MIN_DESCRIPTION_WIDTH);
				expect(layout.map(column => column.column)).toEqual(shownColumns(width));
			}
		}
	});

	it('makes no column wider than its content when the content is given', () => {
		const natural = [11, 6, 7, 7, 9, 7];
		const layout = layoutColumns(120, {lead: 14, gap: 2, natural});
		expect(layout.map(column => column.width)).toEqual(natural);
	});
});
