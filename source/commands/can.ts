import {AuthStore} from '../store/index.js';
import {type TokenEntry, TokenError, isIpAddress, quoteTyped} from '../tokens/index.js';
import {permissionSentence, sanitizeText} from '../format/index.js';
import {type Refusal, rateLimitVerdict, recordRateLimit, recordRefusal, recordState} from '../server/checks.js';
import {badToken} from '../server/checks.js';
import {HttpError, parseQuery, splitTarget} from '../server/http.js';
import {rateWindow} from '../server/restrictions.js';
import {ROUTES, type Route, matchRoute} from '../server/routes.js';
import {validated} from '../server/schemas.js';
import {EXIT} from './exit-codes.js';
import {defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';
import {readTokenArgument} from './token-input.js';

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

/** The routes `serve` knows, one per line, for the help text and the unknown-route error. */
const ROUTE_LIST = ROUTES.map(
	route =>
		`	  ${route.method.padEnd(6)} ${route.template.padEnd(30)} ${route.auth ? `${route.auth.scopes.join(',')}, ${route.auth.permission.action} on ${route.auth.permission.group}` : 'no token needed'}`,
).join('\n');

export const canCommand = defineCommand({
	name: 'can',
	usage: `
	Usage
	  $ ee-tokens can -t ID_OR_TOKEN METHOD PATH [--account A] [--ip ADDR] [--referrer R] [--json]
	  $ ee-tokens can -t - GET /v1/stats < token.txt

	Answers whether a token may make a request of ee-tokens serve (and of EmailEngine), and if
	not, which check refuses it: token (its record cannot be read), expiry, scope, permission,
	account, address, referrer or rateLimit, in EmailEngine's order. The checks are the ones
	serve runs, the same code. Exit 0 when allowed, ${EXIT.denied} when refused.

	Options
	  -t, --token    The token's id (or its first 8+ characters) or raw token; - reads it
	                 from stdin (typed unseen on a terminal). With an id, the answer is the
	                 one its raw token would get
	  --account      The account the request names, for a route that takes it as a query
	                 argument (GET /v1/tokens); a path's {account} is read from PATH
	  --ip           The client address the request comes from; needed to judge a token
	                 with an IP allowlist
	  --referrer     The request's Referer header (none: tested as the text "undefined",
	                 as EmailEngine does)
	  --json         {"allowed","check","status","body",…}: body is serve's answer
	  --dbs.redis    Redis URL

	Read only: nothing is written. Last use is not recorded, no audit entry is made, and the
	rate limit is judged from the window's current counter without counting a request (the
	answer says whether one more request fits). The request's input is not validated: a
	request allowed here can still get serve's 400 for a bad parameter.

	Routes (METHOD PATH; PATH may end in ?query)
${ROUTE_LIST}

	Examples
	  $ ee-tokens can -t ea3873f9 GET /v1/stats
	  $ ee-tokens can -t ea3873f9 GET /v1/account/example --ip 10.0.0.7 --json
	  $ ee-tokens can -t ea3873f9 GET /v1/tokens --account example
`,
	flags: {
		token: {type: 'string', shortFlag: 't'},
		account: {type: 'string'},
		ip: {type: 'string'},
		referrer: {type: 'string'},
		...jsonFlag,
	},
	takesArguments: true,
	async run(cli, context) {
		const {flags} = cli;
		const [methodArgument, target, ...extra] = cli.input.map(String);
		if (methodArgument === undefined || target === undefined) {
			throw usage('Give the request: ee-tokens can -t TOKEN METHOD PATH (e.g. GET /v1/stats)');
		}

		if (extra.length > 0) {
			throw usage(`Unexpected argument ${quoteTyped(extra[0]!)}: give one METHOD and one PATH`);
		}

		if (flags.ip !== undefined && !isIpAddress(flags.ip.trim())) {
			throw usage(`--ip ${quoteTyped(flags.ip)} is not an IP address`);
		}

		const request = parseRequest(methodArgument, target, flags.account);
		const token = await readTokenArgument(flags.token, context);
		const now = context.now();
		const answer = await context.withStore(async ({store}) => {
			const entry = await store.resolve(await store.completeId(token), {allowUnreadable: true});
			return judge(entry, request, {clientIp: flags.ip?.trim(), referer: flags.referrer, now}, async (window, bucket) =>
				new AuthStore(store.redis, store.prefix).peekRateLimit(window, bucket, entry.id),
			);
		});
		context.stdout.write(flags.json ? `${safeJson(answer)}\n` : describe(answer));
		return answer.allowed ? EXIT.ok : EXIT.denied;
	},
});

type CanRequest = {method: string; path: string; route: Route; account: string | undefined};

/** METHOD and PATH as serve matches them (HEAD as GET, one trailing slash dropped), and the account named. */
function parseRequest(methodArgument: string, target: string, accountFlag: string | undefined): CanRequest {
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

type Circumstances = {clientIp: string | undefined; referer: string | undefined; now: number};

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
			noAddress ? {note: 'No --ip given: the address check needs the client address'} : {},
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
function describe(answer: CanAnswer): string {
	const request = `${answer.method} ${answer.path}`;
	const message = answer.body?.['message'];
	const lines = [
		answer.allowed
			? `allowed: ${request}`
			: `refused by the ${CHECK_NAMES[answer.check!]} check: ${request} gets ${answer.status} ${typeof message === 'string' ? message : ''}`,
	];
	if (answer.requires) {
		lines.push(
			`  route        ${answer.route} needs scope ${answer.requires.scopes.join(' or ')} and ${answer.requires.action} on ${answer.requires.group}`,
		);
	}

	lines.push(`  token        ${answer.id}`, `  may do       ${answer.permissions}`);
	if (answer.reason !== undefined) {
		lines.push(`  reason       ${answer.reason}`);
	}

	if (answer.rateLimit) {
		const {limit, used, resetSeconds} = answer.rateLimit;
		lines.push(
			`  rate limit   ${used} of ${limit} requests used in this window, which ends in ${resetSeconds} s (read without counting one)`,
		);
	}

	if (answer.note !== undefined) {
		lines.push(`  note         ${answer.note}`);
	}

	return lines.map(line => `${sanitizeText(line)}\n`).join('');
}
