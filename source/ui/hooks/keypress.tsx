import {type Key, useInput} from 'ink';
import {type ReactNode, createContext, useContext, useLayoutEffect, useMemo, useRef} from 'react';
import type {KeyEvent} from '../keymap.js';

/**
 * One stdin owner for the whole app (after gemini-cli's KeypressContext): a single Ink input hook
 * hands every key press to the subscribers from the highest priority down; a subscriber that
 * returns true has taken the key and the rest never see it. A dialog therefore takes keys before
 * the table without the table knowing it exists.
 */
export const PRIORITY = {global: 100, dialog: 50, screen: 10} as const;

export type KeyHandler = (key: KeyEvent) => boolean | void;

type Subscriber = {handler: {current: KeyHandler}; priority: number; order: number};

type Registry = {subscribe(subscriber: Omit<Subscriber, 'order'>): () => void};

const KeypressContext = createContext<Registry | undefined>(undefined);

/** Ink's key flags → one normalised event (Backspace and Delete both erase to the left). */
export function toKeyEvent(input: string, key: Key): KeyEvent {
	const name = key.upArrow
		? 'up'
		: key.downArrow
			? 'down'
			: key.leftArrow
				? 'left'
				: key.rightArrow
					? 'right'
					: key.pageUp
						? 'pageup'
						: key.pageDown
							? 'pagedown'
							: key.home
								? 'home'
								: key.end
									? 'end'
									: key.return
										? 'return'
										: key.escape
											? 'escape'
											: key.tab
												? 'tab'
												: key.backspace || key.delete
													? 'backspace'
													: undefined;
	return {
		input: name === undefined ? input : '',
		name,
		ctrl: key.ctrl,
		meta: key.meta && !key.escape,
		shift: key.shift,
	};
}

/** Longer inputs are pastes and stay whole; shorter ones are keys typed faster than read. */
export const PASTE_MIN_LENGTH = 17;

/**
 * Keys that arrive in one read (fast typing, key repeat, a test's burst) come as one string;
 * they are split so `jj` moves twice. A paste (long text) stays one event for text fields.
 */
export function splitKeys(event: KeyEvent): KeyEvent[] {
	const characters = [...event.input];
	if (event.name !== undefined || characters.length < 2 || characters.length >= PASTE_MIN_LENGTH) {
		return [event];
	}

	return characters.map(character => {
		const name = CONTROL_NAMES[character];
		if (name !== undefined) {
			return {...event, input: '', name, shift: false};
		}

		const code = character.codePointAt(0)!;
		if (code >= 1 && code <= 26) {
			// Ctrl-A … Ctrl-Z
			return {...event, input: String.fromCodePoint(code + 96), ctrl: true, shift: false};
		}

		return {...event, input: character, shift: /[A-Z]/.test(character)};
	});
}

/** Control characters that arrive inside a burst of typed text (Enter after a word, say). */
const CONTROL_NAMES: Record<string, KeyEvent['name']> = {
	'\r': 'return',
	'\n': 'return',
	'\t': 'tab',
	'\u007F': 'backspace',
	'\b': 'backspace',
	'\u001B': 'escape',
};

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

export function KeypressProvider({children}: {children: ReactNode}) {
	const subscribers = useRef<Subscriber[]>([]);
	const counter = useRef(0);
	useInput((input, key) => {
		for (const event of splitKeys(toKeyEvent(input, key))) {
			dispatchKey(subscribers.current, event);
		}
	});
	const registry = useMemo<Registry>(
		() => ({
			subscribe(subscriber) {
				const entry = {...subscriber, order: counter.current++};
				subscribers.current = [...subscribers.current, entry];
				return () => {
					subscribers.current = subscribers.current.filter(candidate => candidate !== entry);
				};
			},
		}),
		[],
	);
	return <KeypressContext.Provider value={registry}>{children}</KeypressContext.Provider>;
}

/** Subscribes a handler while `active`; the latest handler is always the one called. */
export function useKeypress(handler: KeyHandler, priority: number, active = true): void {
	const registry = useContext(KeypressContext);
	const ref = useRef(handler);
	ref.current = handler;
	// A layout effect: subscribed in the same tick the dialog is drawn, so no key slips past it.
	useLayoutEffect(() => {
		if (!registry || !active) {
			return;
		}

		return registry.subscribe({handler: ref, priority});
	}, [registry, priority, active]);
}
