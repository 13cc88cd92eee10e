// A little over 300 lines for a reason: one switch from each dialog to its screen and from its
// outcome back to the table; split, the dialogs' props would be threaded through one more layer.
import {Text} from 'ink';
import {useEffect, useMemo} from 'react';
import {Footer} from '../components/footer.js';
import {Frame, Title} from '../components/frame.js';
import {PRIORITY, useHeldKeys, useKeypress} from '../hooks/keypress.js';
import {useEntry} from '../hooks/use-entry.js';
import {useAuditLog} from '../hooks/use-audit-log.js';
import {auditDetailLines} from '../state/audit-log.js';
import {AuditLogScreen} from './audit-log.js';
import {Command, type KeyEvent, commandIn} from '../keymap.js';
import type {TokenStore} from '../../store/index.js';
import {type Selection, type TableData, type Target, single, targetOf} from '../state/rows.js';
import {DetailsScreen} from './details.js';
import {type CopyTargets, CopyToScreen} from './copy-to.js';
import {HelpScreen} from './help.js';
import {ExportScreen} from './export.js';
import {ImportWizard} from './import-wizard.js';
import {IssueWizard} from './issue-wizard.js';
import {RevokeScreen} from './revoke.js';
import {RotateScreen} from './rotate.js';
import {EditScreen} from './edit.js';
import {RequestCheckScreen} from './request-check.js';
import {type RequestChecks, initialRequestCheck} from '../state/request-check.js';
import {DialogFailure} from './failure.js';
import {ReviewScreen} from './review.js';
import {Contained} from '../components/contained.js';
import type {CloseOptions} from './close-options.js';

/** The dialog open over the table, if any: one at a time, each taking keys before the table. */
export type Dialog =
	/** `back`: the dialog Esc returns to (the review it was opened from), else the table. */
	| {kind: 'details'; id: string; back?: Dialog}
	/** `back`: the details it was opened from. */
	| {kind: 'audit-log'; id: string; back: Dialog}
	| {kind: 'review'; cursor: number}
	| {kind: 'help'}
	| {kind: 'issue'}
	| {kind: 'import'}
	| {kind: 'export'; selection: Selection}
	| {kind: 'revoke'; selection: Selection}
	/** C: the selection copied to another instance of the config file. */
	| {kind: 'copy'; selection: Selection}
	| {kind: 'rotate'; id: string}
	/** `back`: where the operator pressed E (a token's details): saved or cancelled, the edit returns there. */
	| {kind: 'edit'; id: string; back?: Dialog}
	/** `back`: the details it was opened from (t there), else the table. */
	| {kind: 'request-check'; id: string; back?: Dialog};

/** Targets for the marked ids, in marking order (one row may be gone since: no description then). */
export function targetsFor(data: TableData, ids: readonly string[]): Target[] {
	const found = data.rows.indexesOf(new Set(ids));
	return ids.map(id => {
		const index = found.get(id);
		return index === undefined ? {id, description: ''} : targetOf(data, index);
	});
}

export type DialogsProps = {
	dialog: Dialog;
	store: TokenStore;
	/** The Redis URL with its password masked: what an undo journal records it came from. */
	endpoint: string;
	data: TableData;
	width: number;
	/** Lines for the dialog body; its footer line comes on top. */
	height: number;
	onClose: (options?: CloseOptions) => void;
	onOpen: (dialog: Dialog) => void;
	/** Reloads the table behind the dialog (after a write the dialog stays open to report). */
	onChanged: () => void;
	/** The request check's answers (t), from `ee-tokens can`'s implementation (see RequestChecks). */
	checks: RequestChecks;
	/** The instances a copy (C) can go to; without a config file's instances there are none. */
	copyTargets?: CopyTargets;
};

/** The details frame with one line instead of the fields: loading, gone, or why it failed (r reads again). */
function DetailsNotice({
	text,
	width,
	height,
	onClose,
	onReload,
	onOther,
}: {
	text: string;
	width: number;
	height: number;
	onClose: () => void;
	onReload?: () => void;
	/** Any other key (while the record loads: kept for the details once they show). */
	onOther?: (key: KeyEvent) => void;
}) {
	useKeypress(key => {
		const command = commandIn('details', key);
		if (command === Command.Close) {
			onClose();
		} else if (command === Command.Refresh) {
			onReload?.();
		} else {
			onOther?.(key);
		}

		return true;
	}, PRIORITY.dialog);
	return (
		<>
			<Frame height={height}>
				<Title>Token details</Title>
				<Text> </Text>
				<Text wrap="truncate">{` ${text}`}</Text>
			</Frame>
			<Footer view="details" width={width} />
		</>
	);
}

/**
 * One token's details. The table holds row summaries only, so the whole record is read when the
 * view opens and again after each reload; a token gone from the reloaded table is gone here too.
 */
function TokenDetails({
	id,
	store,
	data,
	width,
	height,
	onClose,
	onOpen,
	onChanged,
	self,
}: Omit<DialogsProps, 'dialog' | 'endpoint' | 'checks'> & {id: string; self: Dialog}) {
	const index = useMemo(() => data.rows.indexOf(id), [data, id]);
	const state = useEntry(store, id, data);
	const audit = useAuditLog(store, id, data);
	const auditLines = useMemo(() => {
		const lines = auditDetailLines(audit.log, audit.failure);
		return audit.notice === undefined ? lines : [...lines, {label: '', text: audit.notice, denied: false}];
	}, [audit.log, audit.failure, audit.notice]);
	const close = () => onClose();
	// A key typed while the record is read (t, E, R… as soon as the dialog opened) acts once the
	// details show, rather than being lost; gone or failed, the details never show and they go too.
	const held = useHeldKeys();
	const shown = index === -1 || state.status === 'gone' || state.status === 'failed' ? 'not' : state.status === 'found' ? 'yes' : 'loading';
	useEffect(() => {
		if (shown === 'yes') {
			held.release();
		} else if (shown === 'not') {
			held.drop();
		}
	}, [shown, held]);
	if (index === -1 || state.status === 'gone') {
		return (
			<DetailsNotice text="This token no longer exists (revoked meanwhile). Esc goes back." width={width} height={height} onClose={close} />
		);
	}

	if (state.status === 'loading') {
		return <DetailsNotice text="Loading…" width={width} height={height} onClose={close} onOther={held.hold} />;
	}

	if (state.status === 'failed') {
		return (
			<DetailsNotice
				text={`Could not read the token: ${state.message}. r reads it again, Esc goes back.`}
				width={width}
				height={height}
				onClose={close}
				onReload={onChanged}
			/>
		);
	}

	return (
		<>
			<DetailsScreen
				entry={state.entry}
				rotation={state.rotation}
				now={data.loadedAt}
				width={width}
				height={height}
				audit={auditLines}
				onToggleAuditLog={audit.toggleSetting}
				onReload={onChanged}
				onClose={close}
				onAction={what => {
					if (what === 'audit-log' || what === 'request-check') {
						onOpen({kind: what, id, back: self});
						return;
					}

					onOpen(
						what === 'edit'
							? {kind: 'edit', id, back: self}
							: what === 'rotate'
								? {kind: what, id}
								: {kind: what, selection: single(targetOf(data, index))},
					);
				}}
			/>
			<Footer view="details" width={width} />
		</>
	);
}

/**
 * The open dialog, contained: one that fails to draw (a record no view foresaw) is a one-line
 * error that Esc closes, and the table under it is untouched.
 */
export function Dialogs(props: DialogsProps) {
	const {dialog, width, height, onClose} = props;
	return (
		<Contained
			key={dialog.kind}
			fallback={message => <DialogFailure message={message} width={width} height={height} onClose={() => onClose()} />}
		>
			<DialogScreen {...props} />
		</Contained>
	);
}

/** Routes the open dialog to its screen. Each screen renders its body and its own footer. */
function DialogScreen({dialog, store, endpoint, data, width, height, onClose, onOpen, onChanged, checks, copyTargets}: DialogsProps) {
	switch (dialog.kind) {
		case 'details': {
			const {back} = dialog;
			const close = back ? () => onOpen(back) : onClose;
			return (
				<TokenDetails
					id={dialog.id}
					self={dialog}
					store={store}
					data={data}
					width={width}
					height={height}
					onClose={close}
					onOpen={onOpen}
					onChanged={onChanged}
				/>
			);
		}

		case 'audit-log': {
			const {back} = dialog;
			return <AuditLogScreen store={store} id={dialog.id} version={data} width={width} height={height} onClose={() => onOpen(back)} />;
		}

		case 'request-check': {
			const {back} = dialog;
			const row = data.rows.byId(dialog.id);
			return (
				<RequestCheckScreen
					store={store}
					checks={checks}
					id={dialog.id}
					initial={initialRequestCheck({account: row?.account, scopes: row?.scopes})}
					version={data}
					width={width}
					height={height}
					onClose={() => (back ? onOpen(back) : onClose())}
				/>
			);
		}

		case 'review': {
			return (
				<ReviewScreen
					store={store}
					now={data.loadedAt}
					cursor={dialog.cursor}
					width={width}
					height={height}
					onClose={() => onClose()}
					onOpen={(id, cursor) => onOpen({kind: 'details', id, back: {kind: 'review', cursor}})}
				/>
			);
		}

		case 'help': {
			return (
				<>
					<HelpScreen width={width} height={height} onClose={() => onClose()} />
					<Footer view="help" width={width} />
				</>
			);
		}

		case 'issue': {
			return <IssueWizard store={store} width={width} height={height} onClose={onClose} />;
		}

		case 'import': {
			return <ImportWizard store={store} width={width} height={height} onClose={onClose} />;
		}

		case 'rotate': {
			return <RotateScreen store={store} id={dialog.id} width={width} height={height} onClose={onClose} />;
		}

		case 'edit': {
			const {back} = dialog;
			// Back where E was pressed: the details then show the values just saved (read afresh).
			const close = (options: CloseOptions) => {
				onClose(options);
				if (back) {
					onOpen(back);
				}
			};

			return <EditScreen store={store} id={dialog.id} width={width} height={height} onClose={close} />;
		}

		case 'copy': {
			// App opens this dialog only with targets (app.tsx); without them there is nothing to draw.
			return copyTargets ? (
				<CopyToScreen store={store} selection={dialog.selection} targets={copyTargets} width={width} height={height} onClose={onClose} />
			) : null;
		}

		case 'export':
		case 'revoke': {
			const {selection} = dialog;
			return dialog.kind === 'export' ? (
				<ExportScreen store={store} selection={selection} width={width} height={height} onClose={() => onClose()} />
			) : (
				<RevokeScreen
					store={store}
					selection={selection}
					endpoint={endpoint}
					width={width}
					height={height}
					onClose={onClose}
					onRevoked={onChanged}
				/>
			);
		}
	}
}
