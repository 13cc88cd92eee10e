import {afterEach, describe, expect, it} from 'vitest';
import type {AuditLogEntry, TokenEntry} from '../../source/tokens/index.js';
import {DetailsView} from '../../source/ui/screens/details.js';
import {DETAILS_ENTRIES, auditDetailLines, auditLine, filterEntries} from '../../source/ui/state/audit-log.js';
import {renderToTerminal} from './helpers/xterm.js';

/** What the app shows of a token's audit log (compatibility §1.7). */

const at = (second: number, fields: Partial<AuditLogEntry> = {}): AuditLogEntry => ({
	time: `2026-12-01T09:20:${String(second).padStart(2, '0')}.000Z`,
	ip: '127.0.0.1',
	method: 'get',
	path: '/v1/stats',
	action: 'read',
	group: 'diagnostics',
	account: 'example',
	status: 'allowed',
	reason: null,
	...fields,
});

const DENIED = at(14, {status: 'denied', reason: 'account'});

describe('the details view’s audit section', () => {
	it('an empty log says whether logging is off for the instance or the token was not used', () => {
		expect(auditDetailLines({total: 0, entries: [], unreadable: 0, on: false})).toStrictEqual([
			{label: 'audit log', text: 'off for this instance: nothing recorded (a turns it on)', denied: false},
		]);
		expect(auditDetailLines({total: 0, entries: [], unreadable: 0, on: true})[0]!.text).toBe(
			'on; no request recorded since (or entries expired)',
		);
		expect(auditDetailLines(undefined)[0]!.text).toBe('Loading…');
		expect(auditDetailLines(undefined, 'Redis is unavailable')[0]!.text).toBe('could not be read: Redis is unavailable');
	});

	it('a summary, then the newest entries; denied ones are marked, with why', () => {
		const entries = [at(59), DENIED, ...Array.from({length: 8}, (_, index) => at(index))];
		const lines = auditDetailLines({total: 12, entries, unreadable: 2, on: false});
		expect(lines[0]!.text).toBe('12 entries, 1 denied; logging is off now (a turns it on); l opens the whole log');
		expect(lines).toHaveLength(1 + DETAILS_ENTRIES);
		expect(lines[2]).toStrictEqual({
			label: '2026-12-01 09:20:14',
			text: 'denied: account       GET /v1/stats  read/diagnostics  account example  ip 127.0.0.1',
			denied: true,
		});
		expect(lines[1]!.denied).toBe(false);
		expect(filterEntries(entries, 'denied')).toStrictEqual([DENIED]);
	});

	it('an SMTP login shows its surface once, and no action/group', () => {
		expect(auditLine(at(1, {method: 'smtp', path: 'smtp', action: null, group: null})).text).toBe(
			'allowed               smtp  -  account example  ip 127.0.0.1',
		);
	});
});

describe('on the screen', () => {
	let cleanup: (() => void) | undefined;
	afterEach(() => {
		cleanup?.();
		cleanup = undefined;
	});

	it('hostile entry text reaches the details screen sanitised, after the record’s fields', async () => {
		const entry: TokenEntry = {id: 'a'.repeat(64), record: {created: 1000, description: 'd'}, lastUse: {time: null, ip: null}};
		const hostile = auditLine(at(1, {path: '/v1/\u001B]0;pwned\u0007x', account: '\u001B[2Jacme', status: 'denied', reason: '\u009B31m'}));
		const audit = [...auditDetailLines({total: 1, entries: [], unreadable: 0, on: true}).slice(0, 1), hostile];
		const screen = await renderToTerminal(<DetailsView entry={entry} now={2000} width={120} height={20} offset={0} audit={audit} />, {
			columns: 120,
			rows: 22,
		});
		cleanup = screen.unmount;
		const text = screen.text();
		expect(text).toMatch(/ audit log +1 entry, 0 denied; l opens the whole log/);
		expect(text).toContain('denied: \uFFFD31m');
		expect(text).toContain('GET /v1/\uFFFD]0;pwned\uFFFDx');
		expect(text).toContain('account \uFFFD[2Jacme');
		const lines = screen.lines();
		expect(lines.findIndex(line => line.includes('audit log'))).toBeGreaterThan(lines.findIndex(line => line.includes('last used')));
	});
});
