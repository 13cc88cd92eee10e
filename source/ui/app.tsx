/**
 * The app's composition, about 400 lines on purpose: App (the providers and the switch between
 * instances) and Main (one connection's screen: header, banner, the table and the open dialog,
 * and what each dialog's outcome does to the table: reload, land the cursor, clear marks). Those
 * outcomes are the one place where dialogs meet the table's state; spread over one file per
 * dialog, each would need that state passed in. The screens and dialogs themselves live in
 * screens/ (docs/architecture.md).
 */
import {Box, Text, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
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
import {displayText} from '../format/index.js';
import {oneLine} from '../tokens/index.js';
import {theme} from './theme.js';
import {type Environment, EnvironmentContext, WorkingDirectoryContext} from './hooks/use-environment.js';
import {InstanceContext, useInstance} from './hooks/use-instance.js';
import {type InstanceChoice, InstancePicker} from './screens/instances.js';
import type {CopyTargets} from './screens/copy-to.js';

/** What the app shows and uses of one connection: switching instances replaces all of it at once. */
export type AppSession = {
	store: TokenStore;
	endpoint: string;
	target?: RedisEndpoint;
	prefix: string;
	source?: TokenSource;
	first?: FirstReads;
	/** The named instance, for the header. */
	instance?: {name: string; color?: string};
	/** Why writes are refused here (--read-only, or the instance's readOnly); neither: writable. */
	readOnly?: {instance: boolean; flag: boolean};
};

/**
 * The instance picker's side of the entry: the config file's instances, and how to open one (the
 * entry resolves it: the app may not read the config file). open() closes the connection left.
 */
export type InstanceSwitching = {
	choices: readonly InstanceChoice[];
	/** Where the config file is (or would be), for "no instances" lines. */
	path: string;
	/** Why there is nothing to pick (the config file cannot be read): said when p is pressed. */
	unavailable?: string;
	open: (name: string) => Promise<AppSession>;
	/** Opens another instance to copy to (C), leaving the app where it is. */
	openForCopy: CopyTargets['open'];
};

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
	instance?: AppSession['instance'];
	readOnly?: AppSession['readOnly'];
	/** The picker (p); without it, p says there is nothing to switch to. */
	instances?: InstanceSwitching;
	/** A warning to show at start until the first key (a config file holding a password that others may read). */
	warning?: string;
	/** The entry's environment (journal directory, clipboard); this process's when not given. */
	env?: Environment;
	/** The entry's working directory (the export dialog's file); this process's when not given. */
	cwd?: string;
};

/** Dialogs that write to Redis: on a read-only connection they are refused before they open. */
const WRITING_DIALOGS: Partial<Record<Dialog['kind'], string>> = {
	issue: 'issuing a token',
	import: 'importing',
	revoke: 'revoking',
	rotate: 'rotating',
	edit: 'editing',
};

/** The one line a refused write shows, naming why the app is read-only and how to change that. */
function refusalFor(readOnly: AppSession['readOnly'], instance: AppSession['instance']): ((what: string) => string) | undefined {
	if (!readOnly?.instance && !readOnly?.flag) {
		return undefined;
	}

	const subject = readOnly.instance ? `Instance ${instance?.name ?? ''} is read-only` : 'Read-only (--read-only)';
	const way = readOnly.instance ? 'readOnly = false in the config file allows it' : 'start without --read-only to allow it';
	return what => `${subject}: ${what} would write to it; nothing was done (${way})`;
}

const NO_DATA = buildTableData([], 0);

/**
 * The app: header, banner, the table (always mounted) and the open dialog over it. Each of the
 * table, the dialog and the whole is contained: what fails to draw is one line, not a crash.
 */
export function App(props: AppProps) {
	const {exit} = useApp();
	// The connection in use: the one the app started with, then each one the picker switched to.
	const [session, setSession] = useState<{key: number; session: AppSession}>(() => ({key: 0, session: props}));
	const mode = useMemo(
		() => ({instance: session.session.instance, refusal: refusalFor(session.session.readOnly, session.session.instance)}),
		[session],
	);
	const switchTo = useCallback(
		async (name: string) => {
			const next = await props.instances!.open(name);
			setSession(previous => ({key: previous.key + 1, session: next}));
		},
		[props.instances],
	);
	return (
		<KeypressProvider input={props.input}>
			<EnvironmentContext.Provider value={props.env ?? process.env}>
				<WorkingDirectoryContext.Provider value={props.cwd}>
					<InstanceContext.Provider value={mode}>
						<Contained fallback={message => <AppFailure message={message} onQuit={exit} />}>
							{/* Keyed by the connection: a switch starts every piece of token state afresh (rows, cursor, filter, marks, dialogs). */}
							<Main
								key={session.key}
								{...props}
								{...session.session}
								// Each of the session, even when it has none: nothing of the instance left behind stays.
								instance={session.session.instance}
								readOnly={session.session.readOnly}
								source={session.session.source}
								first={session.session.first}
								target={session.session.target}
								// Said once, at start: a switch re-reads no file.
								warning={session.key === 0 ? props.warning : undefined}
								onSwitch={switchTo}
							/>
						</Contained>
					</InstanceContext.Provider>
				</WorkingDirectoryContext.Provider>
			</EnvironmentContext.Provider>
		</KeypressProvider>
	);
}

function Main({
	store,
	endpoint,
	target,
	prefix,
	refreshMs,
	source,
	first,
	checks,
	instance,
	instances,
	readOnly,
	warning,
	onSwitch,
}: AppProps & {onSwitch: (name: string) => Promise<void>}) {
	const {refusal} = useInstance();
	// The instance picker (p) when open, what its last switch said, and whether one is on its way.
	const [picking, setPicking] = useState<{status?: string; busy?: boolean} | undefined>(undefined);
	// A refused key's line, on its own row under the header until the next key (any view).
	const [refused, setRefused] = useState<string | undefined>(warning);
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
	const problemLines = problem ? wrapWords(` ${problem}. Retrying; nothing you typed is lost.`, size.columns, 2) : [];
	const refusedLines = refused ? wrapWords(` ${refused}`, size.columns, 2) : [];
	const bannerLines = [
		...problemLines.map(line => ({line, color: theme.danger})),
		...refusedLines.map(line => ({line, color: theme.warning})),
	];
	const bodyHeight = Math.max(1, size.rows - 1 - 2 - bannerLines.length);

	useKeypress(key => {
		// Any key is the operator's next step: what the last one did has been read.
		setSaid(undefined);
		setRefused(undefined);
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

	// Every dialog opens through here: one that would write is refused on a read-only connection
	// before it opens, with its reason, from the table as from a token's details.
	// A copy (C) goes to another instance of the config file: the ones the picker lists.
	const copyTargets = useMemo<CopyTargets | undefined>(
		() =>
			instances && !instances.unavailable && instances.choices.length > 0
				? {choices: instances.choices, current: instance?.name, open: instances.openForCopy}
				: undefined,
		[instances, instance],
	);
	const openDialog = useCallback(
		(next: Dialog) => {
			const what = WRITING_DIALOGS[next.kind];
			if (refusal && what) {
				setRefused(refusal(what));
				return;
			}

			// --read-only refuses every write, a copy to another instance included (an instance's own
			// readOnly does not: a copy out writes nothing to it).
			if (next.kind === 'copy' && readOnly?.flag) {
				setRefused(
					'Read-only (--read-only): copying to another instance would write to it; nothing was done (start without --read-only to allow it)',
				);
				return;
			}

			if (next.kind === 'copy' && !copyTargets) {
				setRefused(
					instances?.unavailable ??
						`No instances to copy to: ${instances?.path ?? 'the config file'} names none (ee-tokens instances --help shows one)`,
				);
				return;
			}

			setDialog(next);
		},
		[refusal, copyTargets, instances, readOnly],
	);
	const openPicker = useCallback(() => {
		if (instances?.unavailable) {
			setRefused(instances.unavailable);
			return;
		}

		if (!instances || instances.choices.length === 0) {
			setRefused(`No instances to switch to: ${instances?.path ?? 'the config file'} names none (ee-tokens instances --help shows one)`);
			return;
		}

		setPicking({});
	}, [instances]);
	const pick = useCallback(
		(name: string) => {
			if (name === instance?.name) {
				setPicking(undefined);
				return;
			}

			setPicking({status: `Switching to ${name}…`, busy: true});
			// On success this Main is replaced (keyed by the connection); on failure it stays, on the old instance.
			onSwitch(name).catch((error: unknown) => {
				// The store's own words ("Cannot connect to Redis at … (ECONNREFUSED)", the URL masked):
				// failureText's "the app keeps retrying" is not true of a switch that was given up.
				setPicking({status: `Could not switch to ${name}: ${displayText(oneLine(error), 300)}; still on ${instance?.name ?? endpoint}`});
			});
		},
		[onSwitch, instance, endpoint],
	);
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
					instance={instance}
				/>
				{bannerLines.map(({line, color}, index) => (
					<Text key={index} inverse color={color} wrap="truncate">
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
						active={dialog === undefined && picking === undefined}
						onOpen={openDialog}
						onPicker={openPicker}
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
						onOpen={openDialog}
						onChanged={refresh}
						checks={checks}
						copyTargets={copyTargets}
					/>
				) : null}
				{picking && instances ? (
					<InstancePicker
						choices={instances.choices}
						current={instance?.name}
						status={picking.status}
						busy={picking.busy}
						width={size.columns}
						height={bodyHeight}
						onPick={pick}
						onClose={() => setPicking(undefined)}
					/>
				) : null}
			</Box>
		</Box>
	);
}
