import type {IncomingMessage} from 'node:http';
import type {AuditEntry, AuthSettings, AuthStore, TokenStore, TurnMemo} from '../store/index.js';
import {type TokenRecord, decodeRecord, jsonAccount, isHex64, tokenIdOf, unreadableReason} from '../tokens/index.js';
import type {Headers, HttpError} from './http.js';
import {
	type AuthOutcome,
	type Refusal,
	type RouteAuth,
	badToken,
	missingAuthentication,
	rateLimitVerdict,
	recordRateLimit,
	recordRefusal,
	recordState,
} from './checks.js';
import {clientAddress, firstHeader, presentedToken} from './credential.js';
import {rateWindow} from './restrictions.js';

/**
 * The `api-token` strategy of EmailEngine's API worker (compatibility §6), check for check and in its order:
 * token → expiry → (last use written) → scope → permissions → account → addresses → referrers →
 * rate limit. The raw token is hashed and dropped: it is kept no longer than the event-loop turn
 * that received it (the id memo below), and never written anywhere.
 *
 * Longer than 300 lines on purpose: it is one job, the checks in EmailEngine's order, and that
 * order reads top to bottom only while they stay in one place. Reading what the request presents
 * (token, address, scopes) is credential.ts; the checks of a field are restrictions.ts and
 * permissions.ts.
 */

export type {AuthOutcome, RouteAuth} from './checks.js';

export type Credentials =
	| {kind: 'preauth'; clientIp: string}
	| {
			kind: 'token';
			id: string;
			record: TokenRecord;
			clientIp: string;
			headers: Headers;
			/** The last-use write, already on the wire; the server awaits it before answering. Never rejects. */
			lastUse: Promise<unknown>;
	  };

export type AuthRequest = {
	request: IncomingMessage;
	/** The `access_token` query argument (already taken out of the query), if any. */
	queryToken: string | string[] | undefined;
	route: RouteAuth;
	/** The account this request names (path, or `account` query on the listing), if any. */
	account: string | undefined;
};

export type AuthenticatorOptions = {
	now?: () => number;
	/** EENGINE_API_PROXY_ADDRESSES: proxies whose X-Forwarded-For is trusted (with enableApiProxy). */
	proxyAddresses?: readonly string[];
	audit?: {entries: number; maxAgeSeconds: number};
	onOutcome?: (outcome: AuthOutcome) => void;
	/** Background writes (reaping, audit entries) that failed; they never fail the request. */
	onBackgroundError?: (what: string, error: unknown) => void;
	/** How each last-use write ended: undefined when written, else the error (it never fails the request). */
	onLastUse?: (error: unknown) => void;
	/**
	 * A presented token refused as a bad token because of its stored record (it cannot be read, or
	 * its expiry is no time), for the log: the 401 itself says nothing more (compatibility §6.7).
	 */
	onBadRecord?: (id: string, reason: string) => void;
};

type RequestContext = {request: IncomingMessage; route: RouteAuth; account: string | undefined; clientIp: string; now: number};

/** Most tokens have no rate limit: their answers carry no extra headers. */
const NO_HEADERS: Headers = Object.freeze({});

/**
 * The audit entry's `account` (compatibility §1.7): the account the request names or, when it names
 * none, the token's own (an integer one as EmailEngine's CLI stores it), cut to 256 characters;
 * nil only when both are absent.
 */
function auditAccount(named: string | undefined, record: TokenRecord): string | number | null {
	const own = named ?? jsonAccount(record);
	return typeof own === 'string' ? own.slice(0, 256) : typeof own === 'number' ? own : null;
}

export class Authenticator {
	private readonly now: () => number;
	/**
	 * Work the requests of one event-loop turn share (emptied when the turn ends, never kept
	 * longer): the id of each raw token presented, and the record decoded from each read's bytes
	 * (null: undecodable). Requests that present the same token in one turn share one read (see
	 * AuthStore.lookup), so they hash once and decode once; the record is only ever read.
	 */
	private readonly ids: TurnMemo<string, string>;
	private readonly records: TurnMemo<Buffer, TokenRecord | null>;

	constructor(
		private readonly store: AuthStore,
		private readonly tokens: TokenStore,
		private readonly options: AuthenticatorOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.ids = store.turnMemo();
		this.records = store.turnMemo();
	}

	/** The client address: the socket peer, or X-Forwarded-For when the enableApiProxy setting says so. */
	clientIp(request: IncomingMessage, settings: AuthSettings): string {
		return clientAddress(request, settings.enableApiProxy, this.options.proxyAddresses ?? []);
	}

	/** Authenticates one request or throws the HttpError EmailEngine would answer with. */
	async authenticate({request, queryToken, route, account}: AuthRequest): Promise<Credentials> {
		const token = presentedToken(request.headers.authorization, queryToken);
		if (token === undefined || token === 'preauth') {
			// Only now are settings worth a round trip: disableTokens turns "no token" into a caller.
			const settings = await this.store.settings();
			if (settings.disableTokens) {
				this.outcome('preauth');
				return {kind: 'preauth', clientIp: this.clientIp(request, settings)};
			}

			if (token === undefined) {
				throw this.refused('missing', missingAuthentication(), {clientIp: this.clientIp(request, settings)});
			}
		}

		let id = this.ids.get(token);
		if (id === undefined) {
			if (!isHex64(token)) {
				// Refused without asking Redis (a stalled one must not hold the 401): the log's client
				// address comes from the settings as last read, the socket's before any read.
				const settings = this.store.knownSettings();
				throw this.refused('bad_token', badToken(), {clientIp: settings ? this.clientIp(request, settings) : undefined});
			}

			id = tokenIdOf(token);
			this.ids.set(token, id);
		}

		const {bytes, settings} = await this.store.lookup(id);
		const record = bytes ? this.decoded(bytes) : undefined;
		const now = this.now();
		if (!record) {
			if (bytes) {
				this.options.onBadRecord?.(id, `its record cannot be read (${unreadableReason(bytes) ?? 'unreadable'})`);
			}

			// The id of an unknown token is not logged: it names nothing stored.
			throw this.refused('bad_token', badToken(), {id: bytes ? id : undefined, clientIp: this.clientIp(request, settings)});
		}

		const state = recordState(record, now);
		if (state.kind === 'bad-expiry') {
			// Refused like a passed expiry, but not reaped: a broken field is not a reason to delete anything.
			this.options.onBadRecord?.(id, 'its expires field is not a time');
			throw this.refused('bad_token', badToken(), {id, clientIp: this.clientIp(request, settings)});
		}

		if (state.kind === 'expired') {
			// Lazy expiry (compatibility §1.8): refused and reaped, the reaping not awaited.
			this.background('Reaping an expired token', this.tokens.reap(id, record));
			// The same 401 as a bad token (compatibility §6.7); the log and /metrics say why.
			throw this.refused('expired', badToken(), {id, clientIp: this.clientIp(request, settings)});
		}

		const clientIp = this.clientIp(request, settings);
		// Compatibility §1.6: last use is written before scope and the rest, so a refused request counts too.
		// Sent now, awaited before any answer goes out: Redis runs one connection's commands in
		// order, so every later command (rate limit, the handler's reads) comes after it, and the
		// request does not pay a round trip of its own for it.
		// It never decides the request: a Redis that refuses the write (a read-only replica) still
		// authenticates from its data, and the failure is reported, not answered with.
		const lastUse = this.store.recordLastUse(id, now, clientIp || null).then(
			() => this.options.onLastUse?.(undefined),
			(error: unknown) => this.options.onLastUse?.(error),
		);

		const context: RequestContext = {request, route, account, clientIp, now};
		const refusal = recordRefusal(record, {route, account, clientIp, referer: firstHeader(request.headers.referer)});
		if (refusal) {
			await this.refuse(refusal, lastUse, settings, {id, record}, context);
		}

		let headers = NO_HEADERS;
		const rateLimit = recordRateLimit(record);
		if (rateLimit) {
			const {window, bucket} = rateWindow(rateLimit.timeWindow, now);
			const verdict = rateLimitVerdict(rateLimit, await this.store.hitRateLimit(window, bucket, id), now);
			if (verdict.refusal) {
				await this.refuse(verdict.refusal, lastUse, settings, {id, record}, context);
			}

			headers = verdict.headers;
		}

		if (settings.tokenAuditLog) {
			this.audit(id, record, context, 'allowed', null);
		}

		this.outcome('allowed');
		return {kind: 'token', id, record, clientIp, headers, lastUse};
	}

	/** The record of a read, decoded once per read; undefined when it is not a record. */
	private decoded(bytes: Buffer): TokenRecord | undefined {
		let record = this.records.get(bytes);
		if (record === undefined) {
			try {
				record = decodeRecord(bytes);
			} catch {
				record = null;
			}

			this.records.set(bytes, record);
		}

		return record ?? undefined;
	}

	/** A refusal after last use was sent: it is on record first, then audited, counted and thrown. */
	private async refuse(
		refusal: Refusal,
		lastUse: Promise<unknown>,
		settings: AuthSettings,
		{id, record}: {id: string; record: TokenRecord},
		context: RequestContext,
	): Promise<never> {
		await lastUse;
		if (settings.tokenAuditLog) {
			this.audit(id, record, context, 'denied', refusal.reason);
		}

		throw this.refused(refusal.outcome, refusal.error, {id, clientIp: context.clientIp});
	}

	/**
	 * A refusal counted, with why and, for the request log, the token's id (when there is one) and
	 * the client address as the settings say it (X-Forwarded-For behind enableApiProxy).
	 */
	private refused(outcome: AuthOutcome, error: HttpError, {id, clientIp}: {id?: string; clientIp?: string} = {}): HttpError {
		this.outcome(outcome);
		error.outcome = outcome;
		error.tokenId = id;
		error.clientIp = clientIp;
		return error;
	}

	private outcome(outcome: AuthOutcome): void {
		this.options.onOutcome?.(outcome);
	}

	private background(what: string, work: Promise<unknown>): void {
		work.catch((error: unknown) => this.options.onBackgroundError?.(what, error));
	}

	/** Audit entry (compatibility §1.7), written when the tokenAuditLog setting is on; fire-and-forget. */
	private audit(
		id: string,
		record: TokenRecord,
		{request, route, account, clientIp, now}: RequestContext,
		status: AuditEntry['status'],
		reason: string | null,
	): void {
		const entry: AuditEntry = {
			time: now,
			ip: clientIp || null,
			method: (request.method ?? '').toLowerCase() || null,
			path: route.template,
			action: route.permission.action,
			group: route.permission.group,
			account: auditAccount(account, record),
			status,
			reason,
		};
		this.background(
			'Writing the audit log',
			this.store.appendAudit(id, entry, this.options.audit ?? {entries: 1000, maxAgeSeconds: 604_800}),
		);
	}
}
