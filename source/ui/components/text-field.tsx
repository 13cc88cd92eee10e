import {Text} from 'ink';
import {sanitizeText, textWidth} from '../../tokens/index.js';

/**
 * A one-line input: `label › value▌`. A value longer than the room shows its end (where typing
 * happens) after a leading `…`.
 */
export function TextField({label, value: raw, width}: {label: string; value: string; width: number}) {
	// Typed text has no control characters, but a completed account id comes from Redis.
	const value = sanitizeText(raw);
	const prefix = ` ${label} › `;
	const room = Math.max(4, width - textWidth(prefix) - 2);
	const shown = textWidth(value) > room ? `…${[...value].slice(-(room - 1)).join('')}` : value;
	return (
		<Text wrap="truncate">
			<Text bold>{prefix}</Text>
			<Text>{shown}</Text>
			<Text inverse> </Text>
		</Text>
	);
}
