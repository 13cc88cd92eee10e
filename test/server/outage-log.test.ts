import {Writable} from 'node:stream';
import pino from 'pino';
import {expect, test} from 'vitest';
import {CONNECTION, LAST_USE, OutageLog, REQUESTS} from '../../source/server/outage-log.js';

function capture() {
	const lines: Array<{msg: string}> = [];
	const sink = new Writable({
		write(chunk, _encoding, done) {
			lines.push(JSON.parse(String(chunk)) as {msg: string});
			done();
		},
	});
	return {lines, logger: pino({}, sink)};
}

test('an outage is one line when it starts, one per new reason (never again on a flip back), and one when it ends', () => {
	const {lines, logger} = capture();
	const log = new OutageLog(logger, undefined);
	const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {code: 'ECONNREFUSED'});
	const database = new Error('refused database 12: ERR DB index is out of range');
	// A restarting Redis: refused, then the database refused, refused again…
	for (let flip = 0; flip < 3; flip++) {
		log.failed(CONNECTION, refused);
		log.failed(CONNECTION, database);
	}

	expect(lines.map(line => line.msg)).toEqual([
		expect.stringMatching(/^The connection to Redis failed \(retrying every second\): .*ECONNREFUSED/),
		expect.stringMatching(/^The connection to Redis failed \(retrying every second\): .*refused database 12/),
	]);
	log.recovered(CONNECTION);
	log.recovered(CONNECTION);
	expect(lines.map(line => line.msg).slice(2)).toEqual([`${CONNECTION} works again`]);
	// The next outage is a new one: said again.
	log.failed(CONNECTION, refused);
	expect(lines).toHaveLength(4);
	expect(lines[3]!.msg).toContain('ECONNREFUSED');
});

test('a Redis that keeps failing in new ways is said three times per outage', () => {
	const {lines, logger} = capture();
	const log = new OutageLog(logger, undefined);
	for (let index = 0; index < 10; index++) {
		log.failed(CONNECTION, new Error(`odd failure ${index}`));
	}

	expect(lines).toHaveLength(3);
});

test('each kind is said once: requests failing and last use failing are two lines, each with its recovery', () => {
	const {lines, logger} = capture();
	const log = new OutageLog(logger, undefined);
	const readOnly = new Error("READONLY You can't write against a read only replica.");
	log.failed(LAST_USE, readOnly);
	log.failed(REQUESTS, readOnly);
	log.failed(LAST_USE, readOnly);
	log.recovered(REQUESTS);
	log.recovered(LAST_USE);
	expect(lines.map(line => line.msg)).toEqual([
		expect.stringMatching(/^Recording last use failed/),
		expect.stringMatching(/^Redis failed/),
		'Redis works again',
		'Recording last use works again',
	]);
});

test('a background write that failed is said again in the next outage, once the connection was back in between', () => {
	const {lines, logger} = capture();
	const log = new OutageLog(logger, undefined);
	const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {code: 'ECONNREFUSED'});
	log.failed('Writing the audit log', refused);
	log.failed('Writing the audit log', refused);
	log.failed(CONNECTION, refused);
	log.recovered(CONNECTION);
	log.failed('Writing the audit log', refused);
	expect(lines.map(line => line.msg).filter(message => message.startsWith('Writing the audit log failed'))).toHaveLength(2);
});
