/**
 * Esc on a wizard's first step leaves it, and what was typed is lost with it: when anything was,
 * the first Esc asks (this question, in the step's error line) and a second discards. Shared by the
 * issue wizard and the edit form, so both ask the same way.
 */
export const DISCARD_QUESTION = 'Esc again discards what you typed; any other key keeps it.';

type Asking = {discardAsked?: boolean; error: string | undefined; done?: string | undefined};

/** Esc at the first step: ask when something was typed and not yet asked, else leave. */
export const leaveOrAsk = <S extends Asking>(state: S, typed: boolean, leave: S): S =>
	typed && !state.discardAsked ? {...state, discardAsked: true, error: DISCARD_QUESTION} : leave;

/** After a key: any key but the second Esc answers the question with "keep" (and does what it does). */
export const answeredDiscard = <S extends Asking>(before: S, after: S): S =>
	before.discardAsked && after.discardAsked && after.done === undefined
		? {...after, discardAsked: false, error: after.error === DISCARD_QUESTION ? undefined : after.error}
		: after;
