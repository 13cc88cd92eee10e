import {Writable} from 'node:stream';
import pino from 'pino';
import {expect, test} from 'vitest';
import {CONNECTION, OutageLog} from '../../source/server/outage-log.js';

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

test('an outage is logged once per reason: the same failure again is quiet, a new cause is said', () => {
	const {lines, logger} = capture();
	const log = new OutageLog(logger, undefined);
	const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {code: 'ECONNREFUSED'});
	const database = new Error('refused database 12: ERR DB index is out of range');
	log.failed(CONNECTION, refused);
	log.failed(CONNECTION, refused);
	log.failed(CONNECTION, database);
	log.failed(CONNECTION, database);
	const failures = lines.map(line => line.msg).filter(message => message.startsWith(CONNECTION));
	expect(failures).toHaveLength(2);
	expect(failures[0]).toContain('ECONNREFUSED');
	expect(failures[1]).toContain('refused database 12');
	log.recovered(CONNECTION);
	expect(lines.at(-1)!.msg).toBe(`${CONNECTION} works again`);
});
