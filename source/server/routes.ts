import type {IncomingMessage} from 'node:http';
import type {AuthStore, TokenStore, UnreadableRecord} from '../store/index.js';
import {type TokenEntry, TokenError, entryToJson, generateRawToken, isHex64, jsonAccount, LIMITS, tokenIdOf} from '../tokens/index.js';
import type {Credentials, RouteAuth} from './auth.js';
import {type Headers, HttpError, invalidInput, readBody} from './http.js';
import type {Logger} from './logger.js';
import type {ServerMetrics} from './metrics.js';
import {ADMIN_GROUP} from './permissions.js';
import {type QuerySchema, integer, text} from './query.js';
import {parseTokenRequest, restRecord} from './token-payload.js';

/** What handlers share: the stores, the metrics, the logger and a few facts about the server. */
export type RouteDeps = {
	store: TokenStore;
	auth: AuthStore;
	metrics: ServerMetrics;
	logger: Logger;
	version: string;
	license: string;
	now: () => number;
};

export type Call = {
	request: IncomingMessage;
	params: Record<string, string>;
	query: Record<string, unknown>;
	credentials: Credentials | undefined;
	deps: RouteDeps;
};

export type Reply = {status?: number; json?: unknown; text?: string; contentType?: string; headers?: Headers};

export type Route = {
	method: 'GET' | 'POST' | 'DELETE';
	/** hapi-style template: what metrics, the audit log and request logs name the route by. */
	template: string;
	/** `auth: false` for /health; otherwise what the caller's token must satisfy. */
	auth: false | RouteAuth;
	/** Errors other than 401 as EmailEngine's HTML page: the route is not api-tagged (compatibility §6.7). */
	htmlErrors?: boolean;
	/** The account the request names, for account binding (compatibility §6.4); most routes name none. */
	account?: (params: Record<string, string>, query: Map<string, string | string[]>) => string | undefined;
	query?: QuerySchema;
	handler: (call: Call) => Promise<Reply>;
};

const API = ['api'] as const;

const tokenNotFound = () => new HttpError(404, 'Requested access token was not found', {code: 'NotFound'});
const accountNotFound = () => new HttpError(404, 'Account record was not found for requested ID');

/** Path parameters are ids or tokens: 64 hex characters, anything else is a 400 with no echo. */
function hexParam(params: Record<string, string>, name: string): string {
	const value = params[name] ?? '';
	if (!isHex64(value)) {
		throw invalidInput([{message: `"${name}" must be a 64 character hex string`, key: name}]);
	}

	return value;
}

function accountParam(params: Record<string, string>): string {
	const value = params['account'] ?? '';
	if (value.length > LIMITS.account) {
		throw invalidInput([{message: `"account" length must be less than or equal to ${LIMITS.account} characters long`, key: 'account'}]);
	}

	return value;
}

/** GET /v1/tokens/{token}: the listing shape plus EmailEngine's fixed keys, nil where absent. */
function tokenDetails(entry: TokenEntry): Record<string, unknown> {
	const json = entryToJson(entry);
	const fixed = ['id', 'account', 'description', 'metadata', 'ip', 'remoteAddress', 'scopes', 'restrictions', 'permissions', 'created'];
	const result: Record<string, unknown> = {};
	for (const key of fixed) {
		result[key] = json[key] ?? null;
	}

	for (const [key, value] of Object.entries(json)) {
		if (!Object.hasOwn(result, key) && key !== 'access') {
			result[key] = value;
		}
	}

	result['access'] = json['access'] ?? {time: null, ip: null};
	return result;
}

/** How many skipped records one listing names in the log before it only counts them. */
const LOGGED_UNREADABLE = 20;

/**
 * The log lines for records a listing skipped because they cannot be read (compatibility §7: skipped and
 * logged): one per record up to LOGGED_UNREADABLE, then one with the count, so a listing over
 * thousands of broken records does not write thousands of lines per request.
 */
function unreadableLog(logger: Logger): {onUnreadable: (record: UnreadableRecord) => void; finish: () => void} {
	let count = 0;
	return {
		onUnreadable({id, reason}) {
			count++;
			if (count <= LOGGED_UNREADABLE) {
				logger.warn({token: id, reason}, 'Skipped a token record that cannot be read');
			}
		},
		finish() {
			if (count > LOGGED_UNREADABLE) {
				logger.warn({skipped: count}, 'Skipped more token records that cannot be read');
			}
		},
	};
}

const MAX_BODY = 3 * 1024 * 1024;

/**
 * The request body as hapi's parser hands it to validation: JSON (also when no type is given),
 * form fields as an object (so `curl -d description=x -d account=a` works), text and bytes as a
 * non-object that validation then refuses; any other type is 415.
 */
async function readPayload(request: IncomingMessage): Promise<unknown> {
	const type = String(request.headers['content-type'] ?? '')
		.split(';')[0]!
		.trim()
		.toLowerCase();
	const body = await readBody(request, MAX_BODY);
	if (type === 'application/x-www-form-urlencoded') {
		const fields: Record<string, string | string[]> = {};
		for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
			const current = fields[key];
			fields[key] = current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
		}

		return fields;
	}

	if (type.startsWith('text/') || type === 'application/octet-stream') {
		return body.length === 0 ? undefined : body.toString('utf8');
	}

	if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
		throw new HttpError(415, 'Unsupported Media Type');
	}

	if (body.length === 0) {
		return undefined;
	}

	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		throw new HttpError(400, 'Invalid request payload JSON format');
	}
}

/** The admin group is never grantable: any token that carries `permissions` is refused (compatibility §7). */
const admin = (template: string, action: string): RouteAuth => ({scopes: API, permission: {action, group: ADMIN_GROUP}, template});

export const ROUTES: readonly Route[] = [
	{
		method: 'GET',
		template: '/health',
		auth: false,
		async handler({deps}) {
			await deps.auth.ping();
			return {json: {success: true}};
		},
	},
	{
		method: 'GET',
		template: '/metrics',
		auth: {scopes: ['metrics'], permission: {action: 'read', group: 'diagnostics'}, template: '/metrics'},
		htmlErrors: true,
		async handler({deps}) {
			return {text: await deps.metrics.text(), contentType: 'text/plain; charset=utf-8'};
		},
	},
	{
		method: 'GET',
		template: '/v1/stats',
		auth: {scopes: API, permission: {action: 'read', group: 'diagnostics'}, template: '/v1/stats'},
		query: {seconds: integer({min: 0, max: 604_800, default: 3600, emptyIsDefault: true})},
		async handler({deps}) {
			const {accounts, redisVersion} = await deps.auth.stats();
			return {
				json: {
					version: deps.version,
					license: deps.license,
					accounts,
					node: process.versions.node,
					redis: redisVersion,
					arch: process.arch,
				},
			};
		},
	},
	{
		method: 'GET',
		template: '/v1/account/{account}',
		auth: {scopes: API, permission: {action: 'read', group: 'account'}, template: '/v1/account/{account}'},
		account: params => params['account'],
		async handler({deps, params}) {
			const account = accountParam(params);
			const fields = await deps.auth.accountFields(account, ['name', 'email', 'state']);
			if (!fields) {
				throw accountNotFound();
			}

			// A small view: the record's other fields may hold credentials and are not ours to show.
			return {json: {account, name: fields['name'], email: fields['email'], state: fields['state']}};
		},
	},
	{
		method: 'GET',
		template: '/v1/tokens',
		auth: admin('/v1/tokens', 'read'),
		account: (_params, query) => {
			const value = query.get('account');
			return typeof value === 'string' && value !== '' ? value : undefined;
		},
		query: {
			page: integer({min: 0, max: 1_048_576, default: 0}),
			pageSize: integer({min: 1, max: 1000, default: 20}),
			query: text({max: LIMITS.query}),
			account: text({max: LIMITS.account}),
		},
		async handler({deps, query}) {
			const page = query['page'] as number;
			const pageSize = query['pageSize'] as number;
			const account = query['account'] as string | undefined;
			const skipped = unreadableLog(deps.logger);
			const {total, entries} = await deps.store.page({
				account,
				query: query['query'] as string | undefined,
				page,
				pageSize,
				onUnreadable: skipped.onUnreadable,
			});
			skipped.finish();
			return {
				json: {
					account: account ?? null,
					total,
					page,
					pages: Math.ceil(total / pageSize),
					tokens: entries.map(entry => entryToJson(entry)),
				},
			};
		},
	},
	{
		method: 'GET',
		template: '/v1/tokens/account/{account}',
		auth: admin('/v1/tokens/account/{account}', 'read'),
		account: params => params['account'],
		async handler({deps, params}) {
			const skipped = unreadableLog(deps.logger);
			const {entries} = await deps.store.page({account: accountParam(params), page: 0, pageSize: 1000, onUnreadable: skipped.onUnreadable});
			skipped.finish();
			return {json: {tokens: entries.map(entry => entryToJson(entry))}};
		},
	},
	{
		method: 'GET',
		template: '/v1/tokens/{token}',
		auth: admin('/v1/tokens/{token}', 'read'),
		async handler({deps, params}) {
			// Ids only (compatibility §7), used verbatim: an upper-case id finds nothing, as in EmailEngine.
			const id = hexParam(params, 'token');
			// Both reads leave together: one round trip, and a 404 only wastes a tiny HGET.
			// A record that cannot be read is not found here, as in the listing, and logged.
			const skipped = unreadableLog(deps.logger);
			const [record, lastUse] = await Promise.all([deps.store.get(id, skipped.onUnreadable), deps.store.lastUse(id)]);
			if (!record) {
				throw tokenNotFound();
			}

			return {json: tokenDetails({id, record, lastUse})};
		},
	},
	...(['/v1/tokens', '/v1/token'] as const).map((template): Route => ({
		method: 'POST',
		template,
		auth: admin(template, 'write'),
		async handler({deps, request, credentials}) {
			if (credentials?.kind === 'preauth') {
				throw new HttpError(403, 'Can not provision an access token for an unauthenticated request');
			}

			const now = deps.now();
			const input = parseTokenRequest((await readPayload(request)) ?? {}, now);
			if (input.account !== undefined && !(await deps.store.accountExists(input.account))) {
				throw accountNotFound();
			}

			const rawToken = generateRawToken();
			const id = tokenIdOf(rawToken);
			const record = restRecord(input, now, credentials?.clientIp);
			await deps.store.provision(id, record);
			deps.logger.info({token: id, account: jsonAccount(record)}, 'Provisioned an access token');
			return {json: {token: rawToken, id}};
		},
	})),
	...(['/v1/tokens/{token}', '/v1/token/{token}'] as const).map((template): Route => ({
		method: 'DELETE',
		template,
		auth: admin(template, 'destructive'),
		async handler({deps, params}) {
			const value = hexParam(params, 'token');
			try {
				const entry = await deps.store.revoke(value);
				deps.logger.info({token: entry.id, account: jsonAccount(entry.record)}, 'Deleted an access token');
				return {json: {deleted: true}};
			} catch (error) {
				if (error instanceof TokenError && error.code === 'not-found') {
					return {json: {deleted: false}};
				}

				throw error;
			}
		},
	})),
];

type CompiledRoute = {route: Route; pattern: RegExp; names: string[]};

/** `/v1/account/{account}` → a regexp over the raw path; one segment per parameter. */
function compile(route: Route): CompiledRoute {
	const names: string[] = [];
	const source = route.template
		.split('/')
		.map(segment => {
			const parameter = /^\{(\w+)\}$/.exec(segment);
			if (parameter) {
				names.push(parameter[1]!);
				return '([^/]+)';
			}

			return segment.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&');
		})
		.join('/');
	return {route, pattern: new RegExp(`^${source}$`), names};
}

const COMPILED = ROUTES.map(route => compile(route));

type Match = {route: Route; params: Record<string, string>};

/** Routes without parameters by method and exact path: most requests need no regexp at all. */
const LITERAL = new Map<string, Map<string, Match>>();
for (const {route, names} of COMPILED) {
	if (names.length === 0) {
		const byPath = LITERAL.get(route.method) ?? new Map<string, Match>();
		byPath.set(route.template, Object.freeze({route, params: Object.freeze({})}));
		LITERAL.set(route.method, byPath);
	}
}

/**
 * The route for a method and raw path, with decoded parameters. Literal routes win over
 * parameterised ones (hapi's rule), so `/v1/tokens/account/x` is the deprecated listing.
 * An undecodable parameter is a 400; no route is undefined (the caller answers 404).
 */
export function matchRoute(method: string, path: string): Match | undefined {
	const literal = LITERAL.get(method)?.get(path);
	if (literal) {
		return literal;
	}

	const candidates = COMPILED.filter(({route, pattern}) => route.method === method && pattern.test(path));
	candidates.sort((a, b) => a.names.length - b.names.length);
	const found = candidates[0];
	if (!found) {
		return undefined;
	}

	const values = found.pattern.exec(path)!.slice(1);
	const params: Record<string, string> = {};
	for (const [index, name] of found.names.entries()) {
		try {
			params[name] = decodeURIComponent(values[index]!);
		} catch {
			throw new HttpError(400, 'Invalid request path');
		}
	}

	return {route: found.route, params};
}
