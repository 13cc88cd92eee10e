// Just over 300 lines for a reason: one job, a request's way from socket to answer (limits and timeouts,
// authentication, dispatch, draining on close); the routes, the outage log and auth live apart.
import {type IncomingMessage, type Server, ServerResponse, createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {AuthStore, type RedisTarget, type TokenStore, keyContentProblem} from '../store/index.js';
import {type AuthOutcome, Authenticator, type Credentials} from './auth.js';
import {
	type Headers,
	HttpError,
	type Params,
	loggablePath,
	parseQuery,
	redactHex,
	respondWith,
	sendError,
	sendJson,
	splitTarget,
	unavailable,
} from './http.js';
import {type Logger, logError, requestLineWriter} from './logger.js';
import {CONNECTION, INVENTORY, LAST_USE, OutageLog, REQUESTS, redisUnavailable} from './outage-log.js';
import {ServerMetrics} from './metrics.js';
import {InventoryCache, inventoryReader} from './token-inventory.js';
import {auditLimitsFrom} from './server-env.js';
import {ROUTES, type Route, type RouteDeps, matchRoute} from './routes.js';
import {validated} from './schemas.js';

export type ApiServerOptions = {
	store: TokenStore;
	logger: Logger;
	version: string;
	license?: string;
	env?: Record<string, string | undefined>;
	/**
	 * The Redis the store talks to, for the log lines that say what went wrong with it, and for the
	 * child process that reads a large token inventory for /metrics (without it, read here).
	 */
	target?: RedisTarget;
	/** How long /metrics answers with the token inventory it read before reading it again (default 10 s). */
	inventoryCacheMs?: number;
	/** How long a scrape waits for the inventory before answering without it (default 8 s). */
	inventoryWaitMs?: number;
	/** How long a client may take to send its headers; `serve` keeps the default, tests set less. */
	headersTimeoutMs?: number;
};

const HEADERS_TIMEOUT_MS = 10_000;
/** A few seconds: scrapes by two Prometheus servers (HA) share a read; 100,000 tokens take ~1-3 s. */
export const INVENTORY_CACHE_MS = 10_000;
/** Under Prometheus's default scrape_timeout (10 s). */
const INVENTORY_WAIT_MS = 8000;

export type ApiServer = {
	server: Server<typeof IncomingMessage, typeof Exchange>;
	metrics: ServerMetrics;
	listen: (port: number, host: string) => Promise<AddressInfo>;
	/** Stop accepting, let in-flight requests finish (at most `graceMs`), then resolve. */
	close: (graceMs?: number) => Promise<void>;
};

/**
 * The response with what its request log line needs: when it started, the route, the token and
 * the last-use write. Fields on the response instead of a per-request state object and closure.
 */
export class Exchange extends ServerResponse<IncomingMessage> {
	readonly started = performance.now();
	route: Route | undefined = undefined;
	tokenId: string | undefined = undefined;
	lastUse: Promise<unknown> | undefined = undefined;
	/** The authenticated token's rate-limit headers: every answer after authentication carries them. */
	tokenHeaders: Headers | undefined = undefined;
	/** The client address authentication read; the socket peer when it read none. */
	clientIp: string | undefined = undefined;
	/** Why authentication refused the request, for the log line (at warn level then). */
	refusal: AuthOutcome | undefined = undefined;
}

/** Handlers of routes without a query schema all see the same (frozen) empty values. */
const EMPTY_VALUES: Record<string, unknown> = Object.freeze({});

const isEmpty = (query: object) => {
	for (const _ in query) {
		return false;
	}

	return true;
};

/** hapi's body for anything no route matches, before any authentication. */
const notFound = () => new HttpError(404, 'Not Found');

const envList = (value: string | undefined) =>
	(value ?? '')
		.split(/[\s,]+/)
		.map(item => item.trim())
		.filter(Boolean);

export function createApiServer(options: ApiServerOptions): ApiServer {
	const env = options.env ?? process.env;
	const {store, logger} = options;
	// One clock, the store's: expiry in authentication is the same "now" as in listing and reaping.
	const now = () => store.now();
	const outages = new OutageLog(logger, options.target);
	const metrics = new ServerMetrics(
		new InventoryCache({
			read: inventoryReader(store, options.target),
			now,
			cacheMs: options.inventoryCacheMs ?? INVENTORY_CACHE_MS,
			waitMs: options.inventoryWaitMs ?? INVENTORY_WAIT_MS,
			onRead(error) {
				if (error === undefined) {
					outages.recovered(INVENTORY);
				} else {
					outages.failed(INVENTORY, error);
				}
			},
		}),
	);
	// The persistent connection retries on its own; what it meets (refused, a database that is gone)
	// is logged once per outage, and its return.
	store.redis.on('error', error => outages.failed(CONNECTION, error));
	store.redis.on('ready', () => outages.recovered(CONNECTION));
	// Every request costs a few Redis commands; the AuthStore sends the commands of all requests
	// handled in one event-loop turn in one socket write and lets identical ones share a command
	// (see AuthStore's Turn), which is the largest single throughput gain the server has.
	const auth = new AuthStore(store.redis, store.prefix);
	const auditLimits = auditLimitsFrom(env);
	const authenticator = new Authenticator(auth, store, {
		now,
		proxyAddresses: envList(env['EENGINE_API_PROXY_ADDRESSES']),
		audit: auditLimits,
		onOutcome: outcome => metrics.countOutcome(outcome),
		onBackgroundError: (what, error) => outages.failed(what, error),
		onLastUse(error) {
			if (error === undefined) {
				outages.recovered(LAST_USE);
			} else {
				outages.failed(LAST_USE, error);
			}
		},
		onBadRecord: (id, reason) => logger.warn({token: id, reason}, 'Refused a token because of its stored record'),
	});
	const deps: RouteDeps = {
		store,
		auth,
		metrics,
		logger,
		version: options.version,
		license: options.license ?? 'MIT',
		auditEntries: auditLimits.entries,
	};
	// Query schemas that depend on the environment are made once, not per request.
	// Most requests carry no query: joi's answer for an empty one (the defaults) is computed once per
	// route and shared, frozen, so the hot path does not run a validation per request.
	const querySchemas = new Map(
		ROUTES.flatMap(route => {
			const schema = typeof route.query === 'function' ? route.query(deps) : route.query;
			return schema ? [[route, {schema, empty: Object.freeze(validated<Record<string, unknown>>(schema, {}))}] as const] : [];
		}),
	);
	/**
	 * As in hapi: the path parameters, then the query. A route without a query schema ignores its
	 * query; one with a schema refuses names it does not know. The first problem as the 400 to answer.
	 */
	function checkedInput(
		route: Route,
		params: Record<string, string>,
		query: Params,
	): {params: Record<string, unknown>; query: Record<string, unknown>} | HttpError {
		try {
			const querySchema = querySchemas.get(route);
			return {
				params: route.params ? validated<Record<string, unknown>>(route.params, params) : params,
				query: !querySchema
					? EMPTY_VALUES
					: isEmpty(query)
						? querySchema.empty
						: validated<Record<string, unknown>>(querySchema.schema, query),
			};
		} catch (error) {
			if (error instanceof HttpError) {
				return error;
			}

			throw error;
		}
	}

	const requestLine = requestLineWriter(logger);
	let closing = false;

	async function respond(request: IncomingMessage, response: Exchange): Promise<void> {
		const head = request.method === 'HEAD';
		const method = head ? 'GET' : (request.method ?? '');
		const {path, search} = splitTarget(request.url ?? '/');
		try {
			const matched = matchRoute(method, path);
			if (!matched) {
				throw notFound();
			}

			const {route, params} = matched;
			response.route = route;
			const query = parseQuery(search);
			// The token argument is the strategy's when there is no Authorization header: it leaves
			// the query then. Beside a header it stays, and a route with a query schema refuses it
			// with EmailEngine's 400 (compatibility §6.1).
			const queryToken = request.headers.authorization ? undefined : query['access_token'];
			if (queryToken !== undefined) {
				delete query['access_token'];
			}

			// Validated before authentication, answered after it (hapi's order: a 400 only reaches a
			// caller who authenticated). The account binding is checked against the validated
			// account, the one the handler reads (trimmed, '' as absent), never the raw value: a
			// token bound to "acme " must not reach "acme" (compatibility §6.4).
			const input = checkedInput(route, params, query);
			let credentials: Credentials | undefined;
			if (route.auth) {
				// Input that fails validation never reaches a handler: the raw values serve then.
				const named = input instanceof HttpError ? {params, query} : input;
				credentials = await authenticator.authenticate({
					request,
					queryToken,
					route: route.auth,
					account: route.account?.(named.params, named.query),
				});
				response.clientIp = credentials.clientIp;
				if (credentials.kind === 'token') {
					response.tokenId = credentials.id;
					response.lastUse = credentials.lastUse;
					response.tokenHeaders = credentials.headers;
				} else {
					response.tokenId = 'preauth';
				}
			}

			if (input instanceof HttpError) {
				throw input;
			}

			auth.coalesce();
			const reply = await route.handler({request, params: input.params as Record<string, string>, query: input.query, credentials, deps});
			const token = credentials?.kind === 'token' ? credentials : undefined;
			if (token) {
				await token.lastUse;
			}

			if (closing) {
				response.setHeader('connection', 'close');
			}

			outages.recovered(REQUESTS);
			const status = reply.status ?? 200;
			if (reply.text === undefined) {
				sendJson(response, status, reply.json, token?.headers, head, reply.headers);
			} else {
				respondWith(
					response,
					status,
					reply.contentType ?? 'text/plain; charset=utf-8',
					reply.noCache === true,
					reply.text,
					head,
					token?.headers,
					reply.headers,
				);
			}
		} catch (error) {
			// Whatever went wrong after authentication, last use is on record before the answer (the
			// promise never rejects: authentication reports a failed write instead).
			await response.lastUse;
			let failure: HttpError;
			const brokenKey = error instanceof HttpError ? undefined : keyContentProblem(error);
			if (error instanceof HttpError) {
				failure = error;
				response.tokenId ??= error.tokenId;
				response.clientIp ??= error.clientIp;
				response.refusal = error.outcome;
			} else if (brokenKey !== undefined) {
				const problem = redactHex(brokenKey);
				outages.brokenKey(problem);
				failure = new HttpError(500, `Redis refused a command because of what a key holds: ${problem}`);
			} else if (redisUnavailable(error, store)) {
				outages.failed(REQUESTS, error);
				failure = unavailable();
			} else {
				logger.error({err: logError(error)}, 'Request failed');
				failure = new HttpError(500, 'An internal server error occurred');
			}

			if (response.headersSent) {
				response.destroy();
				return;
			}

			if (closing) {
				response.setHeader('connection', 'close');
			}

			// 401s are always the three-field JSON; other errors on /metrics are an HTML page.
			// After authentication the token's X-RateLimit-* headers go with errors too (compatibility §6.6).
			sendError(response, failure, Boolean(response.route?.htmlErrors) && failure.statusCode !== 401, head, response.tokenHeaders);
		}
	}

	/** One line and one count per answered request; `this` is the response (a shared listener). */
	function finished(this: Exchange): void {
		const request = this.req;
		const template = this.route?.template;
		if (template) {
			metrics.countCall(request.method ?? '', this.statusCode, template);
		}

		// Never the query string (it may carry access_token) and never a 64-hex run of the path,
		// however its characters were escaped.
		const {path} = splitTarget(request.url ?? '/');
		requestLine({
			method: request.method ?? '',
			path: loggablePath(path).slice(0, 512),
			route: template ?? null,
			status: this.statusCode,
			token: this.tokenId ?? null,
			remoteAddress: this.clientIp ?? request.socket.remoteAddress ?? null,
			reason: this.refusal ?? null,
			responseTime: performance.now() - this.started,
		});
	}

	// Slow clients (slowloris) are cut off: headers must arrive within 10 s and a whole request within
	// 30 s, checked every 2 s. Node's defaults (60 s and 300 s, checked every 30 s) let a few hundred
	// half-open sockets sit for minutes. A shorter headers limit is checked as often as it needs.
	const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
	const server = createServer<typeof IncomingMessage, typeof Exchange>(
		{
			headersTimeout,
			requestTimeout: Math.max(30_000, headersTimeout),
			connectionsCheckingInterval: Math.min(2000, Math.max(10, Math.round(headersTimeout / 5))),
			ServerResponse: Exchange,
		},
		(request, response) => {
			// respond() says `connection: close` when closing, whenever closing began.
			response.on('finish', finished);
			respond(request, response).catch(() => response.destroy());
		},
	);

	// Garbage on the wire (bad request lines, oversized headers) gets Node's plain 400, no crash.
	server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
		if (socket.writable) {
			const status =
				error.code === 'HPE_HEADER_OVERFLOW'
					? '431 Request Header Fields Too Large'
					: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
						? '408 Request Timeout'
						: '400 Bad Request';
			socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
		} else {
			socket.destroy();
		}
	});

	return {
		server,
		metrics,
		async listen(port, host) {
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					resolve();
				});
			});
			return server.address() as AddressInfo;
		},
		async close(graceMs = 10_000) {
			closing = true;
			const closed = new Promise<void>(resolve => {
				server.close(() => resolve());
			});
			// Keep-alive connections that are idle now go at once; busy ones finish their request.
			server.closeIdleConnections();
			const timer = setTimeout(() => server.closeAllConnections(), graceMs);
			await closed;
			clearTimeout(timer);
			metrics.threadStops.inc();
		},
	};
}
