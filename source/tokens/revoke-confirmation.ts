/**
 * How a person proves they mean to revoke one token, in the app and in `revoke` on a terminal: by
 * typing the start of its id. Six characters: enough that a slip of the finger is not enough, few
 * enough to read off the screen.
 */
export const REVOKE_CONFIRM_LENGTH = 6;

/** What to type to revoke the token `id`. */
export const revokeConfirmation = (id: string): string => id.slice(0, REVOKE_CONFIRM_LENGTH);

/** Whether typed text confirms revoking `id`: its start, in any case, spaces around it ignored. */
export const confirmsRevoke = (typed: string, id: string): boolean =>
	// Both sides: an id stored upper-case (compatibility §1.4) is confirmed as readily as any other.
	typed.trim().toLowerCase() === revokeConfirmation(id).toLowerCase();
