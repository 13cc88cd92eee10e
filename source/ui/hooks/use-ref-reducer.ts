import {useCallback, useRef, useState} from 'react';

/**
 * useReducer whose latest state is also readable at once through a ref: several keys read in one
 * burst each see the state the previous one left, and handlers never act on a stale render.
 */
export function useRefReducer<S, A>(reducer: (state: S, action: A) => S, initial: S | (() => S)) {
	const [state, setState] = useState(initial);
	const ref = useRef(state);
	const dispatch = useCallback(
		(action: A) => {
			ref.current = reducer(ref.current, action);
			setState(ref.current);
		},
		[reducer],
	);
	return [state, dispatch, ref] as const;
}
