import {Text} from 'ink';
import {fit, fitEnd, textWidth} from '../../format/cells.js';
import {sanitizeText} from '../../format/index.js';

/**
 * Only so much of a field can show (a pasted export string is up to 2 MB), and no cell is wider
 * than four UTF-16 units: a side longer than this many units per cell is cut before it is measured.
 */
const UNITS_PER_CELL = 4;

/**
 * A one-line input: `label › value` with the caret as an inverse cell (state/text-edit.ts keeps it,
 * in characters from the end). A value longer than the room shows the part around the caret: the
 * text before it after a leading `…`, and a third of the room at most after it, cut with `…`.
 */
export function TextField({label, value: raw, width, caret = 0}: {label: string; value: string; width: number; caret?: number}) {
	const prefix = ` ${label} › `;
	const room = Math.max(4, width - textWidth(prefix) - 2);
	const characters = [...raw];
	const at = Math.max(0, Math.min(characters.length, characters.length - caret));
	const limit = room * UNITS_PER_CELL;
	// Typed text has no control characters, but a completed account id comes from Redis: sanitised.
	let before = characters.slice(0, at).join('');
	before = sanitizeText(before.length > limit ? `…${before.slice(-limit)}` : before);
	let after = characters.slice(at + 1).join('');
	after = sanitizeText(after.length > limit ? after.slice(0, limit) : after);
	const under = sanitizeText(characters[at] ?? ' ');
	// After the caret: all of it when it fits, else what the text before it leaves, a third at least.
	const afterRoom = Math.min(textWidth(after), Math.max(Math.floor(room / 3), room - textWidth(before) - textWidth(under)));
	const shownAfter = afterRoom < textWidth(after) ? fit(after, afterRoom) : after;
	const shownBefore = fitEnd(before, Math.max(0, room - textWidth(under) - textWidth(shownAfter)));
	return (
		<Text wrap="truncate">
			<Text bold>{prefix}</Text>
			<Text>{shownBefore}</Text>
			<Text inverse>{under}</Text>
			<Text>{shownAfter}</Text>
		</Text>
	);
}
