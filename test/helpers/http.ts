import {Agent, request as send} from 'node:http';

/** What a test sends: fetch's options, as far as the tests use them. */
export type HttpInit = {
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Connections kept open between requests (an Agent with keepAlive, which the caller destroys); by default one per request. */
	agent?: Agent;
};

/** What a test reads of an answer: fetch's Response, as far as the tests use it. */
export type HttpResponse = {
	status: number;
	ok: boolean;
	headers: Headers;
	text(): Promise<string>;
	json(): Promise<any>;
	arrayBuffer(): Promise<ArrayBuffer>;
};

// A connection per request, closed with its answer: no socket outlives the request (a kept-alive
// one would show in test/commands/in-process.test.ts's count of open sockets, whichever file left it).
const oneShot = new Agent({keepAlive: false});

/**
 * An HTTP request with node:http, answering as fetch answers. The server tests send thousands of
 * requests (server-abuse, can-vs-serve, the auth tables): through undici's fetch, its request and
 * stream machinery was the largest single cost of the test workers' CPU (CPU profiles of
 * `npm test`), several times what the server under test spent answering. Rejects as fetch does when
 * nothing answers.
 */
export async function fetchHttp(url: string, init: HttpInit = {}): Promise<HttpResponse> {
	return new Promise((resolve, reject) => {
		const outgoing = send(url, {method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? oneShot}, incoming => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('error', reject);
			incoming.on('end', () => {
				const body = Buffer.concat(chunks);
				const headers = new Headers();
				for (const [name, value] of Object.entries(incoming.headers)) {
					for (const each of Array.isArray(value) ? value : [value ?? '']) {
						headers.append(name, each);
					}
				}

				const status = incoming.statusCode ?? 0;
				resolve({
					status,
					ok: status >= 200 && status < 300,
					headers,
					text: async () => body.toString('utf8'),
					json: async () => JSON.parse(body.toString('utf8')) as unknown,
					arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
				});
			});
		});
		outgoing.on('error', reject);
		outgoing.end(init.body);
	});
}
