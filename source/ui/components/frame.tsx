import {Box, Text} from 'ink';
import {Children, type ReactNode} from 'react';
import {displayText} from '../../format/index.js';
import {theme} from '../theme.js';

/**
 * Text children through displayText: titles, messages and fields carry descriptions and error
 * messages, and those carry text from Redis. A second line of defence behind the views' own use of
 * displayText, so a forgotten call cannot put an escape on the screen.
 */
const safe = (children: ReactNode): ReactNode =>
	Children.map(children, child => (typeof child === 'string' ? displayText(child, 2000) : child));

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
			{safe(children)}
		</Text>
	);
}

/** An error or notice line inside a dialog. */
export function Message({kind, children}: {kind: 'error' | 'warning' | 'success' | 'info'; children: ReactNode}) {
	const color = kind === 'error' ? theme.danger : kind === 'warning' ? theme.warning : kind === 'success' ? theme.success : undefined;
	return (
		<Text color={color} wrap="wrap">
			{' '}
			{safe(children)}
		</Text>
	);
}

/** Label and value lines (a review, a preview): the labels in a muted column. */
export function Fields({lines}: {lines: ReadonlyArray<readonly [string, string]>}) {
	return (
		<>
			{lines.map(([label, value], index) => (
				<Text key={index} wrap="truncate">
					<Text color={theme.muted}>{`   ${displayText(label, 32).padEnd(14)}`}</Text>
					{displayText(value)}
				</Text>
			))}
		</>
	);
}
