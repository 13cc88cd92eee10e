import {Box, Text} from 'ink';
import {Command, type Hint, KEYMAP, type View, hintsFor} from '../keymap.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';

const joined = (hints: readonly Hint[]) => hints.map((hint, index) => `${index === 0 ? ' ' : '  '}${hint.keys} ${hint.label}`).join('');

/**
 * The key hints of the current view, from the keymap, as many as fit in their rank order. When
 * some do not fit and `?` works in the view, it goes last as `? more`: the rest are a key away,
 * and a key that works is never just missing without a word.
 */
export function footerText(view: View, width: number): string {
	const hints = hintsFor(view);
	if (joined(hints).length <= width) {
		return joined(hints);
	}

	const help = hints.find(hint => hint.command === Command.Help);
	const more: Hint[] = help ? [{...help, label: KEYMAP[Command.Help].labelWhenCut ?? help.label}] : [];
	const shown: Hint[] = [];
	for (const hint of hints) {
		if (hint === help) {
			continue;
		}

		if (joined([...shown, hint, ...more]).length > width) {
			break;
		}

		shown.push(hint);
	}

	const text = joined([...shown, ...more]);
	return text.length <= width ? text : joined(shown);
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
