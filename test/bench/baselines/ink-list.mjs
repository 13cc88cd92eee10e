// Baseline for the app's keystrokes and memory: a bare Ink list of COUNT rows (argv[2]) as tall
// as the terminal, with what the app's table does on the bench's keys and nothing else: j and k
// move the cursor, PgDn and PgUp a page, / filters by a substring as it is typed, Esc clears, q quits. A status
// line third from the bottom, as the app's, says where the cursor is and what the filter is.
// With COUNT 0 it is the empty Ink app, alive until q: its resident set is the app's memory baseline.
import React, {useMemo, useState} from 'react';
import {Box, Text, render, useApp, useInput} from 'ink';

const count = Number(process.argv[2] ?? 100_000);
const items = Array.from({length: count}, (_, index) => `Token ${index} for service ${index % 97}`);
const height = Math.max(1, (process.stdout.rows || 35) - 3);

function List() {
	const {exit} = useApp();
	const [cursor, setCursor] = useState(0);
	const [filter, setFilter] = useState(undefined);
	const shown = useMemo(() => (filter ? items.filter(item => item.includes(filter)) : items), [filter]);
	useInput((input, key) => {
		if (filter !== undefined) {
			if (key.escape) {
				setFilter(undefined);
			} else {
				setFilter(filter + input);
			}

			setCursor(0);
			return;
		}

		if (input === 'q') {
			exit();
		} else if (input === 'j') {
			setCursor(value => Math.min(Math.max(0, shown.length - 1), value + 1));
		} else if (input === 'k') {
			setCursor(value => Math.max(0, value - 1));
		} else if (key.pageDown) {
			setCursor(value => Math.min(Math.max(0, shown.length - 1), value + height));
		} else if (key.pageUp) {
			setCursor(value => Math.max(0, value - height));
		} else if (input === '/') {
			setFilter('');
		}
	});
	const start = Math.max(0, Math.min(cursor - Math.floor(height / 2), shown.length - height));
	const rows = shown
		.slice(start, start + height)
		.map((item, offset) => React.createElement(Text, {key: start + offset, inverse: start + offset === cursor, wrap: 'truncate'}, item));
	// The filter quoted: a space typed last changes the line too (a terminal shows no trailing space).
	const status = count === 0 ? 'ready' : `${cursor + 1}/${shown.length}${filter === undefined ? '' : `  filter "${filter}"`}`;
	return React.createElement(
		Box,
		{flexDirection: 'column', height: height + 2},
		React.createElement(Box, {flexDirection: 'column', height}, ...rows),
		React.createElement(Text, null, status),
		React.createElement(Text, null, 'j down  PgDn page  / filter  q quit'),
	);
}

render(React.createElement(List));
