import {Component, type ReactNode} from 'react';
import {failureText} from '../errors.js';

type ContainedProps = {
	children: ReactNode;
	/** What shows instead of the view that failed: one line saying why, and a way out. */
	fallback: (message: string) => ReactNode;
	/** A new value tries the view again (the table, after a reload brings new data). */
	retryOn?: unknown;
};

type ContainedState = {failure: {message: string; retryOn: unknown} | undefined};

/** retryOn of a failure not yet seen by getDerivedStateFromProps (which sees the props). */
const PENDING = Symbol('pending');

/**
 * Error containment: a view that throws while rendering (or in a key handler, see useKeypress)
 * shows a one-line error in its place, and the rest of the app keeps running. Without it Ink's own
 * boundary prints a stack trace and exits, taking the terminal's state with it.
 */
export class Contained extends Component<ContainedProps, ContainedState> {
	static getDerivedStateFromError(error: unknown): Partial<ContainedState> {
		return {failure: {message: failureText(error), retryOn: PENDING}};
	}

	static getDerivedStateFromProps(props: ContainedProps, state: ContainedState): Partial<ContainedState> | null {
		if (!state.failure) {
			return null;
		}

		if (state.failure.retryOn === PENDING) {
			return {failure: {...state.failure, retryOn: props.retryOn}};
		}

		return state.failure.retryOn === props.retryOn ? null : {failure: undefined};
	}

	override state: ContainedState = {failure: undefined};

	override render() {
		return this.state.failure ? this.props.fallback(this.state.failure.message) : this.props.children;
	}
}
