import {Text} from 'ink';
import {textWidth} from '../../tokens/index.js';
import {theme} from '../theme.js';

/**
 * A one-line input: `label › value▌`. A value longer than the room shows its end (where typing
 * happens) after a leading `…`.
 */
export function TextField({label, value, width, placeholder = ''}: {label: string; value: string; width: number; placeholder?: string}) {
	const prefix = ` ${label} › `;
	const room = Math.max(4, width - textWidth(prefix) - 2);
	const shown = textWidth(value) > room ? `…${[...value].slice(-(room - 1)).join('')}` : value;
	return (
		<Text wrap="truncate">
			<Text bold>{prefix}</Text>
			{value === '' && placeholder !== '' ? <Text color={theme.muted}>{placeholder}</Text> : <Text>{shown}</Text>}
			<Text inverse> </Text>
		</Text>
	);
}
