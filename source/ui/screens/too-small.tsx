import {Box, Text} from 'ink';
import {MIN_SIZE, type Size} from '../hooks/use-terminal-size.js';

/** Shown below 60×15 instead of everything else; only q and Ctrl-C work here. */
export function TooSmall({size}: {size: Size}) {
	return (
		<Box flexDirection="column" height={Math.max(1, size.rows - 1)} overflow="hidden">
			<Text bold wrap="truncate">
				Terminal too small
			</Text>
			<Text wrap="truncate">
				{size.columns}×{size.rows}, needs {MIN_SIZE.columns}×{MIN_SIZE.rows}.
			</Text>
			<Text wrap="truncate">Enlarge the window, or press q to quit.</Text>
		</Box>
	);
}
