import {AuthStore, type TokenStore} from '../store/index.js';
import {type TokenEntry, TokenError, boundAccountOf, isIpAddress, quoteTyped} from '../tokens/index.js';
import {permissionSentence, sanitizeText} from '../format/index.js';
import type {AnswerText, RequestQuestion, RouteAnswer} from '../format/request-answer.js';
import {type Refusal, badToken, rateLimitVerdict, recordRateLimit, recordRefusal, recordState} from '../server/checks.js';
import {HttpError, parseQuery, splitTarget} from '../server/http.js';
import {rateWindow} from '../server/restrictions.js';
import {ROUTES, type Route, matchRoute} from '../server/routes.js';
import {validated} from '../server/schemas.js';

/**
 * Whether a token may make a request of serve, and which check refuses it: the answer of
 * `ee-tokens can` and of the app's request check (t), one implementation over server/checks.ts,
 * the checks serve itself runs. The app gets it from the entry (commands/main.ts), as the app may
 * not import server/ (docs/architecture.md).
 */

const usage = (message: string) => new TokenError('usage', message);

/** Which check refused: the token's record, then the order of compatibility §6.2. */
export type CanCheck = 'token' | 'expiry' | 'scope' | 'permission' | 'account' | 'address' | 'referrer' | 'rateLimit';

const CHECK_OF_OUTCOME: Readonly<Record<string, CanCheck>> = {
	scope: 'scope',
	permission: 'permission',
	account: 'account',
	address: 'address',
	referrer: 'referrer',
	rate_limit: 'rateLimit',
};

export type CanRequest = {method: string; path: string; route: Route; account: string | undefined};

/** METHOD and PATH as serve matches them (HEAD as GET, one trailing slash dropped), and the account named. */
export function parseRequest(methodArgument: string, target: string, accountFlag: string | undefined): CanRequest {
	const upper = methodArgument.toUpperCase();
	const method = upper === 'HEAD' ? 'GET' : upper;
	if (!target.startsWith('/')) {
		throw usage(`PATH must start with / (e.g. /v1/stats), not ${quoteTyped(target)}`);
	}

	const {path, search} = splitTarget(target);
	let matched;
	try {
		matched = matchRoute(method, path);
	} catch (error) {
		if (error instanceof HttpError) {
			throw usage(`${quoteTyped(path)}: a path parameter is not valid percent-encoding`);
		}

		throw error;
	}

	if (!matched) {
		throw usage(`serve has no route ${quoteTyped(`${upper} ${path}`)}; ee-tokens can --help lists the routes it knows`);
	}

	const {route, params} = matched;
	const query: Record<string, unknown> = {...parseQuery(search)};
	// The token goes by -t: an access_token in PATH is dropped, as serve takes it out of the query.
	delete query['access_token'];
	if (accountFlag !== undefined) {
		if (!route.account) {
			throw usage(`${route.method} ${route.template} names no account, so --account does not apply`);
		}

		if (Object.hasOwn(params, 'account')) {
			if (params['account'] !== accountFlag) {
				throw usage(`${route.method} ${route.template} takes its account from PATH; --account names another one`);
			}
		} else if (Object.hasOwn(query, 'account') && query['account'] !== accountFlag) {
			// Never silently replaced: serve would judge the account PATH names.
			throw usage(`${route.method} ${route.template}: PATH's ?account= and --account name different accounts`);
		} else {
			query['account'] = accountFlag;
		}
	}

	// The account as serve reads it: from the validated input, or the raw values when it does not validate.
	let named: {params: Record<string, unknown>; query: Record<string, unknown>} = {params, query};
	try {
		named = {
			params: route.params ? validated<Record<string, unknown>>(route.params, params) : params,
			query: route.query && typeof route.query !== 'function' ? validated<Record<string, unknown>>(route.query, query) : query,
		};
	} catch (error) {
		if (!(error instanceof HttpError)) {
			throw error;
		}
	}

	return {method, path, route, account: route.account?.(named.params, named.query)};
}

export type CanAnswer = {
	allowed: boolean;
	/** The check that refused; absent when allowed. */
	check?: CanCheck;
	method: string;
	path: string;
	route: string;
	/** What the route asks: scopes and one action on one group; absent for a route that needs no token. */
	requires?: {scopes: readonly string[]; action: string; group: string};
	id: string;
	/** The status serve answers the authentication with: 200 when allowed (the handler may still fail). */
	status: number;
	/** serve's error body when refused. */
	body?: Record<string, unknown>;
	/** The audit-log reason of a refusal (`scope`, `malformed`, `group`…). */
	reason?: string;
	/** What the token's permissions let it do, in one sentence. */
	permissions: string;
	/** The rate limit as the window stands, read without counting a request. */
	rateLimit?: {limit: number; used: number; resetSeconds: number; counted: false};
	/** Why an answer may differ from what the real request meets. */
	note?: string;
};

export type Circumstances = {clientIp: string | undefined; referer: string | undefined; now: number};

/**
 * The answer for one token and request: the record's state, then recordRefusal, then the rate
 * limit judged on the current count plus this request — the checks of server/checks.ts, in the
 * authenticator's order (compatibility §6.2).
 */
export async function judge(
	entry: TokenEntry,
	request: CanRequest,
	{clientIp, referer, now}: Circumstances,
	rateCount: (window: number, bucket: number) => Promise<number>,
): Promise<CanAnswer> {
	const {route} = request;
	const base = {
		method: request.method,
		path: request.path,
		route: route.template,
		...(route.auth ? {requires: {scopes: route.auth.scopes, ...route.auth.permission}} : {}),
		id: entry.id,
		permissions: entry.unreadable === undefined ? permissionSentence(entry.record['permissions']) : 'unknown: the record cannot be read',
	};
	const refused = (check: CanCheck, refusal: Pick<Refusal, 'error' | 'reason'>, extra: Partial<CanAnswer> = {}): CanAnswer => ({
		allowed: false,
		check,
		...base,
		status: refusal.error.statusCode,
		body: refusal.error.payload,
		reason: refusal.reason,
		...extra,
	});
	if (!route.auth) {
		return {allowed: true, ...base, status: 200, note: 'This route needs no token'};
	}

	if (entry.unreadable !== undefined) {
		return refused('token', {error: badToken(), reason: 'unreadable'}, {note: `Its record cannot be read (${entry.unreadable})`});
	}

	// serve finds a record by the lower-case hex digest of the token presented: one stored under any
	// other id (EmailEngine's import keeps ids verbatim, compatibility §1.4) is reached by no token.
	if (!/^[0-9a-f]{64}$/.test(entry.id)) {
		return refused(
			'token',
			{error: badToken(), reason: 'unreachable'},
			{note: 'Stored under an id no raw token hashes to (not lower-case hex)'},
		);
	}

	const state = recordState(entry.record, now);
	if (state.kind !== 'usable') {
		return refused('expiry', {error: badToken(), reason: state.kind});
	}

	const refusal = recordRefusal(entry.record, {route: route.auth, account: request.account, clientIp: clientIp ?? '', referer});
	if (refusal) {
		const noAddress = refusal.outcome === 'address' && clientIp === undefined;
		return refused(
			CHECK_OF_OUTCOME[refusal.outcome]!,
			refusal,
			noAddress ? {note: 'No client address given (--ip): the address check needs one'} : {},
		);
	}

	const rateLimit = recordRateLimit(entry.record);
	if (rateLimit) {
		const {window, bucket, reset} = rateWindow(rateLimit.timeWindow, now);
		const used = await rateCount(window, bucket);
		// The next request is counted before it is judged: it fits while used + 1 <= maxRequests.
		const verdict = rateLimitVerdict(rateLimit, used + 1, now);
		const rate = {rateLimit: {limit: rateLimit.maxRequests, used, resetSeconds: reset, counted: false as const}};
		if (verdict.refusal) {
			return refused('rateLimit', verdict.refusal, rate);
		}

		return {allowed: true, ...base, status: 200, ...rate};
	}

	return {allowed: true, ...base, status: 200};
}

const CHECK_NAMES: Readonly<Record<CanCheck, string>> = {
	token: 'token',
	expiry: 'expiry',
	scope: 'scope',
	permission: 'permission',
	account: 'account',
	address: 'address',
	referrer: 'referrer',
	rateLimit: 'rate limit',
};

/** The answer for people: the verdict first, then what the route needs and what the token may do. */
export function answerText(answer: CanAnswer): AnswerText {
	const request = `${answer.method} ${answer.path}`;
	const message = answer.body?.['message'];
	const headline = answer.allowed
		? `allowed: ${request}`
		: `refused by the ${CHECK_NAMES[answer.check!]} check: ${request} gets ${answer.status} ${typeof message === 'string' ? message : ''}`;
	const fields: Array<[string, string]> = [];
	if (answer.requires) {
		fields.push([
			'route',
			`${answer.route} needs scope ${answer.requires.scopes.join(' or ')} and ${answer.requires.action} on ${answer.requires.group}`,
		]);
	}

	fields.push(['token', answer.id], ['may do', answer.permissions]);
	if (answer.reason !== undefined) {
		fields.push(['reason', answer.reason]);
	}

	if (answer.rateLimit) {
		const {limit, used, resetSeconds} = answer.rateLimit;
		fields.push([
			'rate limit',
			`${used} of ${limit} requests used in this window, which ends in ${resetSeconds} s (read without counting one)`,
		]);
	}

	if (answer.note !== undefined) {
		fields.push(['note', answer.note]);
	}

	// Untrusted text (an account, a path as typed) goes to a terminal: sanitised here, for both.
	return {
		allowed: answer.allowed,
		headline: sanitizeText(headline),
		fields: fields.map(([label, value]) => [label, sanitizeText(value)]),
	};
}

/** The rate-limit counter as serve would read it, without counting a request. */
export const peekedCount = (store: TokenStore, id: string) => async (window: number, bucket: number) =>
	new AuthStore(store.redis, store.prefix).peekRateLimit(window, bucket, id);

/** The app's question (t): one token (by id) and one request typed as text; a bad question is a usage TokenError. */
export async function askRequest(store: TokenStore, id: string, question: RequestQuestion, now: number): Promise<AnswerText> {
	const words = question.request.trim().split(/\s+/).filter(Boolean);
	if (words.length !== 2) {
		throw usage('Type the method and the path, e.g. GET /v1/stats');
	}

	const request = parseRequest(words[0]!, words[1]!, undefined);
	const entry = await store.resolve(id, {allowUnreadable: true});
	return answerText(await judge(entry, request, circumstancesOf(question, now), peekedCount(store, entry.id)));
}

/** The client address and Referer of the app's fields: empty is none; an address must be one. */
function circumstancesOf({ip, referer}: Omit<RequestQuestion, 'request'>, now: number): Circumstances {
	const clientIp = ip.trim();
	if (clientIp !== '' && !isIpAddress(clientIp)) {
		throw usage(`${quoteTyped(clientIp)} is not an IP address`);
	}

	return {clientIp: clientIp === '' ? undefined : clientIp, referer: referer === '' ? undefined : referer, now};
}

/**
 * Every route serve has that needs a token, grouped by what it asks (scope, action, group), each
 * judged for this token on its own account, from the client address and with the Referer given.
 */
export async function routeAnswers(
	store: TokenStore,
	id: string,
	from: Omit<RequestQuestion, 'request'>,
	now: number,
): Promise<RouteAnswer[]> {
	const circumstances = circumstancesOf(from, now);
	const entry = await store.resolve(id, {allowUnreadable: true});
	const bound = entry.unreadable === undefined ? boundAccountOf(entry.record) : undefined;
	const groups = new Map<string, Route[]>();
	for (const route of ROUTES) {
		if (route.auth) {
			const key = `${route.auth.scopes.join(',')} ${route.auth.permission.action} ${route.auth.permission.group}`;
			groups.set(key, [...(groups.get(key) ?? []), route]);
		}
	}

	// Every group reads the same window of the same token: one read of the counter for them all.
	const peek = peekedCount(store, entry.id);
	let count: Promise<number> | undefined;
	const counted = async (window: number, bucket: number) => (count ??= peek(window, bucket));
	return Promise.all(
		[...groups.values()].map(async (routes): Promise<RouteAnswer> => {
			const route = routes[0]!;
			const account = typeof bound === 'string' ? bound : undefined;
			const answer = await judge(entry, {method: route.method, path: route.template, route, account}, circumstances, counted);
			const templates = [...new Set(routes.map(each => `${each.method} ${each.template}`))].join(', ');
			return {allowed: answer.allowed, routes: sanitizeText(templates), verdict: answer.allowed ? 'allowed' : CHECK_NAMES[answer.check!]};
		}),
	);
}
