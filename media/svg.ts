import type xterm from '@xterm/headless';

type Terminal = InstanceType<typeof xterm.Terminal>;
type Cell = NonNullable<ReturnType<NonNullable<ReturnType<Terminal['buffer']['active']['getLine']>>['getCell']>>;

/** A dark theme close to common terminal defaults. */
const THEME = {
	background: '#1e1e2e',
	foreground: '#d9dce6',
	ansi: [
		'#45475a',
		'#f38ba8',
		'#a6e3a1',
		'#f9e2af',
		'#89b4fa',
		'#f5c2e7',
		'#94e2d5',
		'#bac2de',
		'#585b70',
		'#f38ba8',
		'#a6e3a1',
		'#f9e2af',
		'#89b4fa',
		'#f5c2e7',
		'#94e2d5',
		'#a6adc8',
	],
};

const hex = (value: number) => value.toString(16).padStart(2, '0');

function palette(index: number): string {
	if (index < 16) {
		return THEME.ansi[index]!;
	}

	if (index < 232) {
		const cube = index - 16;
		const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
		return `#${hex(level(Math.floor(cube / 36)))}${hex(level(Math.floor(cube / 6) % 6))}${hex(level(cube % 6))}`;
	}

	const gray = 8 + (index - 232) * 10;
	return `#${hex(gray)}${hex(gray)}${hex(gray)}`;
}

function colour(cell: Cell, which: 'fg' | 'bg'): string | undefined {
	if (which === 'fg') {
		if (cell.isFgRGB()) {
			return `#${cell.getFgColor().toString(16).padStart(6, '0')}`;
		}

		return cell.isFgPalette() ? palette(cell.getFgColor()) : undefined;
	}

	if (cell.isBgRGB()) {
		return `#${cell.getBgColor().toString(16).padStart(6, '0')}`;
	}

	return cell.isBgPalette() ? palette(cell.getBgColor()) : undefined;
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

type Style = {fg: string; bg: string | undefined; bold: boolean; underline: boolean; dim: boolean};

/**
 * The visible screen of an xterm buffer as an SVG: every cell's character with its foreground,
 * background, bold, underline, dim and inverse, in a window frame. Runs of equal style become one
 * <text> stretched to their exact cell width, so columns line up in any monospace font.
 */
export function terminalToSvg(terminal: Terminal, {title = 'ee-tokens'}: {title?: string} = {}): string {
	const cellWidth = 8.4;
	const cellHeight = 18;
	const fontSize = 14;
	const padding = 14;
	const bar = 30;
	const width = Math.ceil(terminal.cols * cellWidth + padding * 2);
	const height = Math.ceil(terminal.rows * cellHeight + padding * 2 + bar);
	const buffer = terminal.buffer.active;
	const parts: string[] = [];
	const reusable = buffer.getNullCell();
	for (let row = 0; row < terminal.rows; row++) {
		const line = buffer.getLine(buffer.viewportY + row);
		if (!line) {
			continue;
		}

		const y = bar + padding + row * cellHeight;
		let run: {start: number; cells: number; text: string; style: Style} | undefined;
		const flush = () => {
			if (!run) {
				return;
			}

			const x = padding + run.start * cellWidth;
			const w = run.cells * cellWidth;
			if (run.style.bg) {
				parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${cellHeight}" fill="${run.style.bg}"/>`);
			}

			if (run.text.trim() !== '') {
				const attributes = [
					`x="${x.toFixed(1)}"`,
					`y="${y + cellHeight - 5}"`,
					`fill="${run.style.fg}"`,
					`textLength="${w.toFixed(1)}"`,
					'lengthAdjust="spacingAndGlyphs"',
					run.style.bold ? 'font-weight="bold"' : '',
					run.style.underline ? 'text-decoration="underline"' : '',
					run.style.dim ? 'opacity="0.6"' : '',
				].filter(Boolean);
				// No-break spaces: SVG collapses runs of ordinary ones.
				parts.push(`<text ${attributes.join(' ')}>${escapeXml(run.text).replaceAll(' ', '\u00A0')}</text>`);
			}

			run = undefined;
		};

		for (let column = 0; column < terminal.cols; column++) {
			const cell = line.getCell(column, reusable);
			if (!cell || cell.getWidth() === 0) {
				continue;
			}

			let fg = colour(cell, 'fg') ?? THEME.foreground;
			let bg = colour(cell, 'bg');
			if (cell.isInverse()) {
				[fg, bg] = [bg ?? THEME.background, fg];
			}

			const style: Style = {fg, bg, bold: Boolean(cell.isBold()), underline: Boolean(cell.isUnderline()), dim: Boolean(cell.isDim())};
			const chars = cell.getChars() || ' ';
			const same =
				run &&
				run.style.fg === style.fg &&
				run.style.bg === style.bg &&
				run.style.bold === style.bold &&
				run.style.underline === style.underline &&
				run.style.dim === style.dim &&
				cell.getWidth() === 1;
			if (!same) {
				flush();
				run = {start: column, cells: 0, text: '', style};
			}

			run!.text += chars;
			run!.cells += cell.getWidth();
			if (cell.getWidth() !== 1) {
				flush();
			}
		}

		flush();
	}

	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
		`<rect width="${width}" height="${height}" rx="8" fill="${THEME.background}"/>`,
		`<circle cx="18" cy="15" r="6" fill="#f38ba8"/><circle cx="38" cy="15" r="6" fill="#f9e2af"/><circle cx="58" cy="15" r="6" fill="#a6e3a1"/>`,
		`<text x="${width / 2}" y="20" fill="#a6adc8" font-family="sans-serif" font-size="12" text-anchor="middle">${escapeXml(title)}</text>`,
		`<g font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="${fontSize}" xml:space="preserve">`,
		...parts,
		'</g>',
		'</svg>',
		'',
	].join('\n');
}
