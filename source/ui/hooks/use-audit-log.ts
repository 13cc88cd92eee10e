import {useCallback, useEffect, useState} from 'react';
import type {TokenStore} from '../../store/index.js';
import {failureText} from '../errors.js';
import type {AuditLogView} from '../state/audit-log.js';
import {useInstance} from './use-instance.js';

export type AuditLogState = {
	log?: AuditLogView;
	failure?: string;
	/** What the last switch of the setting did, or why it failed. */
	notice?: string;
	/** Turns the instance's audit-log setting the other way, then reads again. */
	toggleSetting: () => void;
	reload: () => void;
};

/** What a running EmailEngine does with a switched setting (compatibility §1.7). */
const TAKES_EFFECT = 'EmailEngine picks it up within 10 s, ee-tokens serve at once';

/**
 * A token's audit log and the instance's `tokenAuditLog` setting, read when the view opens and
 * again on `version` (the table's reloads) or reload(). Only reads, except toggleSetting, which
 * writes the setting as EmailEngine does; the log itself is never written.
 */
export function useAuditLog(store: TokenStore, id: string, version: unknown): AuditLogState {
	const [log, setLog] = useState<AuditLogView | undefined>(undefined);
	const [failure, setFailure] = useState<string | undefined>(undefined);
	const [notice, setNotice] = useState<string | undefined>(undefined);
	const [reads, setReads] = useState(0);
	const {refusal} = useInstance();
	useEffect(() => {
		let live = true;
		Promise.all([store.wholeAuditLog(id), store.auditLogSetting()])
			.then(([whole, setting]) => {
				if (live) {
					setLog({total: whole.total, entries: whole.entries, unreadable: whole.unreadable, on: setting.on});
					setFailure(undefined);
				}
			})
			.catch((error: unknown) => {
				if (live) {
					// What was read before is no longer what is shown, nor what a switch may start from.
					setLog(undefined);
					setFailure(failureText(error));
				}
			});
		return () => {
			live = false;
		};
	}, [store, id, version, reads]);
	const reload = useCallback(() => {
		setReads(count => count + 1);
	}, []);
	const toggleSetting = useCallback(() => {
		if (refusal) {
			setNotice(refusal('switching the audit log'));
			return;
		}

		if (log === undefined) {
			// Switching starts from the setting as read: unknown, it is not guessed (one stray key
			// would otherwise turn the log off for every token).
			setNotice('The audit log setting could not be read, so it was not switched; r reads again.');
			return;
		}

		const on = !log.on;
		store
			.setAuditLogSetting(on)
			.then(() => {
				setNotice(`Audit log turned ${on ? 'on' : 'off'} for this instance; ${TAKES_EFFECT}.`);
				reload();
			})
			.catch((error: unknown) => {
				setNotice(`Could not switch the audit log: ${failureText(error)}`);
			});
	}, [store, log, reload, refusal]);
	return {log, failure, notice, toggleSetting, reload};
}
