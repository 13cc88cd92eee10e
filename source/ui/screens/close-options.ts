/**
 * What a dialog asks of the app as it closes: `repaint` wipes every cell first (it showed a secret,
 * components/token-shown.tsx), `reload` reads the table again (it wrote to Redis), `select` says
 * where the cursor goes.
 */
export type CloseOptions = {
	repaint?: boolean;
	reload?: boolean;
	/** The token to put the table's cursor on: the one the dialog just made (issued, imported, rotated in). */
	select?: string;
	/** What the dialog did, for the table's status line until the next key ("Issued "CI deploy""). */
	said?: string;
};

/** How every dialog screen closes. */
export type CloseDialog = (options: CloseOptions) => void;
