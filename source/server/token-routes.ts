import {ADMIN_GROUP, TokenError, type TokenEntry, entryToJson, jsonAccount, tokenDetailsJson} from '../tokens/index.js';
import {HttpError, accountNotFound, readPayload} from './http.js';
import type {Logger} from './logger.js';
import type {RouteAuth} from './auth.js';
import type {Route, RouteDeps} from './routes.js';
import {accountIdSchema, tokenIdParamSchema, tokenListQuerySchema, tokenLogQuerySchema, tokenReferenceSchema} from './schemas.js';
import {parseTokenRequest, restToken} from './token-request.js';
import Joi from 'joi';

/**
 * The token routes of EmailEngine's REST API (compatibility §7): list, show, audit log, create,
 * delete. Every one needs the admin group, which no token can be granted.
 */

const tokenNotFound = () => new HttpError(404, 'Requested access token was not found', {code: 'NotFound'});

/** The admin group is never grantable: any token that carries `permissions` is refused (compatibility §7). */
const admin = (template: string, action: string): RouteAuth => ({scopes: ['api'], permission: {action, group: ADMIN_GROUP}, template});

const idParams = Joi.object({token: tokenIdParamSchema});

/** How many skipped records one listing names in the log before it only counts them. */
const LOGGED_UNREADABLE = 20;

/**
 * What a listing reports as it reads: records skipped because they cannot be read (compatibility
 * §7: skipped and logged), one line each up to LOGGED_UNREADABLE and then a count, so thousands of
 * broken records do not write thousands of lines per request; and expired records, reaped as
 * EmailEngine's listing reaps them (compatibility §1.8), without waiting for it.
 */
function listingReports(deps: RouteDeps) {
	let count = 0;
	return {
		onUnreadable: ({id, reason}: {id: string; reason: string}) => {
			count++;
			if (count <= LOGGED_UNREADABLE) {
				deps.logger.warn({token: id, reason}, 'Skipped a token record that cannot be read');
			}
		},
		onExpired: (id: string, record: TokenEntry['record']) => {
			deps.store.reap(id, record).catch((error: unknown) => logReapFailure(deps.logger, id, error));
		},
		finish: () => {
			if (count > LOGGED_UNREADABLE) {
				deps.logger.warn({skipped: count}, 'Skipped more token records that cannot be read');
			}
		},
	};
}

function logReapFailure(logger: Logger, id: string, error: unknown): void {
	logger.warn({token: id, err: error instanceof Error ? error.message : String(error)}, 'Reaping an expired token failed');
}

export const TOKEN_ROUTES: readonly Route[] = [
	{
		method: 'GET',
		template: '/v1/tokens',
		auth: admin('/v1/tokens', 'read'),
		account(_params, query) {
			const value = query['account'];
			return typeof value === 'string' ? value : undefined;
		},
		query: tokenListQuerySchema,
		async handler({deps, query}) {
			const {page, pageSize, account} = query as {page: number; pageSize: number; account?: string};
			const reports = listingReports(deps);
			const {total, entries} = await deps.store.page({
				account,
				query: query['query'] as string | undefined,
				page,
				pageSize,
				onUnreadable: reports.onUnreadable,
				onExpired: reports.onExpired,
			});
			reports.finish();
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
		account: params => params['account'] as string,
		params: Joi.object({account: accountIdSchema.required()}),
		async handler({deps, params}) {
			const reports = listingReports(deps);
			const {entries} = await deps.store.page({
				account: params['account'],
				page: 0,
				pageSize: 1000,
				onUnreadable: reports.onUnreadable,
				onExpired: reports.onExpired,
			});
			reports.finish();
			return {json: {tokens: entries.map(entry => entryToJson(entry))}};
		},
	},
	{
		method: 'GET',
		template: '/v1/tokens/{token}',
		auth: admin('/v1/tokens/{token}', 'read'),
		params: idParams,
		async handler({deps, params}) {
			// Ids only (compatibility §7), used verbatim: an upper-case id finds nothing, as in EmailEngine.
			const id = params['token']!;
			// Both reads leave together: one round trip, and a 404 only wastes a tiny HGET.
			// A record that cannot be read is not found here, as in the listing, and logged.
			const reports = listingReports(deps);
			const [record, lastUse] = await Promise.all([deps.store.get(id, reports.onUnreadable), deps.store.lastUse(id)]);
			if (!record) {
				throw tokenNotFound();
			}

			return {json: tokenDetailsJson({id, record, lastUse})};
		},
	},
	{
		method: 'GET',
		template: '/v1/tokens/{token}/log',
		auth: admin('/v1/tokens/{token}/log', 'read'),
		params: idParams,
		query: deps => tokenLogQuerySchema(deps.auditEntries),
		async handler({deps, params, query}) {
			const id = params['token']!;
			const {page, pageSize} = query as {page: number; pageSize: number};
			// The token must exist (expired ones too). Only its existence: a record that cannot be read
			// still has the log of the requests that presented it.
			const [exists, log] = await Promise.all([deps.store.has(id), deps.store.auditLog(id, page, pageSize)]);
			if (!exists) {
				throw tokenNotFound();
			}

			return {json: {token: id, total: log.total, page, pages: Math.ceil(log.total / pageSize), entries: log.entries}};
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

			const input = parseTokenRequest((await readPayload(request)) ?? {});
			if (input.account !== undefined && !(await deps.store.accountExists(input.account))) {
				throw accountNotFound();
			}

			const {rawToken, id, record} = await deps.store.issue(restToken(input, credentials?.clientIp));
			deps.logger.info({token: id, account: jsonAccount(record)}, 'Provisioned an access token');
			return {json: {token: rawToken, id}};
		},
	})),
	...(['/v1/tokens/{token}', '/v1/token/{token}'] as const).map((template): Route => ({
		method: 'DELETE',
		template,
		auth: admin(template, 'destructive'),
		params: Joi.object({token: tokenReferenceSchema}),
		async handler({deps, params}) {
			try {
				const entry = await deps.store.revoke(params['token']!);
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
