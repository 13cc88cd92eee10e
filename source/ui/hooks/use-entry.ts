import {useEffect, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {type RotationFacts, type TokenEntry, TokenError} from '../../tokens/index.js';
import {failureText} from '../errors.js';

export type EntryState =
	| {status: 'loading'}
	/** `rotation`: the tokens its rotation link names (store.rotationFacts), when the record can be read. */
	| {status: 'found'; entry: TokenEntry; rotation?: RotationFacts}
	| {status: 'gone'}
	| {status: 'failed'; message: string};

/**
 * One token's whole record and last use, read when its details open: the table keeps only row
 * summaries. Read again whenever `version` changes (a reload), keeping the last answer on screen
 * meanwhile so the view does not flicker.
 */
export function useEntry(store: TokenStore, id: string, version: unknown): EntryState {
	const [state, setState] = useState<EntryState>({status: 'loading'});
	useEffect(() => {
		let live = true;
		// A record that cannot be read is still shown: what of it can be read, and why not the rest
		// (entry.unreadable, which detailLines says), so the operator sees it and can revoke it here.
		store
			.resolve(id, {allowUnreadable: true})
			.then(async entry => {
				const rotation = entry.unreadable === undefined ? await store.rotationFacts(entry.record) : undefined;
				if (live) {
					setState({status: 'found', entry, rotation});
				}
			})
			.catch((error: unknown) => {
				if (live) {
					setState(
						error instanceof TokenError && error.code === 'not-found' ? {status: 'gone'} : {status: 'failed', message: failureText(error)},
					);
				}
			});
		return () => {
			live = false;
		};
	}, [store, id, version]);
	return state;
}
