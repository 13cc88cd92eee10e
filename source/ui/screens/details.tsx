import {Text} from 'ink';
import {useMemo, useState} from 'react';
import type {RotationFacts, TokenEntry} from '../../tokens/index.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandFor, commandsOf} from '../keymap.js';
import {detailLines, scrollBy} from '../state/details.js';
import {fit, textWidth} from '../../format/cells.js';
import {theme} from '../theme.js';

export type DetailsProps = {
	entry: TokenEntry;
	/** The tokens its rotation link names, for the rotation lines. */
	rotation?: RotationFacts;
	now: number;
	width: number;
	height: number;
	onClose: () => void;
	onAction: (what: 'export' | 'revoke' | 'rotate' | 'edit') => void;
};

export function DetailsView({
	entry,
	now,
	width,
	height,
	offset,
	rotation,
}: Pick<DetailsProps, 'entry' | 'now' | 'width' | 'height' | 'rotation'> & {offset: number}) {
	const lines = useMemo(() => detailLines(entry, now, rotation), [entry, now, rotation]);
	const labelWidth = Math.max(...lines.map(([label]) => textWidth(label))) + 2;
	return (
		<Frame height={height}>
			<Title>Token details</Title>
			<Text> </Text>
			{lines.slice(offset, offset + Math.max(0, height - 2)).map(([label, value], index) => (
				<Text key={index} wrap="truncate">
					<Text color={theme.muted}>{fit(` ${label}`, labelWidth)}</Text>
					{fit(value, Math.max(1, width - labelWidth))}
				</Text>
			))}
		</Frame>
	);
}

/** Every field of one token; Esc goes back, e exports, d revokes. */
export function DetailsScreen(props: DetailsProps) {
	const [offset, setOffset] = useState(0);
	const total = useMemo(() => detailLines(props.entry, props.now, props.rotation).length, [props.entry, props.now, props.rotation]);
	const room = Math.max(1, props.height - 2);
	useKeypress(key => {
		switch (commandFor(key, commandsOf('details'))) {
			case Command.Up: {
				setOffset(value => scrollBy(value, -1, total, room));
				return true;
			}

			case Command.Down: {
				setOffset(value => scrollBy(value, 1, total, room));
				return true;
			}

			case Command.Close: {
				props.onClose();
				return true;
			}

			case Command.Export: {
				props.onAction('export');
				return true;
			}

			case Command.Revoke: {
				props.onAction('revoke');
				return true;
			}

			case Command.Rotate: {
				props.onAction('rotate');
				return true;
			}

			case Command.Edit: {
				props.onAction('edit');
				return true;
			}

			default: {
				// A dialog takes every key, so the table under it never moves.
				return true;
			}
		}
	}, PRIORITY.dialog);
	return (
		<DetailsView entry={props.entry} rotation={props.rotation} now={props.now} width={props.width} height={props.height} offset={offset} />
	);
}
