import {useCallback, useEffect, useRef, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {type TokenSummary, oneLine} from '../../tokens/index.js';
import {type TableData, buildTableData} from '../state/rows.js';

export type Connection = 'connecting' | 'up' | 'down';

export type TokensState = {
	data: TableData | undefined;
	connection: Connection;
	/** Why Redis is unreachable, one line, password-free (ioredis messages name host and port). */
	error: string | undefined;
	loading: boolean;
	/** How long the last load took, in ms (for the refresh interval and the bench). */
	loadMs: number;
};

/** Every 10 s so "last used" stays live; 20× the load time when that is longer (100,000 tokens). */
export const REFRESH_MS = 10_000;
const RETRY_MS = 2000;

/**
 * The token list and the connection state. Loads on mount, on `refresh()`, periodically and
 * whenever Redis comes back; a failure marks the connection down and schedules a retry, it never
 * throws into React.
 */
export function useTokens(store: TokenStore, refreshMs = REFRESH_MS, firstList?: Promise<TokenSummary[]>): TokensState & {refresh: () => void} {
	const [state, setState] = useState<TokensState>({data: undefined, connection: 'connecting', error: undefined, loading: true, loadMs: 0});
	const timer = useRef<NodeJS.Timeout | undefined>(undefined);
	const inFlight = useRef(false);
	const mounted = useRef(true);
	const loadMs = useRef(0);
	const pendingFirst = useRef(firstList);

	const schedule = useCallback((delay: number, load: () => void) => {
		clearTimeout(timer.current);
		timer.current = setTimeout(load, delay);
	}, []);

	const load = useCallback(async () => {
		if (inFlight.current) {
			return;
		}

		inFlight.current = true;
		setState(previous => ({...previous, loading: true}));
		const started = performance.now();
		try {
			const first = pendingFirst.current;
			pendingFirst.current = undefined;
			const summaries = await (first ?? store.summaries());
			const data = buildTableData(summaries, Date.now());
			loadMs.current = performance.now() - started;
			if (mounted.current) {
				setState({data, connection: 'up', error: undefined, loading: false, loadMs: loadMs.current});
			}

			schedule(Math.max(refreshMs, loadMs.current * 20), () => void load());
		} catch (error) {
			if (mounted.current) {
				setState(previous => ({...previous, connection: 'down', error: oneLine(error), loading: false}));
			}

			schedule(RETRY_MS, () => void load());
		} finally {
			inFlight.current = false;
		}
	}, [store, refreshMs, schedule]);

	useEffect(() => {
		mounted.current = true;
		void load();
		const onDown = () => {
			setState(previous => (previous.connection === 'down' ? previous : {...previous, connection: 'down', error: previous.error ?? 'connection lost, retrying'}));
		};

		const onReady = () => {
			void load();
		};

		const onError = (error: Error) => {
			setState(previous => ({...previous, connection: 'down', error: oneLine(error)}));
		};

		store.redis.on('close', onDown);
		store.redis.on('ready', onReady);
		store.redis.on('error', onError);
		return () => {
			mounted.current = false;
			clearTimeout(timer.current);
			store.redis.off('close', onDown);
			store.redis.off('ready', onReady);
			store.redis.off('error', onError);
		};
	}, [store, load]);

	const refresh = useCallback(() => void load(), [load]);
	return {...state, refresh};
}
