import {Box, Text} from 'ink';
import {Message} from './frame.js';
import {theme} from '../theme.js';

/**
 * The once-only display of a new raw token, for every dialog that makes one (issue, rotate): the
 * token exists only in the dialog's state while this shows; closing drops it and the app repaints
 * every cell (CloseOptions.repaint), so it is on the screen once and nowhere after.
 */
export function TokenShown({token, id, notice, width}: {token: string; id: string; notice: string | undefined; width: number}) {
	return (
		<>
			<Message kind="warning">This is the only time the token is shown. It is not stored anywhere: copy it now.</Message>
			<Text> </Text>
			<Box borderStyle="round" borderColor={theme.success} paddingX={1} width={Math.min(width - 2, 72)}>
				<Text bold color={theme.success}>
					{token}
				</Text>
			</Box>
			<Text> </Text>
			<Text wrap="truncate" color={theme.muted}>
				{' '}
				Token id {id}
			</Text>
			<Text> c copies it (OSC 52, then xclip/wl-copy/pbcopy); Enter or Esc closes and wipes it from the screen.</Text>
			{notice ? <Message kind="success">{notice}</Message> : null}
		</>
	);
}
