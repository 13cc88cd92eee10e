import {Box, Text} from 'ink';
import {useState} from 'react';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, KEYMAP, commandIn, helpSections} from '../keymap.js';
import {useInstance} from '../hooks/use-instance.js';
import {scrollBy} from '../state/details.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';

type Line = {kind: 'title' | 'row' | 'blank'; keys?: string; text: string; writes?: boolean};

/** The help screen's lines, generated from the keymap (the same table as footer and handlers). */
export function helpLines(): Line[] {
	const lines: Line[] = [];
	for (const section of helpSections()) {
		lines.push({kind: 'title', text: section.title});
		for (const row of section.rows) {
			lines.push({kind: 'row', keys: row.keys, text: row.help, writes: row.commands?.some(command => KEYMAP[command].writes) ?? false});
		}

		lines.push({kind: 'blank', text: ''});
	}

	// No blank after the last section: a line of a screen that has none to spare.
	return lines.slice(0, -1);
}

/** Two columns on a wide terminal (split at a section boundary near the middle), one otherwise. */
export function helpColumns(width: number): Line[][] {
	const lines = helpLines();
	const longest = Math.max(...lines.map(line => line.text.length));
	if (Math.floor(width / 2) < 14 + longest + 1) {
		return [lines];
	}

	const starts = lines.flatMap((line, index) => (line.kind === 'title' ? [index] : []));
	const split = starts.reduce(
		(best, start) => (Math.abs(start - lines.length / 2) < Math.abs(best - lines.length / 2) ? start : best),
		lines.length,
	);
	return [lines.slice(0, split), lines.slice(split)];
}

function HelpLine({line, width, greyed}: {line: Line | undefined; width: number; greyed: boolean}) {
	if (!line || line.kind === 'blank') {
		return <Text>{' '.repeat(width)}</Text>;
	}

	if (line.kind === 'title') {
		return <Text bold>{fit(`  ${line.text}`, width)}</Text>;
	}

	// On a read-only instance the keys that would write are greyed, as in the footer.
	return (
		<Text dimColor={greyed && line.writes} strikethrough={greyed && line.writes}>
			<Text color={theme.accent}>{fit(`    ${line.keys ?? ''}`, 14)}</Text>
			{fit(line.text, Math.max(1, width - 14))}
		</Text>
	);
}

export function HelpView({width, height, offset}: {width: number; height: number; offset: number}) {
	const greyed = useInstance().refusal !== undefined;
	const columns = helpColumns(width);
	const columnWidth = Math.floor(width / columns.length);
	const rows = Math.max(...columns.map(column => column.length));
	const visible = Array.from({length: Math.max(0, Math.min(rows - offset, height - 1))}, (_, index) => offset + index);
	return (
		<Frame height={height}>
			<Title>Keys</Title>
			{visible.map(row => (
				<Box key={row} height={1}>
					{columns.map((column, index) => (
						<HelpLine key={index} line={column[row]} width={columnWidth} greyed={greyed} />
					))}
				</Box>
			))}
		</Frame>
	);
}

export function HelpScreen({width, height, onClose}: {width: number; height: number; onClose: () => void}) {
	const [offset, setOffset] = useState(0);
	const total = Math.max(...helpColumns(width).map(column => column.length));
	const room = Math.max(1, height - 1);
	useKeypress(key => {
		const command = commandIn('help', key);
		if (command === Command.Up || command === Command.Down) {
			setOffset(value => scrollBy(value, command === Command.Up ? -1 : 1, total, room));
		} else if (command === Command.Close || command === Command.Help) {
			onClose();
		}

		return true;
	}, PRIORITY.dialog);
	return <HelpView width={width} height={height} offset={offset} />;
}
