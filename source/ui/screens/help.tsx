import {Text} from 'ink';
import {useState} from 'react';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandFor, commandsOf, helpSections} from '../keymap.js';
import {scrollBy} from '../state/details.js';
import {fit} from '../text.js';
import {theme} from '../theme.js';

type Line = {kind: 'title' | 'row' | 'blank'; keys?: string; text: string};

/** The help screen's lines, generated from the keymap (the same table as footer and handlers). */
export function helpLines(): Line[] {
	const lines: Line[] = [];
	for (const section of helpSections()) {
		lines.push({kind: 'title', text: section.title});
		for (const row of section.rows) {
			lines.push({kind: 'row', keys: row.keys, text: row.help});
		}

		lines.push({kind: 'blank', text: ''});
	}

	return lines;
}

export function HelpView({width, height, offset}: {width: number; height: number; offset: number}) {
	const lines = helpLines();
	return (
		<Frame height={height}>
			<Title>Keys</Title>
			{lines.slice(offset, offset + Math.max(0, height - 1)).map((line, index) =>
				line.kind === 'title' ? (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={index} bold wrap="truncate">
						{fit(`  ${line.text}`, width)}
					</Text>
				) : (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={index} wrap="truncate">
						<Text color={theme.accent}>{fit(`    ${line.keys ?? ''}`, 14)}</Text>
						{fit(line.text, Math.max(1, width - 14))}
					</Text>
				),
			)}
		</Frame>
	);
}

export function HelpScreen({width, height, onClose}: {width: number; height: number; onClose(): void}) {
	const [offset, setOffset] = useState(0);
	const total = helpLines().length;
	const room = Math.max(1, height - 1);
	useKeypress(key => {
		const command = commandFor(key, commandsOf('help'));
		if (command === Command.Up || command === Command.Down) {
			setOffset(value => scrollBy(value, command === Command.Up ? -1 : 1, total, room));
		} else if (command === Command.Close || key.input === '?' || key.input === 'q') {
			onClose();
		}

		return true;
	}, PRIORITY.dialog);
	return <HelpView width={width} height={height} offset={offset} />;
}
