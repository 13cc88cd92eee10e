import type {IncomingMessage} from 'node:http';
import {isIpAddress, listField} from '../tokens/index.js';
import {addressAllowed} from './restrictions.js';

/**
 * What a request presents, read as EmailEngine's strategy reads it (compatibility §6.1, §6.3,
 * §6.5): its token, its address, and whether a token's scopes reach a route.
 */

export const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The credential hapi-auth-bearer-token would see: the Authorization header wins; the query
 * argument counts only when there is no (non-empty) header. `undefined` means "missing".
 */
export function presentedToken(authorization: string | undefined, queryToken: string | string[] | undefined): string | undefined {
	let value = authorization;
	if (!value && queryToken !== undefined && queryToken !== '') {
		// A repeated argument reaches the plugin as an array, stringified with commas: a bad token.
		value = `Bearer ${Array.isArray(queryToken) ? queryToken.join(',') : queryToken}`;
	}

	if (!value) {
		return undefined;
	}

	// The plugin splits on whitespace: the first part must be `bearer` (any case), the second is the
	// token. The common spelling is matched without splitting; anything else takes the general path.
	const common = BEARER.exec(value);
	if (common) {
		return common[1];
	}

	const parts = value.split(/\s+/);
	if (parts[0]!.toLowerCase() !== 'bearer' || !parts[1]) {
		return undefined;
	}

	return parts[1];
}

/** `bearer`, whitespace, then the token: the second whitespace-separated part. */
const BEARER = /^bearer\s+(\S+)/i;

/**
 * Scope rule of compatibility §6.3: no scopes field, `*`, or any overlap with the route's scopes. A scopes
 * field that is not a list refuses (compatibility §2; EmailEngine answers 500): the string "api" is not
 * matched as a substring, and false, 0 or '' do not read as "no scopes field".
 */
export function scopeAllowed(scopes: unknown, routeScopes: readonly string[]): boolean {
	const list = listField(scopes);
	if (routeScopes.length === 0 || list === undefined) {
		return true;
	}

	return list !== null && (list.includes('*') || routeScopes.some(scope => list.includes(scope)));
}

/**
 * The client address (compatibility §6.5): the socket peer, or, when the enableApiProxy setting is
 * on, X-Forwarded-For: with listed proxies only when the peer is one, then the rightmost hop that
 * is not; without, the first hop. A hop that is not an address falls back to the peer.
 */
export function clientAddress(request: IncomingMessage, enableApiProxy: boolean, proxies: readonly string[]): string {
	const peer = request.socket.remoteAddress ?? '';
	const forwarded = firstHeader(request.headers['x-forwarded-for']);
	if (!enableApiProxy || !forwarded) {
		return peer;
	}

	const hops = forwarded
		.split(',')
		.map(hop => hop.trim())
		.filter(Boolean);
	let candidate: string | undefined;
	if (proxies.length > 0) {
		// Only a listed proxy is believed, and then the rightmost hop that is not a proxy itself.
		if (!addressAllowed(peer, proxies)) {
			return peer;
		}

		candidate = [...hops].reverse().find(hop => !addressAllowed(hop, proxies));
	} else {
		candidate = hops[0];
	}

	return candidate && isIpAddress(candidate) ? candidate : peer;
}
