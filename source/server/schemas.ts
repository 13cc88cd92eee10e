import Joi from 'joi';
import {LIMITS, addressProblem} from '../tokens/index.js';
import {type FieldProblem, invalidInput, redactHex} from './http.js';

/**
 * REST input is validated by joi, as EmailEngine validates it (compatibility §7): the same rules
 * and labels, so the messages are joi's own, not copies. Every problem is reported (abortEarly
 * off), each as `{message, key}` with `key` the last element of its path.
 */

const OPTIONS: Joi.ValidationOptions = {abortEarly: false, convert: true, stripUnknown: false};

/**
 * The validated value, or a 400 "Invalid input" listing every problem. joi quotes the key of an
 * unknown field in its message; keys come from the client, so a 64-hex run in one (a token pasted
 * as a name) is hidden and a key is cut to 256 characters. Values are never quoted by these schemas.
 */
export function validated<T>(schema: Joi.Schema<T>, value: unknown): T {
	const outcome = schema.validate(value, OPTIONS);
	const {error} = outcome;
	if (!error) {
		return outcome.value;
	}

	const fields: FieldProblem[] = error.details.map(detail => {
		const key = detail.path.at(-1) ?? 'value';
		if (typeof key === 'number') {
			return {message: detail.message, key};
		}

		const shortKey = redactHex(key).slice(0, 256);
		return {message: redactHex(detail.message.replaceAll(key, shortKey)), key: shortKey};
	});
	throw invalidInput(fields);
}

/** An account id: any text up to 256 characters after trimming; '' counts as absent. */
export const accountIdSchema = Joi.string().empty('').trim().max(LIMITS.account);

/** A token id in a path: 64 hex characters (GET /v1/tokens/{token} and its log take ids only). */
export const tokenIdParamSchema = Joi.string().length(64).hex().required().label('TokenIdParam');

/** What DELETE takes: the raw token or its id, both 64 hex characters. */
export const tokenReferenceSchema = Joi.string().length(64).hex().required().label('TokenReference');

const pageNumber = Joi.number()
	.integer()
	.min(0)
	.max(1024 * 1024)
	.default(0)
	.label('PageNumber');

/** GET /v1/tokens: `page`, `pageSize`, `query`, `account`. */
export const tokenListQuerySchema = Joi.object({
	page: pageNumber,
	pageSize: Joi.number().integer().min(1).max(1000).default(20).label('PageSize'),
	query: Joi.string().empty('').trim().max(LIMITS.query).label('TokenSearchQuery'),
	account: accountIdSchema,
}).label('TokensQuery');

/** GET /v1/tokens/{token}/log: a page of at most min(N, 200) entries, N the log's length limit. */
export const tokenLogQuerySchema = (maxEntries: number) =>
	Joi.object({
		page: pageNumber,
		pageSize: Joi.number().integer().min(1).max(Math.min(maxEntries, 200)).default(20).label('PageSize'),
	}).label('TokenLogQuery');

/** GET /v1/stats: `seconds` from 0 to 604,800, default 3,600, an empty value as the default. */
export const statsQuerySchema = Joi.object({
	seconds: Joi.number().empty('').integer().min(0).max(604_800).default(3600),
});

type CidrMode = 'optional' | 'forbidden';

const JOI_ADDRESS: Record<CidrMode, Joi.StringSchema> = {
	optional: Joi.string().ip({version: ['ipv4', 'ipv6'], cidr: 'optional'}),
	forbidden: Joi.string().ip({version: ['ipv4', 'ipv6'], cidr: 'forbidden'}),
};

/**
 * An IP address or CIDR range joi accepts is further held to the one form a person and ipaddr.js
 * read alike (tokens/address.ts): joi takes `010.0.0.1`, which the matcher reads as 8.0.0.1. Given
 * the cidr mode of the ip rule it follows, so a value that rule refused is not reported twice.
 */
export const unambiguousAddress = (cidr: CidrMode) => (value: string, helpers: Joi.CustomHelpers) => {
	// Only what joi's own ip rule accepted: anything else it has already reported.
	const problem = JOI_ADDRESS[cidr].validate(value).error ? undefined : addressProblem(value);
	return problem === undefined ? value : helpers.message({custom: `{{#label}} is read differently by EmailEngine's matcher: ${problem}`});
};
