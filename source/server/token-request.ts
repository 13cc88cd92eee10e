import Joi from 'joi';
import {ACTIONS, GROUPS, LIMITS, type NewToken} from '../tokens/index.js';
import {accountIdSchema, unambiguousAddress, validated} from './schemas.js';

/**
 * POST /v1/tokens (compatibility §7): EmailEngine's joi schema, label for label, and the record its
 * provision() writes from what the schema returns. Declared in EmailEngine's key order, which is the
 * order joi reports problems in.
 */

/** REST tokens cannot be `*` or `metrics`: only what the API itself may hand out. */
const REST_SCOPES = ['api', 'smtp', 'imap-proxy', 'mcp'] as const;

const ipSchema = Joi.string()
	.empty('')
	.trim()
	.ip({version: ['ipv4', 'ipv6'], cidr: 'forbidden'})
	.custom(unambiguousAddress('forbidden'));

/**
 * Restrictions: a single referrer or address becomes a list; a key left out, or given as null, is
 * stored as nil (and `false` as nil too: serve refuses a stored `false`, compatibility §2). The
 * entry limits, and a rate limit needing both of its numbers, are ee-tokens' own (README): without
 * maxRequests a token answers 429 to every request (compatibility §6.6).
 */
const restrictionsSchema = Joi.object({
	referrers: Joi.array()
		.items(Joi.string().max(LIMITS.restrictionEntryLength))
		.max(LIMITS.restrictionEntries)
		.empty(Joi.valid('', false, null))
		.single()
		.default(null),
	addresses: Joi.array()
		.items(
			Joi.string()
				.ip({version: ['ipv4', 'ipv6'], cidr: 'optional'})
				.custom(unambiguousAddress('optional')),
		)
		.max(LIMITS.restrictionEntries)
		.empty(Joi.valid('', false, null))
		.single()
		.default(null),
	rateLimit: Joi.object({
		maxRequests: Joi.number().integer().min(1).required(),
		timeWindow: Joi.number().integer().min(1).required(),
	})
		.empty(Joi.valid(false, null))
		.default(null),
})
	.empty('')
	.allow(false);

/** Narrowing only: at least one axis, no empty axis, and never the admin group (not in GROUPS). */
const permissionsSchema = Joi.object({
	actions: Joi.array()
		.items(Joi.string().valid(...ACTIONS))
		.single()
		.min(1),
	groups: Joi.array()
		.items(Joi.string().valid(...GROUPS))
		.single()
		.min(1)
		.label('TokenGroups'),
})
	.min(1)
	.label('TokenPermissions');

const createTokenSchema = Joi.object({
	account: accountIdSchema,
	description: Joi.string().empty('').trim().max(LIMITS.description).required(),
	scopes: Joi.array()
		.items(
			Joi.string()
				.valid(...REST_SCOPES)
				.label('TokenScope'),
		)
		.single()
		.min(1)
		.required()
		.label('Scopes'),
	metadata: Joi.string()
		.empty('')
		.max(LIMITS.metadata)
		.custom((value: string, helpers) => {
			try {
				JSON.parse(value);
				return value;
			} catch {
				return helpers.message({custom: 'Metadata must be a valid JSON string'});
			}
		}),
	restrictions: restrictionsSchema,
	// A token for every account must be narrowed (compatibility §7), and nil is no narrowing.
	permissions: Joi.when('account', {is: Joi.exist(), then: permissionsSchema.allow(null), otherwise: permissionsSchema.required()}),
	expires: Joi.date().iso().greater('now').label('CreateTokenExpires'),
	ip: ipSchema.label('TokenIP'),
}).label('CreateToken');

export type TokenRequest = {
	account?: string;
	description: string;
	scopes: string[];
	metadata?: string;
	restrictions?: Record<string, unknown> | false;
	permissions?: {actions?: string[]; groups?: string[]} | null;
	expires?: Date;
	ip?: string;
};

/** The payload, validated; a 400 listing every problem otherwise. */
export const parseTokenRequest = (payload: unknown): TokenRequest => validated<TokenRequest>(createTokenSchema, payload);

/** What store.issue() takes for a REST token: the fields its provision() writes (compatibility §7). */
export function restToken(request: TokenRequest, remoteAddress: string | undefined): Omit<NewToken, 'created'> {
	return {
		expires: request.expires?.getTime(),
		account: request.account,
		ip: request.ip,
		remoteAddress: remoteAddress || undefined,
		scopes: request.scopes,
		description: request.description,
		restrictions: request.restrictions || undefined,
		permissions: request.permissions ?? undefined,
		metadata: request.metadata,
	};
}
