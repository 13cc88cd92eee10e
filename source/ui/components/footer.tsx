import {Box, Text} from 'ink';
import {type View, hintsFor} from '../keymap.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';

/** The key hints of the current view, from the keymap, as many as fit. */
export function footerText(view: View, width: number): string {
	let text = '';
	for (const {keys, label} of hintsFor(view)) {
		const part = `${text === '' ? ' ' : '  '}${keys} ${label}`;
		if (text.length + part.length > width) {
			break;
		}

		text += part;
	}

	return text;
}

export function Footer({view, width}: {view: View; width: number}) {
	return (
		<Box height={1}>
			<Text inverse wrap="truncate" color={theme.muted}>
				{fit(footerText(view, width), width)}
			</Text>
		</Box>
	);
}
