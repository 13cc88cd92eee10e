import {connect} from 'node:net';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {fuzzCases, random as seeded} from '../helpers/fuzz.js';
import {type Harness, bearer, startHarness} from './harness.js';
import {fetchHttp} from '../helpers/http.js';

let h: Harness;
let port: number;
let root: string;
beforeAll(async () => {
	h = await startHarness();
	port = Number(new URL(h.base).port);
	root = (await h.store.issue({description: 'root', scopes: ['*']})).rawToken;
	await h.redis.client().hset('iad:example', 'account', 'example');
});
afterAll(async () => h.close());

/**
 * Sends raw bytes (anything fetch would refuse to send) and returns the status code of the answer,
 * or 0 when none came within `wait` ms. The client does not half-close: a FIN from the client is
 * an abort to Node's HTTP server, which is not what these cases are about.
 */
function raw(request: Buffer | string, wait = 5000): Promise<number> {
	return new Promise(resolve => {
		const socket = connect(port, '127.0.0.1');
		let received = '';
		socket.setTimeout(wait, () => socket.destroy());
		socket.on('data', chunk => {
			received += chunk.toString('latin1');
			// One status line is enough.
			if (received.includes('\r\n')) {
				socket.destroy();
			}
		});
		socket.on('error', () => {});
		socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
		socket.write(request);
	});
}

const requestWith = (headerLines: Array<Buffer | string>, target = '/v1/stats') =>
	Buffer.concat([
		Buffer.from(`GET ${target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n`),
		...headerLines.map(line => Buffer.concat([Buffer.from(line as never), Buffer.from('\r\n')])),
		Buffer.from('\r\n'),
	]);

function randomAuthorization(random: () => number): Buffer {
	const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
	const length = Math.floor(random() * 160);
	const alphabets = ['0123456789abcdef', '0123456789ABCDEFabcdef', 'Bearer bearer BEARER \t', 'abcxyz!@#$%^&*()_+-=[]{};:,./<>?~`"\'\\|'];
	const kind = Math.floor(random() * 7);
	const bytes: number[] = [];
	const prefix = pick(['', 'Bearer ', 'bearer ', 'Bearer  ', 'Basic ', 'Bearer\t', 'Bearer ' + root.slice(0, 63)]);
	for (let index = 0; index < length; index++) {
		switch (kind) {
			case 0: {
				bytes.push(Math.floor(random() * 256));
				break;
			}

			case 1: {
				bytes.push(32 + Math.floor(random() * 95));
				break;
			}

			case 2: {
				bytes.push(...Buffer.from(String.fromCodePoint(0xa0 + Math.floor(random() * 0x2000))));
				break;
			}

			default: {
				bytes.push(pick([...alphabets[kind - 3]!]).codePointAt(0)!);
			}
		}
	}

	return Buffer.concat([Buffer.from(`authorization: ${prefix}`), Buffer.from(bytes)]);
}

test(`${fuzzCases(2000).toLocaleString('en-US')} random Authorization values: never a 5xx, the server stays up`, async () => {
	const random = seeded(20_261_122).next;
	const statuses = new Map<number, number>();
	const total = fuzzCases(2000);
	let next = 0;
	const worker = async () => {
		while (next < total) {
			const index = next++;
			const line = randomAuthorization(random);
			const target = pick(random, ['/v1/stats', '/metrics', '/v1/tokens', '/v1/account/example', '/v1/tokens/' + 'a'.repeat(64)]);
			const status = await raw(requestWith([line], target));
			statuses.set(status, (statuses.get(status) ?? 0) + 1);
			// Always an answer, and never a server error.
			expect(status, `case ${index}: ${line.toString('hex')}`).toBeGreaterThanOrEqual(200);
			expect(status, `case ${index}: ${line.toString('hex')}`).toBeLessThan(500);
		}
	};

	await Promise.all(Array.from({length: 16}, async () => worker()));
	// Most of these are well-formed HTTP with a wrong token: the sweep reached the validator.
	expect(statuses.get(401) ?? 0).toBeGreaterThan(total / 2);
	expect((await fetchHttp(`${h.base}/v1/stats`, bearer(root))).status).toBe(200);
});

function pick<T>(random: () => number, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)]!;
}

test('empty, huge, non-ASCII, control characters and repeated headers', async () => {
	const cases: Array<[string, Buffer | string]> = [
		['empty request', ''],
		['empty line', '\r\n\r\n'],
		['not HTTP', 'hello there\r\n\r\n'],
		['empty Authorization', requestWith(['authorization:'])],
		['huge Authorization', requestWith([`authorization: Bearer ${'a'.repeat(100_000)}`])],
		['64 KiB of headers', requestWith(Array.from({length: 1000}, (_, index) => `x-h${index}: ${'v'.repeat(60)}`))],
		['NUL in the token', requestWith([Buffer.from(`authorization: Bearer ${root.slice(0, 10)}\u0000${root.slice(11)}`, 'latin1')])],
		['bell and escape', requestWith([`authorization: Bearer \u0007\u001B[31m`])],
		['latin-1 bytes', requestWith([Buffer.from([...Buffer.from('authorization: Bearer '), 0xe9, 0xff, 0xfe])])],
		['UTF-8 token', requestWith([Buffer.from('authorization: Bearer ☃ токен 令牌', 'utf8')])],
		['repeated Authorization', requestWith([`authorization: Bearer ${'b'.repeat(64)}`, `authorization: Bearer ${root}`])],
		['repeated Referer', requestWith([`authorization: Bearer ${root}`, 'referer: a', 'referer: b'])],
		['repeated X-Forwarded-For', requestWith([`authorization: Bearer ${root}`, 'x-forwarded-for: 1.2.3.4', 'x-forwarded-for: ::1'])],
		['bad percent in query', requestWith([], '/v1/stats?access_token=%zz%')],
		['non-ASCII in query', requestWith([], '/v1/stats?access_token=\u00e9\u00e9')],
		['bad percent in path', requestWith([`authorization: Bearer ${root}`], '/v1/account/%E0%A4%A')],
		['300-char account', requestWith([`authorization: Bearer ${root}`], `/v1/account/${'a'.repeat(300)}`)],
		['absolute-form target', requestWith([], 'http://evil.example/v1/stats')],
		['double slash target', requestWith([], '//v1/stats')],
		['asterisk target', requestWith([], '*')],
		['array query', requestWith([`authorization: Bearer ${root}`], '/v1/tokens?page=1&page=2&pageSize[]=3')],
		['huge page', requestWith([`authorization: Bearer ${root}`], '/v1/tokens?page=1e400&pageSize=-0')],
	];
	for (const [name, request] of cases) {
		// Nothing (or only blank lines, which HTTP skips before a request) sent: nothing to answer yet.
		const silent = name === 'empty request' || name === 'empty line';
		const status = await raw(request, silent ? 300 : 5000);
		if (!silent) {
			expect(status, name).toBeGreaterThanOrEqual(200);
		}

		expect(status, name).toBeLessThan(500);
	}

	const posts: Array<[string, string]> = [
		['empty body', ''],
		['null', 'null'],
		['array', '[1,2]'],
		['number', '42'],
		['deep', '['.repeat(10_000) + ']'.repeat(10_000)],
		['proto', '{"__proto__":{"admin":true},"description":"x","account":"example"}'],
		['huge description', JSON.stringify({description: 'x'.repeat(2_000_000), account: 'example'})],
		['wrong types', '{"description":1,"account":[],"scopes":{},"restrictions":[],"permissions":"all","expires":{},"ip":5,"metadata":7}'],
		[
			'restrictions garbage',
			'{"description":"d","account":"example","restrictions":{"addresses":[1,"x"],"rateLimit":{"maxRequests":"a"},"zz":1}}',
		],
	];
	for (const [name, body] of posts) {
		const response = await fetchHttp(`${h.base}/v1/tokens`, {
			method: 'POST',
			headers: {authorization: `Bearer ${root}`, 'content-type': 'application/json'},
			body,
		});
		expect(response.status, name).toBeLessThan(500);
		expect(response.status, name).not.toBe(200);
	}

	const tooBig = await fetchHttp(`${h.base}/v1/tokens`, {
		method: 'POST',
		headers: {authorization: `Bearer ${root}`},
		body: 'x'.repeat(4 * 1024 * 1024),
	});
	expect(tooBig.status).toBe(413);

	expect((await fetchHttp(`${h.base}/health`)).status).toBe(200);
	expect((await fetchHttp(`${h.base}/v1/stats`, bearer(root))).status).toBe(200);
	// No request ended in an unexpected error on the server side either.
	expect(h.logs.filter(line => line.includes('"Request failed"'))).toStrictEqual([]);
});
