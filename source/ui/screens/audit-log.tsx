import {Text} from 'ink';
import {useMemo, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {fit} from '../../format/cells.js';
import {Footer} from '../components/footer.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useKeypress} from '../hooks/keypress.js';
import {useAuditLog} from '../hooks/use-audit-log.js';
import {Command, commandIn} from '../keymap.js';
import {type AuditFilter, type AuditLine, auditLine, emptyLogText, filterEntries} from '../state/audit-log.js';
import {scrollBy} from '../state/details.js';
import {theme} from '../theme.js';

/** The width of an entry's time ("2026-12-01 09:20:14") and the gap after it. */
const LABEL_WIDTH = 22;

/** Lines of the audit log: the time in a muted column, a refused request in the danger colour. */
export function AuditLines({lines, width}: {lines: readonly AuditLine[]; width: number}) {
	return (
		<>
			{lines.map((line, index) => (
				<Text key={index} wrap="truncate">
					<Text color={theme.muted}>{fit(` ${line.label}`, LABEL_WIDTH)}</Text>
					<Text color={line.denied ? theme.danger : undefined} bold={line.denied}>
						{fit(line.text, Math.max(1, width - LABEL_WIDTH))}
					</Text>
				</Text>
			))}
		</>
	);
}

/**
 * One token's whole audit log (l in its details), newest first: / shows only the denied requests
 * or all, a switches the instance's setting, r reads again, Esc goes back to the details.
 */
export function AuditLogScreen({
	store,
	id,
	version,
	width,
	height,
	onClose,
}: {
	store: TokenStore;
	id: string;
	version: unknown;
	width: number;
	height: number;
	onClose: () => void;
}) {
	const audit = useAuditLog(store, id, version);
	const [filter, setFilter] = useState<AuditFilter>('all');
	const [offset, setOffset] = useState(0);
	const lines = useMemo(() => filterEntries(audit.log?.entries ?? [], filter).map(entry => auditLine(entry)), [audit.log, filter]);
	// Title, blank, the state line, an optional notice; the rest is the log.
	const head = audit.notice === undefined ? 3 : 4;
	const room = Math.max(1, height - head);
	useKeypress(key => {
		switch (commandIn('audit-log', key)) {
			case Command.Up: {
				setOffset(value => scrollBy(value, -1, lines.length, room));
				return true;
			}

			case Command.Down: {
				setOffset(value => scrollBy(value, 1, lines.length, room));
				return true;
			}

			case Command.PageUp: {
				setOffset(value => scrollBy(value, -room, lines.length, room));
				return true;
			}

			case Command.PageDown: {
				setOffset(value => scrollBy(value, room, lines.length, room));
				return true;
			}

			case Command.Filter: {
				setFilter(value => (value === 'all' ? 'denied' : 'all'));
				setOffset(0);
				return true;
			}

			case Command.AuditSetting: {
				audit.toggleSetting();
				return true;
			}

			case Command.Refresh: {
				audit.reload();
				return true;
			}

			case Command.Close: {
				onClose();
				return true;
			}

			default: {
				return true;
			}
		}
	}, PRIORITY.dialog);

	const {log} = audit;
	let state: string;
	if (audit.failure !== undefined) {
		state = `Could not read the log: ${audit.failure}`;
	} else if (log === undefined) {
		state = 'Loading…';
	} else if (log.total === 0) {
		state = `Audit log ${emptyLogText(log.on)}`;
	} else {
		const shown = filter === 'denied' ? `${lines.length} denied of ${log.total}` : `${log.total}`;
		const skipped = log.unreadable > 0 ? `, ${log.unreadable} unreadable skipped` : '';
		state = `${shown} ${log.total === 1 ? 'entry' : 'entries'}${skipped}, newest first; logging is ${log.on ? 'on' : 'off'} for this instance`;
	}

	return (
		<>
			<Frame height={height}>
				<Title>{`Audit log of token ${id.slice(0, 8)}…${filter === 'denied' ? ' (denied only)' : ''}`}</Title>
				<Text> </Text>
				<Text wrap="truncate">{fit(` ${state}`, width)}</Text>
				{audit.notice === undefined ? null : (
					<Text wrap="truncate" color={theme.warning}>
						{fit(` ${audit.notice}`, width)}
					</Text>
				)}
				<AuditLines lines={lines.slice(offset, offset + room)} width={width} />
			</Frame>
			<Footer view="audit-log" width={width} />
		</>
	);
}
