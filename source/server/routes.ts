import type {IncomingMessage} from 'node:http';
import Joi from 'joi';
import type {AuthStore, TokenStore} from '../store/index.js';
import type {Credentials, RouteAuth} from './auth.js';
import {type Headers, HttpError, accountNotFound, unavailable} from './http.js';
import type {Logger} from './logger.js';
import type {ServerMetrics} from './metrics.js';
import {accountIdSchema, statsQuerySchema} from './schemas.js';
import {TOKEN_ROUTES} from './token-routes.js';

/** What handlers share: the stores, the metrics, the logger and a few facts about the server. */
export type RouteDeps = {
	store: TokenStore;
	auth: AuthStore;
	metrics: ServerMetrics;
	logger: Logger;
	version: string;
	license: string;
	/** EENGINE_TOKEN_LOG_ENTRIES: how many entries an audit log keeps (compatibility §1.7). */
	auditEntries: number;
};

export type Call = {
	request: IncomingMessage;
	/** Path parameters, validated when the route has a schema for them. */
	params: Record<string, string>;
	/** Query arguments, validated by the route's schema; empty for a route without one. */
	query: Record<string, unknown>;
	credentials: Credentials | undefined;
	deps: RouteDeps;
};

export type Reply = {status?: number; json?: unknown; text?: string; contentType?: string; headers?: Headers; noCache?: boolean};

export type Route = {
	method: 'GET' | 'POST' | 'DELETE';
	/** hapi-style template: what metrics, the audit log and request logs name the route by. */
	template: string;
	/** `auth: false` for /health; otherwise what the caller's token must satisfy. */
	auth: false | RouteAuth;
	/** Errors other than 401 as EmailEngine's HTML page: the route is not api-tagged (compatibility §6.7). */
	htmlErrors?: boolean;
	/**
	 * The account the request names, for account binding (compatibility §6.4), read from the
	 * validated parameters and query: the account the handler acts on. Most routes name none.
	 */
	account?: (params: Record<string, unknown>, query: Record<string, unknown>) => string | undefined;
	/** joi schema of the path parameters, checked after authentication as hapi does. */
	params?: Joi.ObjectSchema;
	/** joi schema of the query; a route without one ignores its query (hapi's rule). */
	query?: Joi.ObjectSchema | ((deps: RouteDeps) => Joi.ObjectSchema);
	handler: (call: Call) => Promise<Reply>;
};

const API = ['api'] as const;

export const ROUTES: readonly Route[] = [
	{
		method: 'GET',
		template: '/health',
		auth: false,
		async handler({deps}) {
			// A reply other than PONG is no healthy Redis either.
			if (!(await deps.auth.ping())) {
				throw unavailable();
			}

			return {json: {success: true}};
		},
	},
	{
		method: 'GET',
		template: '/metrics',
		auth: {scopes: ['metrics'], permission: {action: 'read', group: 'diagnostics'}, template: '/metrics'},
		htmlErrors: true,
		async handler({deps}) {
			return {text: await deps.metrics.text(), contentType: 'text/plain; charset=utf-8', noCache: true};
		},
	},
	{
		method: 'GET',
		template: '/v1/stats',
		auth: {scopes: API, permission: {action: 'read', group: 'diagnostics'}, template: '/v1/stats'},
		query: statsQuerySchema,
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
		account: params => params['account'] as string,
		params: Joi.object({account: accountIdSchema.required()}),
		async handler({deps, params}) {
			const account = params['account']!;
			const fields = await deps.auth.accountFields(account, ['name', 'email', 'state']);
			if (!fields) {
				throw accountNotFound();
			}

			// A small view: the record's other fields may hold credentials and are not ours to show.
			return {json: {account, name: fields['name'], email: fields['email'], state: fields['state']}};
		},
	},
	...TOKEN_ROUTES,
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
/** Routes with parameters by method, fewest parameters first: the first that matches wins. */
const PARAMETERISED = new Map<string, CompiledRoute[]>();
for (const compiled of COMPILED) {
	const {route, names} = compiled;
	if (names.length === 0) {
		const byPath = LITERAL.get(route.method) ?? new Map<string, Match>();
		byPath.set(route.template, Object.freeze({route, params: Object.freeze({})}));
		LITERAL.set(route.method, byPath);
	} else {
		PARAMETERISED.set(route.method, [...(PARAMETERISED.get(route.method) ?? []), compiled]);
	}
}

for (const candidates of PARAMETERISED.values()) {
	candidates.sort((a, b) => a.names.length - b.names.length);
}

/**
 * The route for a method and raw path, with decoded parameters; one trailing slash is dropped. Literal routes win over
 * parameterised ones (hapi's rule), so `/v1/tokens/account/x` is the deprecated listing.
 * An undecodable parameter is a 400; no route is undefined (the caller answers 404).
 */
export function matchRoute(method: string, rawPath: string): Match | undefined {
	// hapi's stripTrailingSlash, as EmailEngine sets it: `/v1/stats/` is `/v1/stats` (compatibility §6.7).
	const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
	const literal = LITERAL.get(method)?.get(path);
	if (literal) {
		return literal;
	}

	let found: CompiledRoute | undefined;
	let values: string[] | undefined;
	for (const candidate of PARAMETERISED.get(method) ?? []) {
		values = candidate.pattern.exec(path)?.slice(1);
		if (values) {
			found = candidate;
			break;
		}
	}

	if (!found || !values) {
		return undefined;
	}

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
