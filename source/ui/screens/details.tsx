import {Text} from 'ink';
import {useMemo, useState} from 'react';
import type {RotationFacts, TokenEntry} from '../../tokens/index.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {Command, commandIn} from '../keymap.js';
import {detailLines, detailRows, scrollBy} from '../state/details.js';
import type {AuditLine} from '../state/audit-log.js';
import {AuditLines} from './audit-log.js';
import {fit} from '../../format/cells.js';
import {theme} from '../theme.js';

export type DetailsProps = {
	entry: TokenEntry;
	/** The tokens its rotation link names, for the rotation lines. */
	rotation?: RotationFacts;
	now: number;
	width: number;
	height: number;
	onClose: () => void;
	onAction: (what: 'export' | 'revoke' | 'rotate' | 'edit' | 'audit-log' | 'request-check') => void;
	/** The audit-log section (state/audit-log.ts): its summary and the newest entries. */
	audit?: readonly AuditLine[];
	/** Turns the instance's audit-log setting the other way. */
	onToggleAuditLog?: () => void;
	/** Reads the token and its audit log again now (with the table), instead of at the next periodic reload. */
	onReload?: () => void;
};

export function DetailsView({
	entry,
	now,
	width,
	height,
	offset,
	rotation,
	audit = [],
}: Pick<DetailsProps, 'entry' | 'now' | 'width' | 'height' | 'rotation' | 'audit'> & {offset: number}) {
	const {rows: lines, labelWidth} = useMemo(() => detailRows(detailLines(entry, now, rotation), width), [entry, now, rotation, width]);
	// The record's lines, a blank one, then the audit section; one scroll for both.
	const room = Math.max(0, height - 2);
	const fieldLines = lines.slice(offset, offset + room);
	const auditStart = Math.max(0, offset - lines.length - 1);
	const auditRoom = Math.max(0, room - fieldLines.length - (offset <= lines.length ? 1 : 0));
	return (
		<Frame height={height}>
			<Title>Token details</Title>
			<Text> </Text>
			{fieldLines.map(([label, value], index) => (
				<Text key={index} wrap="truncate">
					<Text color={theme.muted}>{fit(` ${label}`, labelWidth)}</Text>
					{fit(value, Math.max(1, width - labelWidth))}
				</Text>
			))}
			{audit.length > 0 && auditRoom > 0 ? (
				<>
					{offset <= lines.length ? <Text> </Text> : null}
					<AuditLines lines={audit.slice(auditStart, auditStart + auditRoom)} width={width} />
				</>
			) : null}
		</Frame>
	);
}

/** Every field of one token and the newest entries of its audit log; Esc goes back, e exports, d revokes, l opens the log. */
export function DetailsScreen(props: DetailsProps) {
	const [offset, setOffset] = useState(0);
	const fields = useMemo(
		() => detailRows(detailLines(props.entry, props.now, props.rotation), props.width).rows.length,
		[props.entry, props.now, props.rotation, props.width],
	);
	const total = fields + (props.audit?.length ? props.audit.length + 1 : 0);
	const room = Math.max(1, props.height - 2);
	useKeypress(key => {
		switch (commandIn('details', key)) {
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

			case Command.AuditLog: {
				props.onAction('audit-log');
				return true;
			}

			case Command.CheckRequest: {
				props.onAction('request-check');
				return true;
			}

			case Command.AuditSetting: {
				props.onToggleAuditLog?.();
				return true;
			}

			case Command.Refresh: {
				props.onReload?.();
				return true;
			}

			default: {
				// A dialog takes every key, so the table under it never moves.
				return true;
			}
		}
	}, PRIORITY.dialog);
	return (
		<DetailsView
			entry={props.entry}
			rotation={props.rotation}
			now={props.now}
			width={props.width}
			height={props.height}
			offset={offset}
			audit={props.audit}
		/>
	);
}
