import {type ReactNode, createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState} from 'react';
import {createKeyParser} from '../key-parser.js';
import {Command, type KeyEvent, matches} from '../keymap.js';

/**
 * One stdin owner for the whole app (after gemini-cli's KeypressContext): the terminal's text,
 * parsed here into keys and pastes (key-parser.ts), goes to the subscribers from the highest
 * priority down; a subscriber that returns true has taken the key and the rest never see it. A
 * dialog therefore takes keys before the table without the table knowing it exists.
 *
 * The text comes from a KeySource, not from Ink's stdin handling: Ink 6.8 has no bracketed paste
 * and reads Esc+key as Meta+key. In the app the source is the terminal reader in a worker thread
 * (tty-input.ts), which also makes Ctrl-C quit while this thread is busy.
 */
export const PRIORITY = {global: 100, dialog: 50, screen: 10} as const;

/** How long a lone Esc waits for the rest of a sequence (an arrow key split across two reads). */
export const ESC_WAIT_MS = 25;

export type KeyHandler = (key: KeyEvent) => boolean | void;

/** Where the terminal's text comes from. */
export type KeySource = {
	/**
	 * Calls `listener` with the text as it arrives; the listener says whether the text asked to
	 * quit (Ctrl-C). Returns the unsubscribe.
	 */
	subscribe: (listener: (text: string) => {quit: boolean}) => () => void;
};

type Subscriber = {handler: {current: KeyHandler}; priority: number; order: number};

type Registry = {
	subscribe(subscriber: Omit<Subscriber, 'order'>): () => void;
	/** Puts keys a view held back first in line again, to go one at a time as typed keys go. */
	replay(events: readonly KeyEvent[]): void;
};

const KeypressContext = createContext<Registry | undefined>(undefined);

/** Dispatches one event to subscribers, highest priority first, newest first within a priority. */
export function dispatchKey(subscribers: readonly Subscriber[], event: KeyEvent): boolean {
	const ordered = [...subscribers].sort((a, b) => b.priority - a.priority || b.order - a.order);
	for (const subscriber of ordered) {
		if (subscriber.handler.current(event) === true) {
			return true;
		}
	}

	return false;
}

type KeyRouter = Registry & {
	/** Typed keys, last in line; whether one of them asks to quit at once. */
	enqueue: (events: KeyEvent[]) => boolean;
	stop: () => void;
};

/**
 * The subscribers and the keys on their way to them. Keys go one at a time, each after React has
 * drawn what the one before did: Esc closes a wizard and the n after it reaches the table under
 * it; the text typed right after n reaches the wizard n opened, whether it came in the same read
 * or the next. Each key waits for a timer, which runs after the render React's scheduler queued
 * (with setImmediate) before it.
 */
function createKeyRouter(): KeyRouter {
	let subscribers: Subscriber[] = [];
	let counter = 0;
	const queue: KeyEvent[] = [];
	let next: NodeJS.Timeout | undefined;
	const drain = () => {
		next = undefined;
		const event = queue.shift();
		if (event) {
			dispatchKey(subscribers, event);
		}

		if (queue.length > 0) {
			next = setTimeout(drain, 0);
		}
	};

	const schedule = () => {
		if (next === undefined && queue.length > 0) {
			next = setTimeout(drain, 0);
		}
	};

	return {
		subscribe(subscriber) {
			const entry = {...subscriber, order: counter++};
			subscribers = [...subscribers, entry];
			return () => {
				subscribers = subscribers.filter(candidate => candidate !== entry);
			};
		},
		enqueue(events) {
			queue.push(...events);
			schedule();
			return events.some(event => matches(Command.ForceQuit, event));
		},
		replay(events) {
			queue.unshift(...events);
			schedule();
		},
		stop() {
			clearTimeout(next);
			next = undefined;
			queue.length = 0;
		},
	};
}

export function KeypressProvider({input, children}: {input?: KeySource; children: ReactNode}) {
	const [router] = useState(createKeyRouter);
	useEffect(() => {
		if (!input) {
			return;
		}

		const parser = createKeyParser();
		let escTimer: NodeJS.Timeout | undefined;
		const unsubscribe = input.subscribe(text => {
			clearTimeout(escTimer);
			const quit = router.enqueue(parser.push(text));
			if (parser.pending()) {
				escTimer = setTimeout(() => router.enqueue(parser.flush()), ESC_WAIT_MS);
			}

			return {quit};
		});
		return () => {
			clearTimeout(escTimer);
			router.stop();
			unsubscribe();
		};
	}, [input, router]);
	return <KeypressContext.Provider value={router}>{children}</KeypressContext.Provider>;
}

/**
 * Keys a view cannot act on yet (it is still reading what it shows) and should not lose: `hold`
 * keeps them, and once the view can act, `release` sends them on in the order typed, each to
 * whatever then has the keys; if it never can (what it reads is gone), `drop` lets them go. At most
 * HELD_KEYS are kept: a key held down is not a queue to build.
 */
export function useHeldKeys(): {hold: (key: KeyEvent) => void; release: () => void; drop: () => void} {
	const registry = useContext(KeypressContext);
	const held = useRef<KeyEvent[]>([]);
	return useMemo(
		() => ({
			hold(key) {
				if (held.current.length < HELD_KEYS) {
					held.current.push(key);
				}
			},
			release() {
				const keys = held.current.splice(0);
				if (keys.length > 0) {
					registry?.replay(keys);
				}
			},
			drop() {
				held.current.length = 0;
			},
		}),
		[registry],
	);
}

const HELD_KEYS = 16;

/**
 * Subscribes a handler while `active`; the latest handler is always the one called. A handler
 * that throws has its error thrown from the component's next render instead, where the nearest
 * <Contained> turns it into a one-line error: a key never takes the app down.
 */
export function useKeypress(handler: KeyHandler, priority: number, active = true): void {
	const registry = useContext(KeypressContext);
	const [failure, setFailure] = useState<{error: unknown} | undefined>(undefined);
	if (failure) {
		throw failure.error;
	}

	const ref = useRef<KeyHandler>(() => false);
	// The handler of the latest render, in place before any key can reach it (keys are dispatched
	// once the previous render is drawn).
	useLayoutEffect(() => {
		ref.current = key => {
			try {
				return handler(key);
			} catch (error) {
				setFailure({error});
				return true;
			}
		};
	});

	// A layout effect: subscribed in the same tick the dialog is drawn, so no key slips past it.
	useLayoutEffect(() => {
		if (!registry || !active) {
			return;
		}

		return registry.subscribe({handler: ref, priority});
	}, [registry, priority, active]);
}
