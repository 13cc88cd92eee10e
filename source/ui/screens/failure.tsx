import {Text} from 'ink';
import {Footer} from '../components/footer.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandFor, commandIn} from '../keymap.js';
import {theme} from '../theme.js';

/**
 * What shows where a view failed to draw (Contained): one line saying why and how to go on. Each
 * takes keys like the view it replaces, so the way out is the usual one.
 */

/** A dialog that failed: Esc goes back to the table. */
export function DialogFailure({message, width, height, onClose}: {message: string; width: number; height: number; onClose: () => void}) {
	useKeypress(key => {
		if (commandIn('failed', key) === Command.Close) {
			onClose();
		}

		return true;
	}, PRIORITY.dialog);
	return (
		<>
			<Frame height={height}>
				<Title>This view could not be shown</Title>
				<Text> </Text>
				<Text color={theme.danger} wrap="truncate">{` ${message}. Esc goes back.`}</Text>
			</Frame>
			<Footer view="failed" width={width} />
		</>
	);
}

/** The table failed: r reloads (and tries again), q quits. */
export function TableFailure({
	message,
	width,
	height,
	active,
	onRefresh,
	onQuit,
}: {
	message: string;
	width: number;
	height: number;
	active: boolean;
	onRefresh: () => void;
	onQuit: () => void;
}) {
	useKeypress(
		key => {
			const command = commandIn('table-failed', key);
			if (command === Command.Refresh) {
				onRefresh();
			} else if (command === Command.Quit) {
				onQuit();
			}

			return true;
		},
		PRIORITY.screen,
		active,
	);
	return active ? (
		<>
			<Frame height={height}>
				<Text color={theme.danger} wrap="truncate">{` The table could not be drawn: ${message}. r reloads, q quits.`}</Text>
			</Frame>
			<Footer view="table-failed" width={width} />
		</>
	) : null;
}

/** The whole app failed: only quitting is left (q here, Ctrl-C everywhere). */
export function AppFailure({message, onQuit}: {message: string; onQuit: () => void}) {
	useKeypress(key => {
		if (commandFor(key, [Command.Quit, Command.ForceQuit]) !== undefined) {
			onQuit();
		}

		return true;
	}, PRIORITY.global);
	return <Text color={theme.danger} wrap="truncate">{` ee-tokens failed: ${message}. Press q to quit.`}</Text>;
}
