import {type RateLimit, type TokenRecord, boundAccountOf, expiryOf, listField, rateLimitOf, restrictionsField} from '../tokens/index.js';
import {HttpError} from './http.js';
import {type Permission, checkPermission} from './permissions.js';
import {scopeAllowed} from './credential.js';
import {addressAllowed, rateWindow, referrerAllowed} from './restrictions.js';

/**
 * The checks of EmailEngine's `api-token` strategy that read only the token's record and the request
 * (compatibility §6.2): whether the record still works, then scope → permissions → account →
 * addresses → referrers, then the rate limit's verdict on a count. Pure: the one implementation that
 * both `serve` (server/auth.ts, which adds the reads and writes around them) and `ee-tokens can` call.
 */

/** What a route asks of its caller. */
export type RouteAuth = {
	/** Route scopes: `api` for every /v1 route, `metrics` for /metrics (compatibility §6.3). */
	scopes: readonly string[];
	permission: Permission;
	/** The route template, for the audit log (`/v1/account/{account}`). */
	template: string;
};

/** How an authentication ended, for the outcome counter in /metrics. */
export type AuthOutcome =
	'allowed' | 'preauth' | 'missing' | 'bad_token' | 'expired' | 'scope' | 'permission' | 'account' | 'address' | 'referrer' | 'rate_limit';

/** Which check refused, the audit-log reason (`scope`, `malformed`, `account`, `rateLimit`…), and the answer. */
export type Refusal = {reason: string; outcome: AuthOutcome; error: HttpError};

/** What of a request the record checks read. */
export type CheckedRequest = {
	route: RouteAuth;
	/** The account the request names (validated path parameter, or the listing's `account` query). */
	account: string | undefined;
	clientIp: string;
	/** The raw Referer header, if any. */
	referer: string | undefined;
};

export const missingAuthentication = () => new HttpError(401, 'Missing authentication', {}, {'www-authenticate': 'Bearer'});
export const badToken = () => new HttpError(401, 'Bad token', {}, {'www-authenticate': 'Bearer error="Bad token"'});

/** Whether a readable record still authenticates at `now`: its expiry is a time, and not passed. */
export type RecordState = {kind: 'usable'} | {kind: 'bad-expiry'} | {kind: 'expired'; expires: number};

export function recordState(record: TokenRecord, now: number): RecordState {
	const expires = expiryOf(record);
	if (expires === null) {
		// An expiry that is no time (a numeric string, true) is refused like a passed one (compatibility §2).
		return {kind: 'bad-expiry'};
	}

	return expires !== undefined && now >= expires ? {kind: 'expired', expires} : {kind: 'usable'};
}

/** Scope → permissions → account → addresses → referrers: the first check that refuses, if any. */
export function recordRefusal(record: TokenRecord, {route, account, clientIp, referer}: CheckedRequest): Refusal | undefined {
	if (!scopeAllowed(record['scopes'], route.scopes)) {
		return {
			reason: 'scope',
			outcome: 'scope',
			error: new HttpError(403, 'Unauthorized scope', {requestedScope: route.scopes.join(', ')}),
		};
	}

	const permissionDenial = checkPermission(record['permissions'], route.permission);
	if (permissionDenial) {
		return {
			reason: permissionDenial,
			outcome: 'permission',
			error: new HttpError(403, 'Unauthorized permission', {
				requiredPermission: {action: route.permission.action, group: route.permission.group},
			}),
		};
	}

	// Compared strictly, as EmailEngine does: an integer account (12345) or any other non-text
	// value matches no request, whose account is always text (compatibility §2).
	const boundTo = boundAccountOf(record);
	if (boundTo !== undefined && boundTo !== account) {
		return {reason: 'account', outcome: 'account', error: new HttpError(403, 'Unauthorized account')};
	}

	// Restrictions that are not a map, or lists that are not lists, refuse at the check they
	// belong to (compatibility §2); EmailEngine would ignore a non-map and so admit everyone.
	const restrictions = restrictionsField(record);
	const addresses = restrictions === null ? null : listField(restrictions?.['addresses']);
	if (addresses !== undefined && !(addresses !== null && addressAllowed(clientIp, addresses))) {
		return {reason: 'address', outcome: 'address', error: new HttpError(403, 'Unauthorized address', {remoteAddress: clientIp})};
	}

	const referrers = listField(restrictions?.['referrers']);
	if (referrers === null || (referrers && referrers.length > 0 && !referrerAllowed(referer, referrers))) {
		return {reason: 'referrer', outcome: 'referrer', error: new HttpError(403, 'Unauthorized referrer')};
	}

	return undefined;
}

/**
 * The rate limit a record sets, if any, read once recordRefusal has passed it (which refuses
 * restrictions that are not a map). A malformed rate limit (not a map, no maxRequests, text,
 * Infinity…) has a maxRequests of 0: always limited, as EmailEngine limits a missing maxRequests
 * (compatibility §6.6), and also when it is false, 0 or '', which EmailEngine reads as no limit.
 */
export const recordRateLimit = (record: TokenRecord): RateLimit | undefined => rateLimitOf(restrictionsField(record)?.['rateLimit']);

/**
 * The rate limit's verdict once the window's count is known (this request included): a 429 past
 * `maxRequests`, else the headers every answer carries (compatibility §6.6).
 */
export function rateLimitVerdict(
	rateLimit: RateLimit,
	count: number,
	now: number,
): {refusal: Refusal | undefined; headers: Record<string, number>} {
	const {reset} = rateWindow(rateLimit.timeWindow, now);
	const limit = rateLimit.maxRequests;
	if (count > limit) {
		return {
			refusal: {
				reason: 'rateLimit',
				outcome: 'rate_limit',
				error: new HttpError(429, 'Rate limit exceeded', {ttl: reset}, {'x-ratelimit-limit': limit, 'x-ratelimit-reset': reset}),
			},
			headers: {'x-ratelimit-limit': limit, 'x-ratelimit-reset': reset},
		};
	}

	return {
		refusal: undefined,
		headers: {'x-ratelimit-limit': limit, 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': Math.max(0, limit - count)},
	};
}
