import {answeredDiscard, leaveOrAsk} from './discard.js';
import {
	LIMITS,
	type TokenEdit,
	TokenError,
	type TokenRecord,
	editIsEmpty,
	expiryOf,
	isPlainMap,
	isoTime,
	listField,
	oneLine,
	parseDescription,
	parseDuration,
	parseExpiry,
	PERMISSION_TEXT_HELP,
	parseMetadata,
	parsePermissionText,
	parseRestrictions,
	permissionText,
	restrictionsField,
} from '../../tokens/index.js';
import {Command, commandIn, type KeyEvent, type View} from '../keymap.js';
import {splitList} from './issue-wizard.js';
import {editText} from './text-edit.js';

/**
 * The edit form (`E`, issue #12 §4): one step per field, prefilled from the record, each checked
 * by issue's own parsers as `ee-tokens edit` checks its flags, then a review of what changes and
 * one compare-and-set write (store.edit, the CLI's own, based on the record the form was filled
 * from). The account and the scopes are shown, not edited: changing them makes a different token.
 */
export type EditField = 'description' | 'expires' | 'addresses' | 'referrers' | 'rateLimit' | 'permissions' | 'metadata';
export type EditStep = EditField | 'review' | 'saving' | 'conflict' | 'reloading';

export const EDIT_FIELDS: EditField[] = ['description', 'expires', 'addresses', 'referrers', 'rateLimit', 'permissions', 'metadata'];

export const EDIT_TITLES: Record<EditField, string> = {
	description: 'Description',
	expires: 'Expiry',
	addresses: 'IP allowlist',
	referrers: 'Referrers',
	rateLimit: 'Rate limit',
	permissions: 'Permissions',
	metadata: 'Metadata',
};

export const EDIT_HELP: Record<EditField, string> = {
	description: 'What the token is for, as people read it in the table.',
	expires:
		'never, a duration from now (30d, 12h), a date (2027-01-15, UTC) or date-time with its zone, or +30d to extend the current expiry.',
	addresses: 'Addresses or CIDR ranges allowed to use it, comma separated; any to allow every address.',
	referrers: 'Referer globs (* = anything), comma separated; any to allow every referrer.',
	rateLimit: 'REQUESTS/SECONDS, e.g. 100/60; none for no limit.',
	permissions: `What it may do: ${PERMISSION_TEXT_HELP}.`,
	metadata: 'JSON text, replacing the metadata (a rotation link in it included).',
};

export type EditFields = Record<EditField, string>;

export type EditState = {
	id: string;
	/** The record the form was filled from: the write is refused if the stored one is no longer it. */
	base: TokenRecord | undefined;
	/** The fields as filled from `base`: a field still equal to its prefill is not changed. */
	initial: EditFields;
	fields: EditFields;
	step: EditStep;
	/** What the review shows and Enter writes, made when the form moved to the review. */
	edit: TokenEdit | undefined;
	error: string | undefined;
	done: 'cancelled' | 'saved' | undefined;
	/** Esc on the first field with changes typed asked whether to discard them (state/discard.ts). */
	discardAsked?: boolean;
	/** The field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
};

const EMPTY: EditFields = {description: '', expires: '', addresses: '', referrers: '', rateLimit: '', permissions: '', metadata: ''};

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** A record's editable fields as the form shows them (wrong types as empty: the store refuses those records anyway). */
export function fieldsOf(record: TokenRecord): EditFields {
	const expires = expiryOf(record);
	const restrictions = restrictionsField(record) ?? undefined;
	const list = (value: unknown) => (listField(value) ?? []).map(String).join(', ');
	const rate = isPlainMap(restrictions?.['rateLimit']) ? restrictions['rateLimit'] : undefined;
	return {
		description: text(record['description']),
		expires: expires === undefined ? 'never' : expires === null ? '' : (isoTime(expires) ?? ''),
		addresses: list(restrictions?.['addresses']),
		referrers: list(restrictions?.['referrers']),
		rateLimit:
			typeof rate?.['maxRequests'] === 'number' && typeof rate['timeWindow'] === 'number'
				? `${rate['maxRequests']}/${rate['timeWindow']}`
				: '',
		permissions: permissionText(record['permissions']),
		metadata: text(record['metadata']),
	};
}

export const initialEditState = (id: string): EditState => ({
	id,
	base: undefined,
	initial: EMPTY,
	fields: EMPTY,
	step: 'description',
	edit: undefined,
	error: undefined,
	done: undefined,
});

/** One field as an edit, read by issue's parsers; undefined when it is as it was filled. */
export function fieldEdit(field: EditField, state: Pick<EditState, 'fields' | 'initial'>, now: number): TokenEdit {
	const value = state.fields[field].trim();
	if (state.fields[field] === state.initial[field]) {
		return {};
	}

	switch (field) {
		case 'description': {
			if (value === '') {
				throw new TokenError('usage', 'A description is required.');
			}

			return {description: parseDescription(value, now)};
		}

		case 'expires': {
			// A field emptied by accident must not lift the expiry: "never" is typed, as --no-expiry is given.
			if (value === '') {
				throw new TokenError('usage', 'Expiry is empty: type never for no expiry, or Esc to keep it.');
			}

			if (value === 'never') {
				return {expires: null};
			}

			return value.startsWith('+') ? {extendMs: parseDuration(value.slice(1), 'extension')} : {expires: parseExpiry(value, now)};
		}

		// Lifting a restriction widens the token: it takes a word (as --no-ip and --no-rate-limit are
		// flags of their own), never a field left empty.
		case 'addresses': {
			return {
				addresses: value === 'any' ? null : parseRestrictions({addresses: required(splitList(value), 'IP allowlist', 'any')})!.addresses,
			};
		}

		case 'referrers': {
			return {
				referrers: value === 'any' ? null : parseRestrictions({referrers: required(splitList(value), 'Referrers', 'any')})!.referrers,
			};
		}

		case 'rateLimit': {
			return {rateLimit: value === 'none' ? null : parseRestrictions({rateLimit: required(value, 'Rate limit', 'none')})!.rateLimit};
		}

		case 'permissions': {
			// Removing the permissions widens the token: typed as none, never a field left empty.
			return {permissions: parsePermissionText(required(value, 'Permissions', 'none'))};
		}

		case 'metadata': {
			return {metadata: parseMetadata(state.fields[field])};
		}
	}
}

/** A restriction field's value, refused when empty: lifting the restriction is typed as `word`. */
function required<T extends string | string[]>(value: T, label: string, word: string): T {
	if (value.length === 0) {
		throw new TokenError('usage', `${label} is empty: type ${word} to lift it, or Esc to keep it.`);
	}

	return value;
}

const problemOf = (error: unknown) => (error instanceof TokenError ? error.message : oneLine(error));

export type EditAction =
	| {type: 'key'; key: KeyEvent; now: number}
	| {type: 'loaded'; record: TokenRecord; now: number}
	| {type: 'saved'}
	| {type: 'failed'; message: string; conflict: boolean};

export function editReducer(state: EditState, action: EditAction): EditState {
	switch (action.type) {
		case 'loaded': {
			const fresh = fieldsOf(action.record);
			if (state.base === undefined) {
				return {...state, base: action.record, initial: fresh, fields: fresh};
			}

			// Reloaded after a conflict: what was typed stays, the rest takes the stored values, and
			// the review shows the change against the record as it is now.
			const fields = {...fresh};
			for (const field of EDIT_FIELDS) {
				if (state.fields[field] !== state.initial[field]) {
					fields[field] = state.fields[field];
				}
			}

			return review({...state, base: action.record, initial: fresh, fields, step: 'review'}, action.now);
		}

		case 'saved': {
			return {...state, done: 'saved'};
		}

		case 'failed': {
			return {...state, step: action.conflict ? 'conflict' : 'review', error: action.message};
		}

		case 'key': {
			return answeredDiscard(state, editKey(state, action.key, action.now));
		}
	}
}

/** To the review, with the edit made from every field (as it is now: an expiry of 30d counts from here). */
function review(state: EditState, now: number): EditState {
	try {
		const edit = EDIT_FIELDS.reduce<TokenEdit>((made, field) => ({...made, ...fieldEdit(field, state, now)}), {});
		return {...state, step: 'review', edit, error: undefined};
	} catch (error) {
		return {...state, error: problemOf(error)};
	}
}

function editKey(state: EditState, key: KeyEvent, now: number): EditState {
	const {step} = state;
	if (state.base === undefined || step === 'saving' || step === 'reloading') {
		// Loading: only Esc, which cancels.
		return state.base === undefined && commandIn('wizard-text', key) === Command.Back ? {...state, done: 'cancelled'} : state;
	}

	if (step === 'conflict') {
		const command = commandIn('wizard-review', key);
		if (command === Command.Confirm) {
			return {...state, step: 'reloading', error: undefined};
		}

		return command === Command.Back ? {...state, done: 'cancelled'} : state;
	}

	if (step === 'review') {
		const command = commandIn('wizard-review', key);
		if (command === Command.Confirm) {
			return state.edit && !editIsEmpty(state.edit)
				? {...state, step: 'saving', error: undefined}
				: {...state, error: 'Nothing changed: Esc goes back to change a field.'};
		}

		return command === Command.Back ? {...state, step: EDIT_FIELDS.at(-1)!, error: undefined, edit: undefined} : state;
	}

	const index = EDIT_FIELDS.indexOf(step);
	const command = commandIn('wizard-text', key);
	if (command === Command.Next) {
		try {
			fieldEdit(step, state, now);
		} catch (error) {
			return {...state, error: problemOf(error)};
		}

		return index === EDIT_FIELDS.length - 1
			? review({...state, caret: undefined}, now)
			: {...state, step: EDIT_FIELDS[index + 1]!, caret: undefined, error: undefined};
	}

	if (command === Command.Back) {
		const changed = EDIT_FIELDS.some(field => state.fields[field] !== state.initial[field]);
		return index === 0
			? leaveOrAsk(state, changed, {...state, done: 'cancelled'})
			: {...state, step: EDIT_FIELDS[index - 1]!, caret: undefined, error: undefined};
	}

	if (command === Command.Complete) {
		return state;
	}

	const limit = step === 'description' ? LIMITS.description : step === 'metadata' ? LIMITS.metadata : 16_384;
	const edited = editText(state.fields[step], key, {maxLength: limit, caret: state.caret});
	return edited === undefined ? state : {...state, fields: {...state.fields, [step]: edited.value}, caret: edited.caret, error: undefined};
}

/** The footer view of a step (the issue wizard's: the same keys mean the same things). */
export function editView(step: EditStep): View {
	return EDIT_FIELDS.includes(step as EditField) ? 'wizard-text' : 'wizard-review';
}
