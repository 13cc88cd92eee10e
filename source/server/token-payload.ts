import ipaddr from 'ipaddr.js';
import {LIMITS, type TokenRecord, buildRecord, isPlainMap, parseAddress} from '../tokens/index.js';
import {type FieldProblem, invalidInput} from './http.js';
import {ACTIONS, GROUPS} from './permissions.js';

/**
 * POST /v1/tokens input (compatibility §7), validated with the rules and joi-style messages of EmailEngine's
 * schema, then turned into the record its provision() writes. No message ever repeats a value.
 */

/** REST tokens cannot be `*` or `metrics`: only what the API itself may hand out. */
export const REST_SCOPES = ['api', 'smtp', 'imap-proxy', 'mcp'] as const;

export type TokenRequest = {
	account?: string;
	description: string;
	scopes: string[];
	metadata?: string;
	restrictions?: Record<string, unknown>;
	permissions?: {actions?: string[]; groups?: string[]};
	expires?: number;
	ip?: string;
};

const KNOWN = ['account', 'description', 'scopes', 'metadata', 'restrictions', 'permissions', 'expires', 'ip'];

const absent = (value: unknown) => value === undefined || value === null;

export function parseTokenRequest(payload: unknown, now: number): TokenRequest {
	if (!isPlainMap(payload)) {
		throw invalidInput([{message: '"value" must be of type object', key: 'value'}]);
	}

	const problems: FieldProblem[] = [];
	const problem = (key: string, message: string) => problems.push({key, message});
	for (const key of Object.keys(payload)) {
		if (!KNOWN.includes(key)) {
			problem(key.slice(0, 256), `"${key.slice(0, 256)}" is not allowed`);
		}
	}

	const request: TokenRequest = {description: '', scopes: ['api']};

	const account = payload['account'];
	if (!absent(account)) {
		if (typeof account === 'string') {
			const trimmed = account.trim();
			if (trimmed.length > LIMITS.account) {
				problem('account', `"account" length must be less than or equal to ${LIMITS.account} characters long`);
			} else if (trimmed) {
				request.account = trimmed;
			}
		} else {
			problem('account', '"account" must be a string');
		}
	}

	const description = payload['description'];
	if (absent(description)) {
		problem('description', '"description" is required');
	} else if (typeof description === 'string') {
		const trimmed = description.trim();
		if (!trimmed) {
			problem('description', '"description" is not allowed to be empty');
		} else if (trimmed.length > LIMITS.description) {
			problem('description', `"description" length must be less than or equal to ${LIMITS.description} characters long`);
		} else {
			request.description = trimmed;
		}
	} else {
		problem('description', '"description" must be a string');
	}

	const scopes = payload['scopes'];
	if (!absent(scopes)) {
		// A single string is accepted as a one-item list, as joi's .single() does.
		const list = Array.isArray(scopes) ? scopes : [scopes];
		const allowed = REST_SCOPES as readonly unknown[];
		list.forEach((scope, index) => {
			if (!allowed.includes(scope)) {
				problem(String(index), `"scopes[${index}]" must be one of [${REST_SCOPES.join(', ')}]`);
			}
		});
		if (list.length === 0) {
			problem('scopes', '"scopes" must contain at least 1 items');
		}

		request.scopes = [...new Set(list as string[])];
	}

	const metadata = payload['metadata'];
	if (!absent(metadata)) {
		if (typeof metadata !== 'string') {
			problem('metadata', '"metadata" must be a string');
		} else if (metadata.length > LIMITS.metadata) {
			problem('metadata', `"metadata" length must be less than or equal to ${LIMITS.metadata} characters long`);
		} else {
			try {
				JSON.parse(metadata);
				request.metadata = metadata || undefined;
			} catch {
				problem('metadata', '"metadata" must be valid JSON');
			}
		}
	}

	const restrictions = payload['restrictions'];
	if (!absent(restrictions)) {
		request.restrictions = parseRestrictionsPayload(restrictions, problem);
	}

	const permissions = payload['permissions'];
	if (absent(permissions)) {
		if (!request.account) {
			// Compatibility §7: a REST token for every account must be narrowed.
			problem('permissions', '"permissions" is required');
		}
	} else {
		request.permissions = parsePermissionsPayload(permissions, problem);
	}

	const expires = payload['expires'];
	if (!absent(expires)) {
		const time = typeof expires === 'number' ? expires : typeof expires === 'string' ? Date.parse(expires) : Number.NaN;
		if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) {
			problem('expires', '"expires" must be a valid date');
		} else if (time <= now) {
			problem('expires', '"expires" must be greater than "now"');
		} else {
			request.expires = time;
		}
	}

	const ip = payload['ip'];
	if (!absent(ip)) {
		if (typeof ip !== 'string' || !ipaddr.isValid(ip)) {
			problem('ip', '"ip" must be a valid ip address with a forbidden CIDR');
		} else {
			request.ip = ip;
		}
	}

	if (problems.length > 0) {
		throw invalidInput(problems);
	}

	return request;
}

function parseRestrictionsPayload(value: unknown, problem: (key: string, message: string) => void): Record<string, unknown> | undefined {
	if (!isPlainMap(value)) {
		problem('restrictions', '"restrictions" must be of type object');
		return undefined;
	}

	// Key order: the client's, then the ones it left out as explicit nil (joi defaults, compatibility §2).
	const result: Record<string, unknown> = {};
	for (const key of Object.keys(value)) {
		const entry = value[key];
		if (key === 'referrers' || key === 'addresses') {
			if (absent(entry) || entry === false) {
				result[key] = null;
			} else if (!Array.isArray(entry) || entry.length > LIMITS.restrictionEntries) {
				problem(key, `"restrictions.${key}" must be an array of at most ${LIMITS.restrictionEntries} items`);
			} else {
				entry.forEach((item, index) => {
					if (typeof item !== 'string' || item.length === 0 || item.length > LIMITS.restrictionEntryLength) {
						problem(String(index), `"restrictions.${key}[${index}]" must be a non-empty string`);
					} else if (key === 'addresses') {
						try {
							parseAddress(item);
						} catch {
							problem(String(index), `"restrictions.addresses[${index}]" must be a valid ip address or CIDR range`);
						}
					}
				});
				result[key] = entry;
			}
		} else if (key === 'rateLimit') {
			if (absent(entry) || entry === false) {
				result[key] = null;
			} else if (!isPlainMap(entry)) {
				problem(key, '"restrictions.rateLimit" must be of type object');
			} else {
				for (const field of ['maxRequests', 'timeWindow']) {
					const number = entry[field];
					if (!Number.isSafeInteger(number) || (number as number) < 1) {
						problem(field, `"restrictions.rateLimit.${field}" must be an integer greater than or equal to 1`);
					}
				}

				result[key] = {maxRequests: entry['maxRequests'], timeWindow: entry['timeWindow']};
			}
		} else {
			problem(key.slice(0, 256), `"restrictions.${key.slice(0, 256)}" is not allowed`);
		}
	}

	for (const key of ['referrers', 'addresses', 'rateLimit']) {
		if (!Object.hasOwn(result, key)) {
			result[key] = null;
		}
	}

	return result;
}

function parsePermissionsPayload(value: unknown, problem: (key: string, message: string) => void): TokenRequest['permissions'] {
	if (!isPlainMap(value)) {
		problem('permissions', '"permissions" must be of type object');
		return undefined;
	}

	const result: {actions?: string[]; groups?: string[]} = {};
	for (const key of Object.keys(value)) {
		if (key !== 'actions' && key !== 'groups') {
			problem(key.slice(0, 256), `"permissions.${key.slice(0, 256)}" is not allowed`);
			continue;
		}

		const vocabulary: readonly string[] = key === 'actions' ? ACTIONS : GROUPS;
		const axis = value[key];
		if (!Array.isArray(axis) || axis.length === 0) {
			problem(key, `"permissions.${key}" must be a non-empty array`);
			continue;
		}

		axis.forEach((item, index) => {
			if (!vocabulary.includes(item as string)) {
				problem(String(index), `"permissions.${key}[${index}]" must be one of [${vocabulary.join(', ')}]`);
			}
		});
		result[key] = [...new Set(axis as string[])];
	}

	if (Object.keys(result).length === 0 && Object.keys(value).length === 0) {
		problem('permissions', '"permissions" must have at least 1 key');
	}

	return result;
}

/** The record provision() writes for a REST token, in the key order of tokens/record.ts. */
export function restRecord(request: TokenRequest, now: number, remoteAddress: string | undefined): TokenRecord {
	return buildRecord({
		created: now,
		expires: request.expires,
		account: request.account,
		ip: request.ip,
		remoteAddress: remoteAddress || undefined,
		scopes: request.scopes,
		description: request.description,
		restrictions: request.restrictions,
		permissions: request.permissions,
		metadata: request.metadata,
	});
}
