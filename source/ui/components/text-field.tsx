import {Text} from 'ink';
import {fit, fitEnd, textWidth} from '../../format/cells.js';
import {clusterEndAfter} from '../../format/clusters.js';
import {sanitizeText} from '../../format/index.js';

/**
 * Only so much of a field can show (a pasted export string is up to 2 MB), and no cell is wider
 * than four UTF-16 units: a side longer than this many units per cell is cut before it is measured.
 */
const UNITS_PER_CELL = 4;

/**
 * A one-line input: `label › value` with the caret as an inverse cell over the cluster under it
 * (state/text-edit.ts keeps the caret, in UTF-16 units from the end). A value longer than the room
 * shows the part around the caret: the text before it after a leading `…`, and a third of the room
 * at most after it, cut with `…`. Only that part is looked at, however long the value.
 */
export function TextField({label, value: raw, width, caret = 0}: {label: string; value: string; width: number; caret?: number}) {
	const prefix = ` ${label} › `;
	const room = Math.max(4, width - textWidth(prefix) - 2);
	const at = Math.max(0, Math.min(raw.length, raw.length - caret));
	const underEnd = clusterEndAfter(raw, at);
	const limit = room * UNITS_PER_CELL;
	// Typed text has no control characters, but a completed account id comes from Redis: sanitised.
	// Cut between characters: half a surrogate pair is no character.
	const before = sanitizeText(at > limit ? `…${raw.slice(at - limit).replace(/^[\uDC00-\uDFFF]/, '')}` : raw.slice(0, at));
	const after = sanitizeText(raw.slice(underEnd, underEnd + limit).replace(/[\uD800-\uDBFF]$/, ''));
	const under = sanitizeText(raw.slice(at, underEnd) || ' ');
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
