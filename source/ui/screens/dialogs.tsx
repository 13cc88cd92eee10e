import {Footer} from '../components/footer.js';
import type {TokenStore} from '../../store/index.js';
import type {TableData} from '../state/rows.js';
import {DetailsScreen} from './details.js';
import {HelpScreen} from './help.js';
import {IssueWizard} from './issue-wizard.js';

/** The dialog open over the table, if any: one at a time, each taking keys before the table. */
export type Dialog =
	| {kind: 'details'; id: string}
	| {kind: 'help'}
	| {kind: 'issue'}
	| {kind: 'import'}
	| {kind: 'export'; ids: string[]}
	| {kind: 'revoke'; ids: string[]};

export type CloseOptions = {repaint?: boolean; reload?: boolean; clearMarks?: boolean};

export type DialogsProps = {
	dialog: Dialog;
	store: TokenStore;
	data: TableData;
	width: number;
	/** Lines for the dialog body; its footer line comes on top. */
	height: number;
	onClose(options?: CloseOptions): void;
	onOpen(dialog: Dialog): void;
};

/** Routes the open dialog to its screen. Each screen renders its body and its own footer. */
export function Dialogs({dialog, store, data, width, height, onClose, onOpen}: DialogsProps) {
	switch (dialog.kind) {
		case 'details': {
			const row = data.rows.find(candidate => candidate.id === dialog.id);
			if (!row) {
				return null;
			}

			return (
				<>
					<DetailsScreen
						entry={row.entry}
						now={Date.now()}
						width={width}
						height={height}
						onClose={() => onClose()}
						onAction={what => onOpen({kind: what, ids: [row.id]})}
					/>
					<Footer view="details" width={width} />
				</>
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

		default: {
			return null;
		}
	}
}
