import {Box, Text} from 'ink';
import {useState} from 'react';
import {Footer} from '../components/footer.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandIn} from '../keymap.js';
import {fit} from '../../format/cells.js';
import {displayText} from '../../format/index.js';
import {theme} from '../theme.js';

/** One named instance as the picker lists it (the entry reads the config file; the app may not). */
export type InstanceChoice = {name: string; color?: string; readOnly: boolean; redis: string};

export type InstancePickerProps = {
	choices: readonly InstanceChoice[];
	/** The instance the app is on, marked and (unless `start` says otherwise) where the cursor starts. */
	current?: string;
	start?: string;
	/** Set while a switch is on its way, or after one failed: one line under the list. */
	status?: string;
	/** A switch is on its way: every key waits (Ctrl-C still quits), so a second Enter starts no second switch. */
	busy?: boolean;
	width: number;
	height: number;
	onPick: (name: string) => void;
	onClose: () => void;
	/** The title, and the view whose keys it takes: by default the switch (p); the copy (C) picks a target with it. */
	title?: string;
	view?: 'instances' | 'copy-choose';
	/** The line under the list (by default: what the * marks). */
	note?: string;
};

/**
 * The instance picker (p): the config file's instances, the current one marked; Enter switches.
 * Each line says read-only in words and the name in its colour, as the header will.
 */
export function InstancePicker({
	choices,
	current,
	start = current,
	status,
	busy = false,
	width,
	height,
	onPick,
	onClose,
	title = 'Switch to another instance (Enter); the tokens of this one are let go',
	view = 'instances',
	note = ' * the instance the app is on',
}: InstancePickerProps) {
	const [cursor, setCursor] = useState(() =>
		Math.max(
			0,
			choices.findIndex(choice => choice.name === start),
		),
	);
	useKeypress(key => {
		if (busy) {
			return true;
		}

		switch (commandIn(view, key)) {
			case Command.Up: {
				setCursor(value => Math.max(0, value - 1));
				break;
			}

			case Command.Down: {
				setCursor(value => Math.min(choices.length - 1, value + 1));
				break;
			}

			case Command.Next: {
				const chosen = choices[cursor];
				if (chosen) {
					onPick(chosen.name);
				}

				break;
			}

			case Command.Close: {
				onClose();
				break;
			}

			default: {
				break;
			}
		}

		// A dialog takes every key, so the table under it never moves.
		return true;
	}, PRIORITY.dialog);
	const nameWidth = Math.max(4, ...choices.map(choice => choice.name.length));
	return (
		<Box flexDirection="column">
			<Frame height={height}>
				<Title>{title}</Title>
				<Text> </Text>
				{choices.map((choice, index) => {
					const selected = index === cursor;
					const line = `${selected ? theme.symbols.selected : ' '} ${choice.name === current ? '*' : ' '} `;
					const rest = `  ${choice.readOnly ? 'read-only' : 'writable '}  ${choice.redis}`;
					return (
						<Text key={choice.name} inverse={selected} wrap="truncate">
							{line}
							<Text bold color={choice.color}>
								{`[${choice.name}]`.padEnd(nameWidth + 2)}
							</Text>
							{fit(displayText(rest, 400), Math.max(0, width - line.length - nameWidth - 2))}
						</Text>
					);
				})}
				<Text> </Text>
				<Text color={theme.muted} wrap="truncate">
					{note}
				</Text>
				{status ? (
					// Wrapped, not cut: the reason a switch failed is what the operator needs.
					<Text color={theme.warning} wrap="wrap">
						{` ${status}`}
					</Text>
				) : null}
			</Frame>
			<Footer view={view} width={width} />
		</Box>
	);
}
