import type {TokenStore} from '../../store/index.js';
import {Command, commandIn, type KeyEvent} from '../keymap.js';
import type {AnswerText, RequestQuestion, RouteAnswer} from '../../format/request-answer.js';
import {editText} from './text-edit.js';

/**
 * What the check asks of `ee-tokens can`'s implementation (commands/request-answer.ts), handed to
 * the app by the entry: the app may not import server/ (docs/architecture.md), and one
 * implementation answers both, so the app says what serve and `can` say. Both reject with a
 * TokenError whose message is the one line to show (a request that names no route, say).
 */
export type RequestChecks = {
	ask(store: TokenStore, id: string, question: RequestQuestion, now: number): Promise<AnswerText>;
	routes(store: TokenStore, id: string, from: Omit<RequestQuestion, 'request'>, now: number): Promise<RouteAnswer[]>;
};

export const REQUEST_FIELDS = ['request', 'ip', 'referer'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export const REQUEST_TITLES: Readonly<Record<RequestField, string>> = {
	request: 'Request',
	ip: 'Client IP',
	referer: 'Referer',
};

export const REQUEST_HINTS: Readonly<Record<RequestField, string>> = {
	request: 'METHOD PATH, e.g. GET /v1/account/example or GET /metrics; the answer follows as you type.',
	ip: 'The address the request comes from; empty: none (a token with an IP allowlist is then refused).',
	referer: 'The Referer header; empty: none (tested as the text "undefined", as EmailEngine does).',
};

export type RequestCheckState = {
	fields: RequestQuestion;
	focus: RequestField;
	closed: boolean;
	/** The focused field's caret, in UTF-16 units from the end (state/text-edit.ts); undefined: at the end. */
	caret?: number;
};

/** Paths are short; a field longer than this is a paste gone wrong, not a request. */
const MAX_FIELD = 2048;

/**
 * The first question: the request a token of this kind most likely makes, so the answer is there
 * when the view opens. A bound token reads its own account; a metrics-only token scrapes /metrics.
 */
export function initialRequestCheck(row: {account: string | undefined; scopes: readonly string[] | undefined}): RequestCheckState {
	const metricsOnly = row.scopes !== undefined && row.scopes.length > 0 && row.scopes.every(scope => scope === 'metrics');
	const request =
		row.account === undefined ? (metricsOnly ? 'GET /metrics' : 'GET /v1/stats') : `GET /v1/account/${encodeURIComponent(row.account)}`;
	return {fields: {request, ip: '', referer: ''}, focus: 'request', closed: false};
}

/** One key: Esc closes, Enter or ↓ and ↑ move between the fields (round), anything else edits the focused one. */
export function requestCheckReducer(state: RequestCheckState, key: KeyEvent): RequestCheckState {
	const index = REQUEST_FIELDS.indexOf(state.focus);
	switch (commandIn('request-check', key)) {
		case Command.Close: {
			return {...state, closed: true};
		}

		case Command.Next:
		case Command.Down: {
			return {...state, focus: REQUEST_FIELDS[(index + 1) % REQUEST_FIELDS.length]!, caret: undefined};
		}

		case Command.Up: {
			return {...state, focus: REQUEST_FIELDS[(index + REQUEST_FIELDS.length - 1) % REQUEST_FIELDS.length]!, caret: undefined};
		}

		default: {
			const edited = editText(state.fields[state.focus], key, {maxLength: MAX_FIELD, caret: state.caret});
			if (edited === undefined) {
				return state;
			}

			// A caret move keeps the fields as they are: the answer is not asked for again.
			return edited.value === state.fields[state.focus]
				? {...state, caret: edited.caret}
				: {...state, fields: {...state.fields, [state.focus]: edited.value}, caret: edited.caret};
		}
	}
}
