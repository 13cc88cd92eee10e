import {Box, Text} from 'ink';
import type {Connection} from '../hooks/use-tokens.js';
import {fit} from '../../format/cells.js';
import {displayText} from '../../format/index.js';
import {theme} from '../theme.js';

export type HeaderProps = {
	width: number;
	/** The Redis endpoint, password already masked. */
	endpoint: string;
	prefix: string;
	connection: Connection;
	/** Every stored token (HLEN) once the whole table is in; `expired` of them have expired. */
	count: number | undefined;
	expired?: number | undefined;
	/** The named instance (config file), shown first in its colour, in brackets so it reads without colour. */
	instance?: {name: string; color?: string};
};

const STATE_TEXT: Record<Connection, string> = {connecting: 'connecting', up: 'connected', down: 'disconnected'};

/** One line: app name, endpoint (masked), prefix, connection state and token count. */
export function Header({width, endpoint, prefix, connection, count, expired, instance}: HeaderProps) {
	const state = `${connection === 'up' ? theme.symbols.up : theme.symbols.down} ${STATE_TEXT[connection]}`;
	const total =
		count === undefined
			? ''
			: `${count.toLocaleString('en-US')} token${count === 1 ? '' : 's'}${expired ? ` (${expired.toLocaleString('en-US')} expired)` : ''}`;
	const name = instance ? ` [${instance.name}]` : '';
	const left = ` ee-tokens${name ? '' : ' '} ${displayText(endpoint, 300)}  prefix: ${prefix === '' ? '(none)' : displayText(prefix, 100)}`;
	const right = `${state}  ${total} `;
	// One cell always parts the endpoint from the state: a cut endpoint ends in "…", which read as
	// part of "● connected" when the two touched. The instance's name is never cut: it is what says
	// production from staging.
	const room = Math.max(0, width - right.length - 1 - name.length);
	return (
		<Box height={1}>
			{instance ? (
				<Text bold wrap="truncate" color={instance.color}>
					{name.slice(0, width)}
				</Text>
			) : null}
			<Text bold wrap="truncate">
				{`${fit(left, room)} `}
			</Text>
			<Text wrap="truncate" color={connection === 'up' ? theme.success : connection === 'down' ? theme.danger : theme.warning}>
				{right.slice(0, width)}
			</Text>
		</Box>
	);
}
