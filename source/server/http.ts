import type {AuthOutcome} from './auth.js';
import type {IncomingMessage, ServerResponse} from 'node:http';

/** hapi/Boom's reason phrases: the `error` field of every error body. */
const PHRASES: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	413: 'Request Entity Too Large',
	415: 'Unsupported Media Type',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	503: 'Service Unavailable',
};

export type Headers = Record<string, string | number>;

/**
 * An error response in hapi's shape: `{statusCode, error, message, …extra}`. Thrown by auth and
 * handlers, rendered once at the edge (JSON, or HTML on routes that are not api-tagged).
 */
export class HttpError extends Error {
	/** The id of the token that was refused, for the request log (never the raw token). */
	tokenId?: string;
	/** Why authentication refused the request (auth.ts), for the request log. */
	outcome?: AuthOutcome;
	/** The client address authentication read (X-Forwarded-For when trusted), for the request log. */
	clientIp?: string;

	constructor(
		readonly statusCode: number,
		message: string,
		readonly extra: Record<string, unknown> = {},
		readonly headers: Headers = {},
	) {
		super(message);
	}

	get payload(): Record<string, unknown> {
		return {statusCode: this.statusCode, error: PHRASES[this.statusCode] ?? 'Error', message: this.message, ...this.extra};
	}
}

/** A joi-style field problem, as EmailEngine's failAction lists them under `fields`. */
export type FieldProblem = {message: string; key: string | number};

export const invalidInput = (fields: FieldProblem[]) => new HttpError(400, 'Invalid input', {fields});

/** Redis is away or silent: a retry later may work. */
export const unavailable = () => new HttpError(503, 'Redis is not available, try again later');

/** EmailEngine's 404 for an account id without an account record (compatibility §7). */
export const accountNotFound = () => new HttpError(404, 'Account record was not found for requested ID');

/**
 * Writes a whole response: status, `content-type`, `cache-control: no-cache` when asked (hapi sends
 * it with every JSON answer), the extra headers and the length, in one writeHead with a flat list
 * (no header object is built or copied per response). Extra headers never repeat the two fixed ones.
 */
export function respondWith(
	response: ServerResponse,
	statusCode: number,
	contentType: string,
	noCache: boolean,
	body: string,
	head: boolean,
	extra?: Headers,
	more?: Headers,
): void {
	const list: Array<string | number> = noCache ? ['content-type', contentType, 'cache-control', 'no-cache'] : ['content-type', contentType];
	if (extra) {
		for (const name in extra) {
			list.push(name, extra[name]!);
		}
	}

	if (more) {
		for (const name in more) {
			list.push(name, more[name]!);
		}
	}

	list.push('content-length', Buffer.byteLength(body));
	response.writeHead(statusCode, list as unknown as string[]);
	response.end(head ? undefined : body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** hapi answers JSON with `application/json; charset=utf-8` and `cache-control: no-cache`. */
export function sendJson(
	response: ServerResponse,
	statusCode: number,
	value: unknown,
	headers?: Headers,
	head = false,
	more?: Headers,
): void {
	respondWith(response, statusCode, JSON_TYPE, true, JSON.stringify(value), head, headers, more);
}

const escapeHtml = (text: string) => text.replaceAll(/[&<>"']/g, character => `&#${character.codePointAt(0)!};`);

/**
 * EmailEngine renders errors on routes that are not api-tagged (`/metrics`) as its HTML error
 * page (compatibility §6.7). Ours is plainer but has the same status and type.
 */
function sendHtmlError(response: ServerResponse, error: HttpError, head: boolean, more?: Headers): void {
	const {error: phrase, message} = error.payload as {error: string; message: string};
	const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${error.statusCode} ${escapeHtml(phrase)}</title></head>
<body>
<h1>${error.statusCode} ${escapeHtml(phrase)}</h1>
<p>${escapeHtml(message)}</p>
</body>
</html>
`;
	respondWith(response, error.statusCode, 'text/html; charset=utf-8', true, body, head, more, error.headers);
}

/**
 * An error answer; `more` are headers besides the error's own: the token's rate-limit headers after
 * authentication (a refusal by authentication, the 429 included, is thrown before there are any).
 */
export function sendError(response: ServerResponse, error: HttpError, html: boolean, head = false, more?: Headers): void {
	if (html) {
		sendHtmlError(response, error, head, more);
	} else {
		sendJson(response, error.statusCode, error.payload, more, head, error.headers);
	}
}

/** The request target split without URL(): a target like `//host/x` must stay a path. */
export function splitTarget(target: string): {path: string; search: string} {
	const index = target.indexOf('?');
	return index === -1 ? {path: target, search: ''} : {path: target.slice(0, index), search: target.slice(index + 1)};
}

/** Query arguments or form fields by name, as hapi's qs parser hands them to validation. */
export type Params = Record<string, string | string[]>;

/**
 * Name/value pairs as an object (without a prototype, so `__proto__` is a name like any other);
 * a repeated name gives an array, as hapi's qs parser does. The one place that does it.
 */
function collectParams(pairs: URLSearchParams): Params {
	const params: Params = Object.create(null) as Params;
	for (const [key, value] of pairs) {
		const current = params[key];
		params[key] = current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
	}

	return params;
}

export const parseQuery = (search: string): Params => collectParams(new URLSearchParams(search));

/** Reads a request body up to `limit` bytes; more is a 413 as hapi gives it. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(request.headers['content-length']);
	if (declared > limit) {
		request.resume();
		throw new HttpError(413, `Payload content length greater than maximum allowed: ${limit}`);
	}

	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > limit) {
			request.resume();
			throw new HttpError(413, `Payload content length greater than maximum allowed: ${limit}`);
		}

		chunks.push(chunk as Buffer);
	}

	return Buffer.concat(chunks);
}

const MAX_BODY = 3 * 1024 * 1024;

/**
 * The request body as hapi's parser hands it to validation: JSON (also when no type is given),
 * form fields as an object (so `curl -d description=x -d account=a` works), text and bytes as a
 * non-object that validation then refuses; any other type is 415.
 */
export async function readPayload(request: IncomingMessage): Promise<unknown> {
	const type = String(request.headers['content-type'] ?? '')
		.split(';')[0]!
		.trim()
		.toLowerCase();
	const body = await readBody(request, MAX_BODY);
	if (type === 'application/x-www-form-urlencoded') {
		return collectParams(new URLSearchParams(body.toString('utf8')));
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

/** Any run of 64 hex characters: a raw token or an id. Hidden from logs wherever it appears. */
const HEX64_RUN = /[\da-f]{64,}/gi;

export const redactHex = (text: string) => text.replaceAll(HEX64_RUN, '[redacted]');

/** A percent-escape of a hex digit or of `%` itself: what can hide a hex run from redactHex. */
const HEX_DIGIT_ESCAPE = /%(?:3\d|4[1-6]|6[1-6]|25)/gi;

/**
 * A request path as the request log may show it: the escapes that spell hex digits are decoded
 * (again and again, so `%2561` too) before every 64-hex run is hidden, since a route decodes its
 * parameters and `aaaa%61aaaa…` is a raw token to it. Other escapes stay as sent. Never throws,
 * unlike decodeURIComponent on a malformed escape.
 */
export function loggablePath(path: string): string {
	let revealed = path;
	for (let previous = ''; revealed !== previous && revealed.includes('%');) {
		previous = revealed;
		revealed = revealed.replaceAll(HEX_DIGIT_ESCAPE, escape => String.fromCodePoint(Number.parseInt(escape.slice(1), 16)));
	}

	return revealed.length < 64 ? revealed : redactHex(revealed);
}
