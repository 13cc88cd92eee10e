// Over 300 lines for a reason: the issue wizard's ten steps are one reducer, each step's
// validation beside the step.
import {closestName} from '../../format/index.js';
import {answeredDiscard, leaveOrAsk} from './discard.js';
import {
	LIMITS,
	PERMISSION_TEXT_HELP,
	PRESET_NAMES,
	type PermissionPreset,
	type Permissions,
	type Restrictions,
	SCOPES,
	TokenError,
	oneLine,
	parseAccount,
	parseDescription,
	parseExpiry,
	parsePermissionText,
	parseRateLimit,
	parseRestrictions,
	presetPermissions,
} from '../../tokens/index.js';
import {Command, commandIn, type KeyEvent, type View} from '../keymap.js';
import {editText} from './text-edit.js';
import {type ShownToken, copiedToken, shownTokenCommand} from './token-shown.js';

/** The issue wizard: one field per step, a review, then the new token shown once. */
export type TextStep = 'description' | 'customPermissions' | 'account' | 'expires' | 'addresses' | 'referrers' | 'rateLimit';
export type IssueStep =
	| 'description'
	| 'scopes'
	| 'permissions'
	| 'customPermissions'
	| 'account'
	| 'expires'
	| 'addresses'
	| 'referrers'
	| 'rateLimit'
	| 'review'
	| 'issuing'
	| 'shown';

export const INPUT_STEPS: IssueStep[] = [
	'description',
	'scopes',
	'permissions',
	'customPermissions',
	'account',
	'expires',
	'addresses',
	'referrers',
	'rateLimit',
	'review',
];

/** The permissions step's choices: not narrowed, a preset, or custom (typed on the next step). */
export type PermissionChoice = 'none' | PermissionPreset | 'custom';
export const PERMISSION_CHOICES: readonly PermissionChoice[] = ['none', ...PRESET_NAMES, 'custom'];

/** The steps this wizard goes through: the custom permissions step only when custom is chosen. */
export const stepsOf = (state: Pick<IssueState, 'permissionCursor'>): IssueStep[] =>
	PERMISSION_CHOICES[state.permissionCursor] === 'custom' ? INPUT_STEPS : INPUT_STEPS.filter(step => step !== 'customPermissions');

export const STEP_TITLES: Record<IssueStep, string> = {
	description: 'Description',
	scopes: 'Scopes',
	permissions: 'Permissions (optional)',
	customPermissions: 'Custom permissions',
	account: 'Account (optional)',
	expires: 'Expiry (optional)',
	addresses: 'IP allowlist (optional)',
	referrers: 'Referrers (optional)',
	rateLimit: 'Rate limit (optional)',
	review: 'Review',
	issuing: 'Issuing…',
	shown: 'Your new token',
};

export const STEP_HELP: Record<TextStep, string> = {
	description: 'What the token is for, as people will read it in the table.',
	customPermissions: `What it may do: ${PERMISSION_TEXT_HELP}.`,
	account: 'Bind the token to one account id; empty = all accounts.',
	expires: 'A duration (30d, 12h, 2w), a date (2027-01-15, UTC) or a date-time with its zone; empty = never.',
	addresses: 'Addresses or CIDR ranges allowed to use it, comma separated; empty = any.',
	referrers: 'Referer globs (* = anything), comma separated; empty = any.',
	rateLimit: 'REQUESTS/SECONDS, e.g. 100/60; empty = no limit.',
};

export type IssueState = {
	step: IssueStep;
	fields: Record<TextStep, string>;
	scopes: string[];
	scopeCursor: number;
	/** The permissions choice under the cursor (PERMISSION_CHOICES): it is the one taken. */
	permissionCursor: number;
	error: string | undefined;
	/** Account ids for suggestions. */
	accounts: string[];
	/**
	 * What the review shows and Enter issues, parsed once when the wizard moves to the review (an
	 * expiry of 1h counts from then): the review never shows one request and issues another.
	 */
	request: IssueRequest | undefined;
	/** Only while the shown-once step is open; cleared on close. */
	issued: ShownToken | undefined;
	notice: string | undefined;
	/** The wizard is finished (cancelled or closed after showing the token). */
	done: 'cancelled' | 'closed' | undefined;
	/** Esc on the first step with input typed asked whether to discard it: a second Esc does. */
	discardAsked?: boolean;
	/** The step's text field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
	/** Whether the account last typed has an account record, once Redis has said. */
	accountCheck?: {account: string; exists: boolean};
	/** The account a warning said does not exist: Enter again goes on with it. */
	accountWarned?: string;
};

export const initialIssueState: IssueState = {
	step: 'description',
	fields: {description: '', customPermissions: '', account: '', expires: '', addresses: '', referrers: '', rateLimit: ''},
	scopes: [],
	scopeCursor: 0,
	permissionCursor: 0,
	error: undefined,
	accounts: [],
	request: undefined,
	issued: undefined,
	notice: undefined,
	done: undefined,
};

export type IssueRequest = {
	description: string;
	scopes: string[];
	account?: string;
	expires?: number;
	restrictions?: Restrictions;
	permissions?: Permissions;
};

/** The permissions the wizard's choice stands for (a custom text parsed as the edit form parses it). */
function chosenPermissions(state: IssueState): Permissions | undefined {
	const choice = PERMISSION_CHOICES[state.permissionCursor] ?? 'none';
	if (choice === 'none') {
		return undefined;
	}

	if (choice === 'custom') {
		if (state.fields.customPermissions.trim().toLowerCase() === 'none') {
			throw new TokenError(
				'usage',
				'Custom permissions: none is the first choice of the previous step; type a preset or ACTIONS / GROUPS.',
			);
		}

		return parsePermissionText(state.fields.customPermissions) ?? undefined;
	}

	return presetPermissions(choice);
}

export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** Validates one field with the CLI's own parsers; returns the error message or undefined. */
export function validateStep(state: IssueState, step: IssueStep, now: number): string | undefined {
	try {
		switch (step) {
			case 'description': {
				if (state.fields.description.trim() === '') {
					return 'A description is required.';
				}

				parseDescription(state.fields.description, now);
				return undefined;
			}

			case 'scopes': {
				return state.scopes.length === 0 ? 'Pick at least one scope (Space toggles).' : undefined;
			}

			case 'customPermissions': {
				chosenPermissions(state);
				return undefined;
			}

			case 'account': {
				parseAccount(state.fields.account);
				return undefined;
			}

			case 'expires': {
				if (state.fields.expires.trim() !== '') {
					parseExpiry(state.fields.expires, now);
				}

				return undefined;
			}

			case 'addresses': {
				parseRestrictions({addresses: splitList(state.fields.addresses)});
				return undefined;
			}

			case 'referrers': {
				parseRestrictions({referrers: splitList(state.fields.referrers)});
				return undefined;
			}

			case 'rateLimit': {
				if (state.fields.rateLimit.trim() !== '') {
					parseRateLimit(state.fields.rateLimit);
				}

				return undefined;
			}

			default: {
				return undefined;
			}
		}
	} catch (error) {
		return error instanceof TokenError ? error.message : oneLine(error);
	}
}

/** What `store.issue` gets, parsed exactly as `ee-tokens issue` parses its flags. */
export function issueRequest(state: IssueState, now: number): IssueRequest {
	const expires = state.fields.expires.trim() === '' ? undefined : parseExpiry(state.fields.expires, now);
	return {
		description: state.fields.description.trim(),
		// `*` first, then the rest in the canonical order.
		scopes: SCOPES.filter(scope => state.scopes.includes(scope)),
		account: parseAccount(state.fields.account),
		expires,
		restrictions: parseRestrictions({
			addresses: splitList(state.fields.addresses),
			referrers: splitList(state.fields.referrers),
			rateLimit: state.fields.rateLimit.trim(),
		}),
		permissions: chosenPermissions(state),
	};
}

/**
 * Said once when Enter leaves the account step with an account that has no record (a typo, most
 * likely: "globx: no such account; did you mean globex?"); Enter again goes on, as EmailEngine
 * itself takes a token for any account id.
 */
function missingAccountWarning(state: IssueState): string | undefined {
	const account = state.fields.account.trim();
	if (!accountMissing(state) || state.accountWarned === account) {
		return undefined;
	}

	// Not the name typed itself: listed in ia:accounts, it can still have no record.
	const close = closestName(
		account,
		state.accounts.filter(id => id !== account),
	);
	const hint = close === undefined ? '.' : `; did you mean ${close}?`;
	return `${account}: no such account${hint} Enter again issues it for ${account} anyway.`;
}

/** Whether Redis has said the account typed has no record (iad:{account}): said under the field as it is typed. */
export function accountMissing(state: IssueState): boolean {
	const account = state.fields.account.trim();
	return account !== '' && state.accountCheck?.account === account && !state.accountCheck.exists;
}

/**
 * Account ids that fit what is typed (prefix matches first), at most five, as stored: Tab puts
 * the real id in the field (a sanitised one would bind the token to an account that does not
 * exist); the view sanitises what it shows.
 */
export function accountSuggestions(state: IssueState): string[] {
	const typed = state.fields.account.trim().toLowerCase();
	const starts = state.accounts.filter(id => id.toLowerCase().startsWith(typed));
	const contains = typed === '' ? [] : state.accounts.filter(id => !id.toLowerCase().startsWith(typed) && id.toLowerCase().includes(typed));
	return [...starts, ...contains].filter(id => id !== state.fields.account).slice(0, 5);
}

export type IssueAction =
	| {type: 'key'; key: KeyEvent; now: number}
	| {type: 'accounts'; ids: string[]}
	| {type: 'accountChecked'; account: string; exists: boolean}
	| {type: 'issued'; token: string; id: string}
	| {type: 'failed'; message: string}
	| {type: 'notice'; message: string}
	/** c in the shown-once step: the token counts as copied from this key on. */
	| {type: 'copying'};

const isTextStep = (step: IssueStep): step is TextStep =>
	step === 'description' ||
	step === 'customPermissions' ||
	step === 'account' ||
	step === 'expires' ||
	step === 'addresses' ||
	step === 'referrers' ||
	step === 'rateLimit';

/** Whether leaving the wizard loses anything the operator typed or chose. */
const typedAnything = (state: IssueState): boolean =>
	Object.values(state.fields).some(value => value !== '') || state.scopes.length > 0 || state.permissionCursor !== 0;

function move(state: IssueState, delta: 1 | -1, now: number): IssueState {
	const steps = stepsOf(state);
	const index = steps.indexOf(state.step);
	if (delta === 1) {
		const error = validateStep(state, state.step, now);
		if (error) {
			return {...state, error};
		}

		const warning = state.step === 'account' ? missingAccountWarning(state) : undefined;
		if (warning) {
			return {...state, error: warning, accountWarned: state.fields.account.trim()};
		}
	}

	if (delta === -1 && index === 0) {
		return leaveOrAsk(state, typedAnything(state), {...state, done: 'cancelled'});
	}

	const step = steps[index + delta]!;
	if (step !== 'review') {
		// Each field is entered with the caret at its end.
		return {...state, step, error: undefined, request: undefined, caret: undefined};
	}

	try {
		return {...state, step, error: undefined, request: issueRequest(state, now)};
	} catch (error) {
		// Each field passed its step, but together, or by now, they do not (a date that has passed).
		return {...state, error: error instanceof TokenError ? error.message : oneLine(error)};
	}
}

export function issueReducer(state: IssueState, action: IssueAction): IssueState {
	switch (action.type) {
		case 'accounts': {
			return {...state, accounts: action.ids};
		}

		case 'accountChecked': {
			return {...state, accountCheck: {account: action.account, exists: action.exists}};
		}

		case 'issued': {
			return {...state, step: 'shown', issued: {token: action.token, id: action.id}, error: undefined, notice: undefined};
		}

		case 'failed': {
			// Back to the review with everything typed kept; Enter tries again.
			return {...state, step: 'review', error: `${action.message} Press Enter to try again.`};
		}

		case 'notice': {
			return {...state, notice: action.message};
		}

		case 'copying': {
			return state.issued ? {...state, issued: copiedToken(state.issued)} : state;
		}

		case 'key': {
			return answeredDiscard(state, issueKey(state, action.key, action.now));
		}
	}
}

function issueKey(state: IssueState, key: KeyEvent, now: number): IssueState {
	const {step} = state;
	if (step === 'issuing') {
		return state;
	}

	if (step === 'shown') {
		const outcome = state.issued ? shownTokenCommand(state.issued, commandIn('token-shown', key)) : 'close';
		if (outcome === 'close') {
			// The secret leaves the state here.
			return {...state, issued: undefined, notice: undefined, done: 'closed'};
		}

		return outcome ? {...state, issued: outcome} : state;
	}

	if (step === 'review') {
		const command = commandIn('wizard-review', key);
		if (command === Command.Confirm && state.request) {
			return {...state, step: 'issuing', error: undefined};
		}

		return command === Command.Back ? move(state, -1, now) : state;
	}

	if (step === 'scopes') {
		const command = commandIn('wizard-scopes', key);
		if (command === Command.Up) {
			return {...state, scopeCursor: (state.scopeCursor + SCOPES.length - 1) % SCOPES.length};
		}

		if (command === Command.Down) {
			return {...state, scopeCursor: (state.scopeCursor + 1) % SCOPES.length};
		}

		if (command === Command.Toggle) {
			const scope = SCOPES[state.scopeCursor]!;
			const scopes = state.scopes.includes(scope) ? state.scopes.filter(candidate => candidate !== scope) : [...state.scopes, scope];
			return {...state, scopes, error: undefined};
		}

		if (command === Command.Next) {
			return move(state, 1, now);
		}

		return command === Command.Back ? move(state, -1, now) : state;
	}

	if (step === 'permissions') {
		const command = commandIn('wizard-choice', key);
		const count = PERMISSION_CHOICES.length;
		if (command === Command.Up || command === Command.Down) {
			const permissionCursor = (state.permissionCursor + (command === Command.Up ? count - 1 : 1)) % count;
			return {...state, permissionCursor, error: undefined};
		}

		if (command === Command.Next) {
			return move(state, 1, now);
		}

		return command === Command.Back ? move(state, -1, now) : state;
	}

	if (isTextStep(step)) {
		const command = commandIn('wizard-text', key);
		if (command === Command.Next) {
			return move(state, 1, now);
		}

		if (command === Command.Back) {
			return move(state, -1, now);
		}

		if (command === Command.Complete) {
			const [first] = step === 'account' ? accountSuggestions(state) : [];
			return first === undefined ? state : {...state, fields: {...state.fields, account: first}, caret: undefined, error: undefined};
		}

		const limit = step === 'description' ? LIMITS.description : step === 'account' ? LIMITS.account : 16_384;
		const edited = editText(state.fields[step], key, {maxLength: limit, caret: state.caret});
		return edited === undefined
			? state
			: {...state, fields: {...state.fields, [step]: edited.value}, caret: edited.caret, error: undefined};
	}

	return state;
}

/** The footer view of a step. */
export function issueView(step: IssueStep): View {
	return step === 'scopes'
		? 'wizard-scopes'
		: step === 'permissions'
			? 'wizard-choice'
			: step === 'review' || step === 'issuing'
				? 'wizard-review'
				: step === 'shown'
					? 'token-shown'
					: 'wizard-text';
}
