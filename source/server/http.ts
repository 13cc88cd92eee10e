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
export type FieldProblem = {message: string; key: string};

export const invalidInput = (fields: FieldProblem[]) => new HttpError(400, 'Invalid input', {fields});

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
export function sendHtmlError(response: ServerResponse, error: HttpError, head = false): void {
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
	respondWith(response, error.statusCode, 'text/html; charset=utf-8', true, body, head, error.headers);
}

export function sendError(response: ServerResponse, error: HttpError, html: boolean, head = false): void {
	if (html) {
		sendHtmlError(response, error, head);
	} else {
		sendJson(response, error.statusCode, error.payload, error.headers, head);
	}
}

/** The request target split without URL(): a target like `//host/x` must stay a path. */
export function splitTarget(target: string): {path: string; search: string} {
	const index = target.indexOf('?');
	return index === -1 ? {path: target, search: ''} : {path: target.slice(0, index), search: target.slice(index + 1)};
}

/** Query arguments; a repeated name gives an array, as hapi's qs parser does. */
export function parseQuery(search: string): Map<string, string | string[]> {
	const query = new Map<string, string | string[]>();
	if (search === '') {
		return query;
	}

	for (const [key, value] of new URLSearchParams(search)) {
		const current = query.get(key);
		query.set(key, current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value]);
	}

	return query;
}

/** Reads a request body up to `limit` bytes; more is a 413 as hapi gives it. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
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

/** Any run of 64 hex characters: a raw token or an id. Hidden from logs wherever it appears. */
const HEX64_RUN = /[\da-f]{64,}/gi;

export const redactHex = (text: string) => text.replaceAll(HEX64_RUN, '[redacted]');
