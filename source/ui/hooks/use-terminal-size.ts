import {useStdout} from 'ink';
import {useEffect, useState} from 'react';
import {CLEAR_SCREEN} from '../terminal.js';

export type Size = {columns: number; rows: number};

/** The terminal size, updated on every resize; the screen is wiped so no stale cell survives. */
export function useTerminalSize(): Size {
	const {stdout} = useStdout();
	const read = (): Size => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => {
			stdout.write(CLEAR_SCREEN);
			setSize(read());
		};

		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout]);
	return size;
}

/** Below this the app shows the "terminal too small" view. */
export const MIN_SIZE: Size = {columns: 60, rows: 15};

export const isTooSmall = (size: Size): boolean => size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
