import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {theme} from '../theme.js';

/** A body of exactly `height` lines: what does not fit is cut, so the screen never scrolls. */
export function Frame({height, children}: {height: number; children: ReactNode}) {
	return (
		<Box flexDirection="column" height={Math.max(0, height)} overflow="hidden">
			{children}
		</Box>
	);
}

/** A dialog title line. */
export function Title({children}: {children: ReactNode}) {
	return (
		<Text bold color={theme.accent} wrap="truncate">
			{' '}
			{children}
		</Text>
	);
}

/** An error or notice line inside a dialog. */
export function Message({kind, children}: {kind: 'error' | 'warning' | 'success' | 'info'; children: ReactNode}) {
	const color = kind === 'error' ? theme.danger : kind === 'warning' ? theme.warning : kind === 'success' ? theme.success : undefined;
	return (
		<Text color={color} wrap="wrap">
			{' '}
			{children}
		</Text>
	);
}

/** Label and value lines (a review, a preview): the labels in a muted column. */
export function Fields({lines}: {lines: ReadonlyArray<readonly [string, string]>}) {
	return (
		<>
			{lines.map(([label, value]) => (
				<Text key={label} wrap="truncate">
					<Text color={theme.muted}>{`   ${label.padEnd(14)}`}</Text>
					{value}
				</Text>
			))}
		</>
	);
}
