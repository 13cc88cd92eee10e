import {Box, Text} from 'ink';
import {Command, type Hint, KEYMAP, type View, hintsFor} from '../keymap.js';
import {theme} from '../theme.js';
import {useInstance} from '../hooks/use-instance.js';

const joined = (hints: readonly Hint[]) => hints.map((hint, index) => `${index === 0 ? ' ' : '  '}${hint.keys} ${hint.label}`).join('');

/**
 * The key hints of the current view, from the keymap, as many as fit in their rank order. When
 * some do not fit and `?` works in the view, it goes last as `? more`: the rest are a key away,
 * and a key that works is never just missing without a word.
 */
export function footerHints(view: View, width: number): Hint[] {
	const hints = hintsFor(view);
	if (joined(hints).length <= width) {
		return hints;
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

	return joined([...shown, ...more]).length <= width ? [...shown, ...more] : shown;
}

export const footerText = (view: View, width: number): string => joined(footerHints(view, width));

/** What starts the footer of a read-only instance, so it is said without colour too. */
export const READ_ONLY_MARK = ' READ-ONLY │';

/**
 * The footer. On a read-only instance it starts READ-ONLY and the keys that would write are
 * greyed (dim; they are refused with a line saying why).
 */
export function Footer({view, width}: {view: View; width: number}) {
	const {refusal} = useInstance();
	const mark = refusal ? READ_ONLY_MARK : '';
	const hints = footerHints(view, Math.max(0, width - mark.length));
	const rest = Math.max(0, width - mark.length - joined(hints).length);
	return (
		<Box height={1}>
			<Text inverse wrap="truncate" color={theme.muted}>
				{mark ? (
					<Text bold color={theme.warning}>
						{mark}
					</Text>
				) : null}
				{hints.map((hint, index) => {
					const text = `${index === 0 ? ' ' : '  '}${hint.keys} ${hint.label}`;
					return refusal && KEYMAP[hint.command].writes ? (
						<Text key={index} dimColor strikethrough>
							{text}
						</Text>
					) : (
						text
					);
				})}
				{' '.repeat(rest)}
			</Text>
		</Box>
	);
}
