/**
 * What a dialog asks of the app as it closes: `repaint` wipes every cell first (it showed a secret,
 * components/token-shown.tsx), `reload` reads the table again (it wrote to Redis).
 */
export type CloseOptions = {repaint?: boolean; reload?: boolean};

/** How every dialog screen closes. */
export type CloseDialog = (options: CloseOptions) => void;
