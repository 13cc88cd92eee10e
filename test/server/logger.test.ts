import {Writable} from 'node:stream';
import pino from 'pino';
import {expect, test} from 'vitest';
import {type RequestLine, requestLineWriter} from '../../source/server/logger.js';

function capture(options: pino.LoggerOptions = {}) {
	const lines: string[] = [];
	const sink = new Writable({
		write(chunk, _encoding, done) {
			lines.push(String(chunk));
			done();
		},
	});
	return {lines, logger: pino({timestamp: () => ',"time":1734953814623', ...options}, sink)};
}

const samples: RequestLine[] = [
	{
		method: 'GET',
		path: '/v1/stats',
		route: '/v1/stats',
		status: 200,
		token: 'ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d',
		remoteAddress: '127.0.0.1',
		reason: null,
		responseTime: 0.123_456,
	},
	{
		method: 'POST',
		path: '/v1/"odd"\\path\u0001é',
		route: null,
		status: 404,
		token: null,
		remoteAddress: null,
		reason: null,
		responseTime: 12,
	},
	{
		method: 'DELETE',
		path: '/v1/tokens/[redacted]',
		route: '/v1/tokens/{token}',
		status: 401,
		token: 'preauth',
		remoteAddress: '::1',
		reason: null,
		responseTime: 1e-7,
	},
];

/** A request authentication refused: written at warn level, with the reason. */
const refused: RequestLine = {
	method: 'GET',
	path: '/metrics',
	route: '/metrics',
	status: 403,
	token: 'ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d',
	remoteAddress: '10.1.2.3',
	reason: 'scope',
	responseTime: 2,
};

test('the hand-built request line is byte for byte what logger.info writes', () => {
	const {lines, logger} = capture();
	const child = logger.child({component: 'api'});
	const write = requestLineWriter(logger);
	const writeChild = requestLineWriter(child);
	for (const line of samples) {
		write(line);
		logger.info(line, 'request completed');
		writeChild(line);
		child.info(line, 'request completed');
	}

	expect(lines).toHaveLength(samples.length * 4);
	for (let index = 0; index < lines.length; index += 2) {
		expect(lines[index]).toBe(lines[index + 1]);
	}

	expect(JSON.parse(lines[0]!)).toMatchObject({level: 30, time: 1_734_953_814_623, msg: 'request completed', status: 200});
});

test('a refused request is written at warn level, byte for byte what logger.warn writes', () => {
	const {lines, logger} = capture();
	requestLineWriter(logger)(refused);
	logger.warn(refused, 'request completed');
	expect(lines[0]).toBe(lines[1]);
	expect(JSON.parse(lines[0]!)).toMatchObject({level: 40, reason: 'scope', remoteAddress: '10.1.2.3'});
});

test('nothing is written when the level is above info, but a refusal is at warn', () => {
	const {lines, logger} = capture({level: 'warn'});
	requestLineWriter(logger)(samples[0]!);
	expect(lines).toStrictEqual([]);
	requestLineWriter(logger)(refused);
	expect(lines).toHaveLength(1);
	lines.length = 0;
	logger.level = 'info';
	requestLineWriter(logger)(samples[0]!);
	expect(lines).toHaveLength(1);
});
