import {Box, Text} from 'ink';
import {Message} from './frame.js';
import {chunk} from '../../format/cells.js';
import type {ShownToken} from '../state/token-shown.js';
import {theme} from '../theme.js';

/** The widest the token's box gets: a 64-character token on one row, with its border and padding. */
const BOX_WIDTH = 72;

/**
 * The once-only display of a new raw token, for every dialog that makes one (issue, rotate): the
 * token exists only in the dialog's state while this shows; closing drops it and the app repaints
 * every cell (CloseOptions.repaint), so it is on the screen once and nowhere after. The token is
 * laid into the box's rows by this component (Ink would shrink a box in a full column and cut
 * them), so at the 60×15 minimum it reads whole on two rows, the box around it intact.
 */
export function TokenShown({shown, notice, width}: {shown: ShownToken; notice: string | undefined; width: number}) {
	const boxWidth = Math.max(14, Math.min(width - 2, BOX_WIDTH));
	const rows = chunk(shown.token, boxWidth - 4);
	return (
		<>
			<Message kind="warning">This is the only time the token is shown. It is not stored anywhere: copy it now.</Message>
			<Box borderStyle="round" borderColor={theme.success} paddingX={1} width={boxWidth} flexShrink={0} flexDirection="column">
				{rows.map((row, index) => (
					<Text key={index} bold color={theme.success}>
						{row}
					</Text>
				))}
			</Box>
			<Text wrap="truncate" color={theme.muted}>
				{' '}
				Token id {shown.id}
			</Text>
			{/* One of these three, so that all of it fits the 60×15 minimum. */}
			{shown.closeAsked ? (
				<Message kind="warning">Not copied yet: close anyway? Esc (or q) again closes, c copies.</Message>
			) : notice ? (
				<Message kind="success">{notice}</Message>
			) : (
				<Text wrap="truncate"> c copies it; closing wipes it from the screen.</Text>
			)}
		</>
	);
}
