import {Box, Text, useStdout} from 'ink';
import {Children, type ReactNode} from 'react';
import {displayText} from '../../format/index.js';
import {wrapText} from '../../format/cells.js';
import {theme} from '../theme.js';

/**
 * Text children through displayText: titles, messages and fields carry descriptions and error
 * messages, and those carry text from Redis. A second line of defence behind the views' own use of
 * displayText, so a forgotten call cannot put an escape on the screen.
 */
const safe = (children: ReactNode): ReactNode =>
	Children.map(children, child => (typeof child === 'string' ? displayText(child, 2000) : child));

/**
 * A body of exactly `height` lines: what does not fit is cut, so the screen never scrolls.
 * Cut below only (overflowY): every line in it is already fitted to the width (`fit`, or Text's
 * wrap="truncate"), and Ink cuts a box that clips sideways by re-slicing each of its lines on every
 * frame (slice-ansi): that alone took about 40% of each frame's Output (10 ms against 16–20 ms for
 * a 120×35 table), on every key and every refresh. The table and review bodies inside cut the same
 * way, for the same reason.
 */
export function Frame({height, children}: {height: number; children: ReactNode}) {
	return (
		<Box flexDirection="column" height={Math.max(0, height)} overflowY="hidden">
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

const COLORS = {error: theme.danger, warning: theme.warning, success: theme.success, info: undefined, hint: theme.muted} as const;

/**
 * An error, notice or hint inside a dialog, wrapped by words to the terminal's width with every
 * line one column in, where the first starts: a long one (a refusal naming a 64-character id at
 * 80 columns) reads as one indented paragraph, and a path in it is broken, never cut.
 */
export function Message({kind, children}: {kind: keyof typeof COLORS; children: ReactNode}) {
	const {stdout} = useStdout();
	const parts = Children.toArray(children);
	const text = parts.every(part => typeof part === 'string' || typeof part === 'number') ? parts.join('') : undefined;
	if (text === undefined) {
		return (
			<Box paddingLeft={1} flexShrink={0}>
				<Text color={COLORS[kind]} wrap="wrap">
					{safe(children)}
				</Text>
			</Box>
		);
	}

	// The dialogs are as wide as the terminal; one column for the indent, one spare for terminals
	// that wrap at the last column.
	const lines = wrapText(displayText(text, 2000), (stdout.columns || 80) - 2);
	return (
		<Box flexDirection="column" flexShrink={0}>
			{lines.map((line, index) => (
				<Text key={index} color={COLORS[kind]} wrap="truncate">
					{` ${line}`}
				</Text>
			))}
		</Box>
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
