import {Text} from 'ink';
import {fitEnd, textWidth} from '../../format/cells.js';
import {sanitizeText} from '../../format/index.js';

/**
 * A one-line input: `label › value▌`. A value longer than the room shows its end (where typing
 * happens) after a leading `…`.
 */
export function TextField({label, value: raw, width}: {label: string; value: string; width: number}) {
	const prefix = ` ${label} › `;
	const room = Math.max(4, width - textWidth(prefix) - 2);
	// Only the end can show (a pasted export string is up to 2 MB): no cell is wider than four
	// UTF-16 units. Typed text has no control characters, but a completed account id comes from Redis.
	const value = sanitizeText(raw.length > room * 4 ? `…${raw.slice(-room * 4)}` : raw);
	const shown = fitEnd(value, room);
	return (
		<Text wrap="truncate">
			<Text bold>{prefix}</Text>
			<Text>{shown}</Text>
			<Text inverse> </Text>
		</Text>
	);
}
