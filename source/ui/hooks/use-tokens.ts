import {useCallback, useEffect, useRef, useState} from 'react';
import {type RedisEndpoint, SummaryTable, type TokenStore} from '../../store/index.js';
import type {TokenSummary} from '../../tokens/index.js';
import {loadFailure} from '../errors.js';
import {APP_LISTING, HEAD_ROWS, type TableData, buildTableData} from '../state/rows.js';

export type Connection = 'connecting' | 'up' | 'down';

export type TokensState = {
	data: TableData | undefined;
	/** 'up' with an error: Redis answered the read with one (a key of the wrong type, an ACL). */
	connection: Connection;
	/** Why the table could not be read, one line, sanitised, password-free (the store's words). */
	error: string | undefined;
	loading: boolean;
};

/** The first rows of the listing and its id count, for a first screen before the whole table. */
export type Head = {ids: number; summaries: TokenSummary[]};

/** Where the table comes from. */
export type TokenSource = {
	/**
	 * The whole listing, packed as the table keeps it. `previous`: the table on screen, which a
	 * reload's shares what did not change with (SummaryTableBuilder), so that a reload does not
	 * hold two copies of every id and description.
	 */
	all: (previous?: SummaryTable) => Promise<SummaryTable>;
	/** Its first `count` rows: cheap, shown while all() is still on its way. */
	head?: (count: number) => Promise<Head>;
};

/**
 * The first load's reads: the head already on its way when the app mounts (started while Ink
 * loaded), and the whole table, started by the app once the head is on screen.
 */
export type FirstReads = {all: () => Promise<SummaryTable>; head?: Promise<Head>};

export type TokensOptions = {
	refreshMs?: number;
	/** store.summaries() and store.head() when not given. */
	source?: TokenSource;
	first?: FirstReads;
	/** The Redis failures are described at (its URL masked): the store's words, as the CLI's. */
	endpoint?: RedisEndpoint;
};

/**
 * Every 10 s so "last used" stays live, or 50× the load time when that is longer: at 100,000
 * tokens a reload reads two hashes of 100,000 fields from a Redis that a live EmailEngine shares
 * (the loader child then sends back only the parts that changed, mostly their times), so it comes
 * about every 30 s there.
 */
export const REFRESH_MS = 10_000;
const LOAD_TIME_SHARE = 50;
const RETRY_MS = 2000;

/**
 * The token list and the connection state. Loads on mount, on `refresh()`, periodically and
 * whenever Redis comes back; a failure marks the connection down and, while the connection is up,
 * schedules a retry; it never throws into React. Until the first whole table is in, the listing's first rows are shown.
 */
export function useTokens(
	store: TokenStore,
	{refreshMs = REFRESH_MS, source, first, endpoint}: TokensOptions = {},
): TokensState & {refresh: () => void} {
	const [state, setState] = useState<TokensState>({data: undefined, connection: 'connecting', error: undefined, loading: true});
	const timer = useRef<NodeJS.Timeout | undefined>(undefined);
	const inFlight = useRef(false);
	// A reload asked for while one runs (after a write): the running one may have read before the
	// write, so another follows it instead of the ask being dropped.
	const again = useRef(false);
	const mounted = useRef(true);
	const pendingFirst = useRef(first);
	const haveTable = useRef(false);
	const latest = useRef<TableData | undefined>(undefined);
	// The timers' way back into load (set by the effect below): load cannot name itself.
	const reload = useRef(() => {});

	const schedule = useCallback((delay: number, load: () => void) => {
		clearTimeout(timer.current);
		timer.current = setTimeout(load, delay);
	}, []);

	const load = useCallback(async () => {
		if (inFlight.current) {
			again.current = true;
			return;
		}

		if (!pendingFirst.current && store.redis.status !== 'ready') {
			// Reconnecting: ioredis keeps trying by itself and 'ready' loads. A load now would only
			// queue on this connection, or start a loader child every retry to say it is still away.
			setState(previous =>
				previous.connection === 'down'
					? {...previous, loading: false}
					: {...previous, connection: 'down', error: previous.error ?? 'connection lost, retrying', loading: false},
			);
			return;
		}

		inFlight.current = true;
		setState(previous => ({...previous, loading: true}));
		const started = performance.now();
		try {
			const reads: FirstReads = pendingFirst.current ?? {
				all: async () => {
					const previous = latest.current?.rows;
					return source ? source.all(previous) : SummaryTable.of(await store.summaries(APP_LISTING), undefined, previous);
				},
			};
			pendingFirst.current = undefined;
			if (!haveTable.current) {
				const head = reads.head ?? (source ? source.head?.(HEAD_ROWS) : store.head(HEAD_ROWS, APP_LISTING));
				// The whole table is read once the head is on screen (or could not be read): reading it
				// (a child process at 100,000 tokens, seconds of a core) beside the app's start made the
				// first screen come later on a busy machine.
				await head?.then(
					({ids, summaries}) => {
						if (mounted.current) {
							setState(previous => ({...previous, data: buildTableData(summaries, Date.now(), ids), connection: 'up', error: undefined}));
						}
					},
					() => {},
				);
				// A turn of the event loop for the frame to be drawn.
				await new Promise(resolve => setImmediate(resolve));
			}

			const table = await reads.all();
			const data = buildTableData(table, Date.now());
			haveTable.current = true;
			latest.current = data;
			const took = performance.now() - started;
			if (mounted.current) {
				setState({data, connection: 'up', error: undefined, loading: false});
			}

			schedule(Math.max(refreshMs, took * LOAD_TIME_SHARE), () => reload.current());
		} catch (error) {
			const {away, reason} = loadFailure(error, endpoint);
			const connection: Connection = away || store.redis.status !== 'ready' ? 'down' : 'up';
			if (mounted.current) {
				setState(previous => ({...previous, connection, error: reason, loading: false}));
			}

			// Retried on a connection that is up (a command timed out, Redis refused the read); one
			// that is down loads again on 'ready'.
			if (store.redis.status === 'ready') {
				schedule(RETRY_MS, () => reload.current());
			}
		} finally {
			inFlight.current = false;
			if (again.current && mounted.current) {
				again.current = false;
				schedule(0, () => reload.current());
			}
		}
	}, [store, refreshMs, schedule, source, endpoint]);

	useEffect(() => {
		mounted.current = true;
		reload.current = () => void load();
		void load();
		const onDown = () => {
			setState(previous =>
				previous.connection === 'down' ? previous : {...previous, connection: 'down', error: previous.error ?? 'connection lost, retrying'},
			);
		};

		const onReady = () => {
			void load();
		};

		// The connection's own errors: it could not connect, or its database was refused.
		const onError = (error: Error) => {
			setState(previous => ({...previous, connection: 'down', error: loadFailure(error, endpoint).reason}));
		};

		store.redis.on('close', onDown);
		store.redis.on('ready', onReady);
		store.redis.on('error', onError);
		return () => {
			mounted.current = false;
			latest.current = undefined;
			clearTimeout(timer.current);
			store.redis.off('close', onDown);
			store.redis.off('ready', onReady);
			store.redis.off('error', onError);
		};
	}, [store, load, endpoint]);

	const refresh = useCallback(() => void load(), [load]);
	return {...state, refresh};
}
