import {Box, Text, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useRef, useState} from 'react';
import type {RedisEndpoint, TokenStore} from '../store/index.js';
import {Contained} from './components/contained.js';
import {Header} from './components/header.js';
import {buildTableData} from './state/rows.js';
import {type KeySource, KeypressProvider, PRIORITY, useKeypress} from './hooks/keypress.js';
import {isTooSmall, useTerminalSize} from './hooks/use-terminal-size.js';
import {type FirstReads, type TokenSource, useTokens} from './hooks/use-tokens.js';
import {Command, matches} from './keymap.js';
import type {CloseOptions} from './screens/close-options.js';
import {type Dialog, Dialogs} from './screens/dialogs.js';
import type {RequestChecks} from './state/request-check.js';
import {AppFailure, TableFailure} from './screens/failure.js';
import {TableScreen} from './screens/table-screen.js';
import {TooSmall} from './screens/too-small.js';
import {CLEAR_SCREEN} from './terminal.js';
import {wrapWords} from '../format/cells.js';
import {theme} from './theme.js';

export type AppProps = {
	store: TokenStore;
	/** The Redis URL with its password masked. */
	endpoint: string;
	/** The Redis failures are described at (URL, time limit, log), in the store's words. */
	target?: RedisEndpoint;
	prefix: string;
	/** Periodic refresh interval. */
	refreshMs?: number;
	/** How the table is read; the store itself when not given. */
	source?: TokenSource;
	/** Reads already on their way while the UI loaded. */
	first?: FirstReads;
	/** The terminal's keys. */
	input?: KeySource;
	/** The request check's answers (t): `ee-tokens can`'s, handed in by the entry (see RequestChecks). */
	checks: RequestChecks;
};

const NO_DATA = buildTableData([], 0);

/**
 * The app: header, banner, the table (always mounted) and the open dialog over it. Each of the
 * table, the dialog and the whole is contained: what fails to draw is one line, not a crash.
 */
export function App(props: AppProps) {
	const {exit} = useApp();
	return (
		<KeypressProvider input={props.input}>
			<Contained fallback={message => <AppFailure message={message} onQuit={exit} />}>
				<Main {...props} />
			</Contained>
		</KeypressProvider>
	);
}

function Main({store, endpoint, target, prefix, refreshMs, source, first, checks}: AppProps) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const size = useTerminalSize();
	const tokens = useTokens(store, {refreshMs, source, first, endpoint: target});
	const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
	const [select, setSelect] = useState<{id: string} | undefined>(undefined);
	// What the last action did ("Issued …", "Reloaded 40 tokens"), on the status line until the next key.
	const [said, setSaid] = useState<string | undefined>(undefined);
	// The table as it was when r asked for a reload: the next one read after it is the answer.
	const reloadAsked = useRef<{before: unknown} | undefined>(undefined);
	const tooSmall = isTooSmall(size);
	const away = tokens.connection === 'down';
	// A Redis that is away, or one that answered the read with an error (a key of the wrong type):
	// the header says which, the banner why.
	const problem = away
		? `Redis unavailable: ${tokens.error ?? 'connection lost'}`
		: tokens.error === undefined
			? undefined
			: `Redis answered with an error: ${tokens.error}`;
	// rows - 1 lines in all (Ink repaints everything when output is as tall as the terminal):
	// header, optional banner, body, footer.
	// Two lines at most: at 80 columns one line cut off the reason, which is what the operator needs.
	const bannerLines = problem ? wrapWords(` ${problem}. Retrying; nothing you typed is lost.`, size.columns, 2) : [];
	const bodyHeight = Math.max(1, size.rows - 1 - 2 - bannerLines.length);

	useKeypress(key => {
		// Any key is the operator's next step: what the last one did has been read.
		setSaid(undefined);
		if (matches(Command.ForceQuit, key)) {
			exit();
			return true;
		}

		if (tooSmall) {
			if (matches(Command.Quit, key)) {
				exit();
			}

			// Action keys do nothing here; a dialog underneath keeps its input.
			return true;
		}

		return false;
	}, PRIORITY.global);

	const {refresh} = tokens;
	const closeDialog = useCallback(
		(options: CloseOptions = {}) => {
			if (options.repaint) {
				// The dialog showed a secret: wipe every cell, Ink then paints the next frame in full.
				stdout.write(CLEAR_SCREEN);
			}

			setDialog(undefined);
			setSaid(options.said);
			if (options.select !== undefined) {
				setSelect({id: options.select});
			}

			if (options.reload) {
				refresh();
			}
		},
		[stdout, refresh],
	);

	// r: a reload the operator asked for is said when it is in (the periodic ones are not).
	const {data} = tokens;
	const reloadNow = useCallback(() => {
		reloadAsked.current = {before: data};
		refresh();
	}, [refresh, data]);
	useEffect(() => {
		if (reloadAsked.current !== undefined && data !== undefined && data !== reloadAsked.current.before) {
			reloadAsked.current = undefined;
			const rows = data.rows.length;
			setSaid(`Reloaded ${rows.toLocaleString('en-US')} ${rows === 1 ? 'token' : 'tokens'}`);
		}
	}, [data]);

	return (
		<Box flexDirection="column" width={size.columns}>
			{tooSmall ? <TooSmall size={size} /> : null}
			<Box flexDirection="column" display={tooSmall ? 'none' : 'flex'} height={size.rows - 1}>
				<Header
					width={size.columns}
					endpoint={endpoint}
					prefix={prefix}
					connection={tokens.connection}
					count={tokens.data?.partOf ?? tokens.data?.rows.length}
					expired={tokens.data?.partOf === undefined ? tokens.data?.expired : undefined}
				/>
				{bannerLines.map((line, index) => (
					<Text key={index} inverse color={theme.danger} wrap="truncate">
						{line.padEnd(size.columns)}
					</Text>
				))}
				<Contained
					retryOn={tokens.data}
					fallback={message => (
						<TableFailure
							message={message}
							width={size.columns}
							height={bodyHeight}
							active={dialog === undefined}
							onRefresh={refresh}
							onQuit={exit}
						/>
					)}
				>
					<TableScreen
						data={tokens.data}
						waiting={problem ? 'Waiting for Redis…' : 'Loading tokens…'}
						loading={tokens.loading && !tokens.data}
						width={size.columns}
						height={bodyHeight}
						active={dialog === undefined}
						onOpen={setDialog}
						onRefresh={reloadNow}
						onQuit={exit}
						select={select}
						said={said}
					/>
				</Contained>
				{dialog ? (
					<Dialogs
						dialog={dialog}
						store={store}
						endpoint={endpoint}
						data={tokens.data ?? NO_DATA}
						width={size.columns}
						height={bodyHeight}
						onClose={closeDialog}
						onOpen={setDialog}
						onChanged={refresh}
						checks={checks}
					/>
				) : null}
			</Box>
		</Box>
	);
}
