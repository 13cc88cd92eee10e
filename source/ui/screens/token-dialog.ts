import type {TokenStore} from '../../store/index.js';
import type {CloseDialog} from './close-options.js';

/** What a dialog that works on one token (rotate, edit) is given by the app. */
export type TokenDialogProps = {
	store: TokenStore;
	id: string;
	width: number;
	height: number;
	onClose: CloseDialog;
	/** The clock expiries and grace periods count from (tests inject one). */
	clock?: () => number;
};
