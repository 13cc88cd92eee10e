import {afterEach, describe, expect, it} from 'vitest';
import {encodeMsgpack} from '../../source/tokens/index.js';
import {runInProcess} from '../helpers/cli.js';
import {appFixture} from './helpers/app-fixture.js';
import {KEYS} from './helpers/pty.js';

/** The audit log in the app: the details' newest entries, the whole log (l), the setting (a). */

// The shared app shows colour (denied entries in bold red): chalk's level is a process's own, so it runs on a pty.
const fixture = appFixture({sharedOnPty: true});
const idOf = (description: string) => fixture.seeded.find(token => token.description === description)!.id;

/** An entry as EmailEngine writes it (compatibility §1.7). */
const entry = (time: string, fields: Record<string, unknown> = {}) =>
	Buffer.from(
		encodeMsgpack({
			time: Date.parse(time),
			ip: '203.0.113.7',
			method: 'get',
			path: '/v1/account/{account}',
			action: 'read',
			group: 'account',
			account: 'acme',
			status: 'allowed',
			reason: null,
			...fields,
		}),
	);

describe('the app: a token’s audit log', () => {
	afterEach(async () => {
		const raw = fixture.redis.client();
		await raw.del(`tokens:log:${idOf('Billing service')}`, 'settings');
	});

	it('the details show the newest entries (denied ones stand out), l opens the whole log, / keeps the denied ones', async () => {
		const raw = fixture.redis.client();
		await raw.hset('settings', 'tokenAuditLog', 'true');
		await raw.lpush(
			`tokens:log:${idOf('Billing service')}`,
			entry('2026-12-01T09:00:00Z'),
			entry('2026-12-01T09:00:01Z', {path: '/v1/stats', group: 'diagnostics', status: 'denied', reason: 'account'}),
			entry('2026-12-01T09:00:02Z', {path: '/v1/\u001B]0;pwned\u0007x'}),
		);
		// One app at 120x35 for this case and the last: the details read the log afresh on opening.
		const app = await fixture.shared();
		await app.type(`/Billing service${KEYS.enter}`);
		await app.waitFor(/Billing service/);
		await app.type(KEYS.enter);
		let screen = await app.waitFor(/audit log +3 entries, 1 denied; l opens the whole log/, {message: 'the audit section'});
		expect(screen).toMatch(/2026-12-01 09:00:01 +denied: account +GET \/v1\/stats +read\/diagnostics +account acme +ip 203\.0\.113\.7/);
		expect(screen).toContain('GET /v1/\uFFFD]0;pwned\uFFFDx');
		// Denied stands out: bold, in the danger colour (red, palette 1); allowed lines do not.
		const lines = app.lines();
		const style = (text: string) => {
			const row = lines.findIndex(line => line.includes(text));
			const cell = app.terminal.buffer.active.getLine(row)!.getCell(lines[row]!.indexOf('GET'))!;
			return {bold: cell.isBold() !== 0, red: cell.isFgPalette() && cell.getFgColor() === 1};
		};

		expect(style('denied: account')).toStrictEqual({bold: true, red: true});
		expect(style('09:00:00')).toStrictEqual({bold: false, red: false});

		await app.type('l');
		screen = await app.waitFor(/3 entries, newest first; logging is on for this instance/, {message: 'the whole log'});
		expect(screen).toContain(`Audit log of token ${idOf('Billing service').slice(0, 8)}…`);
		expect(screen).toMatch(/\/ denied only \/ all/);
		await app.type('/');
		screen = await app.waitFor(/1 denied of 3 entries/);
		expect(screen).toContain('(denied only)');
		expect(screen).not.toContain('09:00:00');
		await app.type(KEYS.escape);
		await app.waitFor(/audit log +3 entries/, {message: 'back in the details'});
	});

	it('a says logging is off, and turns it on as EmailEngine writes it; a token with no log says which case it is', async () => {
		const raw = fixture.redis.client();
		const app = fixture.start({columns: 80, rows: 24});
		await app.waitFor(/\d+ tokens/);
		await app.type(`/Billing service${KEYS.enter}`);
		await app.waitFor(/Billing service/);
		await app.type(KEYS.enter);
		await app.waitFor(/audit log +off for this instance: nothing recorded \(a turns it on\)/);
		await app.type('a');
		await app.waitFor(/audit log +on; no request recorded since \(or entries expired\)/, {message: 'the setting read again'});
		expect(await raw.hget('settings', 'tokenAuditLog')).toBe('true');
		await app.type('a');
		await app.waitFor(/audit log +off for this instance/);
		expect(await raw.hget('settings', 'tokenAuditLog')).toBe('false');
		// The log itself is never written.
		expect(await raw.exists(`tokens:log:${idOf('Billing service')}`)).toBe(0);
	});

	it('a switches nothing while the log cannot be read: the setting is not guessed from an earlier read', async () => {
		const raw = fixture.redis.client();
		await raw.hset('settings', 'tokenAuditLog', 'true');
		// The app of the first case: it has read the setting (on) before, which must not be taken for now.
		const app = await fixture.shared();
		await app.type(`/Billing service${KEYS.enter}`);
		await app.waitFor(/Billing service/);
		await app.type(KEYS.enter);
		await app.waitFor(/audit log +on; no request recorded/);
		await raw.set(`tokens:log:${idOf('Billing service')}`, 'not a list');
		await app.type('r');
		await app.waitFor(/could not be read: WRONGTYPE/, {message: 'the failed read'});
		await app.type('a');
		await app.waitFor(/The audit log setting could not be read, so it was not switched/);
		expect(await raw.hget('settings', 'tokenAuditLog')).toBe('true');
	});
});

describe('the app: t asks whether a token may make a request, as ee-tokens can answers', () => {
	it('answers as the fields change (request, client address), the same verdict as can, and every route at once; Esc goes back', async () => {
		const url = `--dbs.redis=${fixture.redis.url()}`;
		const issued = await runInProcess([
			'issue',
			'-d',
			'Read-only CRM',
			'-s',
			'api',
			'--preset',
			'read-only',
			'--ip',
			'10.0.0.0/8',
			'--rate-limit',
			'100/60',
			'--json',
			url,
		]);
		expect(issued.exitCode).toBe(0);
		const {id} = JSON.parse(issued.stdout) as {id: string};
		const can = async (...request: string[]) => (await runInProcess(['can', '-t', id, ...request, url])).stdout.split('\n')[0]!;
		const app = fixture.start({columns: 100, rows: 35});
		await app.waitFor(/Read-only CRM/);
		await app.type(`/Read-only CRM${KEYS.enter}`);
		await app.waitFor(/Read-only CRM/);
		await app.type(KEYS.enter);
		// The record read (the title shows while it loads too, when only Esc and r act).
		await app.waitFor(/Token details[^]*description +Read-only CRM/);
		await app.type('t');
		// Opened on the request a token of its kind most likely makes, answered at once: no address yet.
		// The answer, and the route overview, a read of its own.
		let screen = await app.waitFor(/Request +› GET \/v1\/stats[^]*✗ refused by the address check[^]*✗ scope +GET \/metrics/);
		expect(screen).toContain(await can('GET', '/v1/stats'));
		expect(screen).toMatch(/note +No client address given/);
		expect(screen).toMatch(/✗ scope +GET \/metrics/);
		expect(screen).toMatch(/✗ address +GET \/v1\/stats/);
		// From inside the allowlist: allowed, its rate limit read without counting one; the overview follows.
		await app.type(`${KEYS.enter}10.1.2.3`);
		// The route overview is its own read: waited for too.
		screen = await app.waitFor(/✓ allowed: GET \/v1\/stats[^]*from 10\.1\.2\.3:[^]*✓ allowed +GET \/v1\/account\/\{account\}/);
		expect(screen).toContain((await can('GET', '/v1/stats', '--ip', '10.1.2.3')).replace('allowed', '✓ allowed'));
		expect(screen).toMatch(/rate limit +0 of 100 requests used in this window/);
		expect(screen).toMatch(/✓ allowed +GET \/v1\/account\/\{account\}/);
		expect(screen).toMatch(/✗ permission +POST \/v1\/tokens, POST \/v1\/token/);
		// A write it may not make, typed into the request field (↑ goes back to it).
		await app.type(`${KEYS.up}${KEYS.ctrlU}DELETE /v1/token/${id}`);
		screen = await app.waitFor(/✗ refused by the permission check: DELETE[^]*403 Unauthorized\s+permission/);
		expect(screen).toMatch(/route +\/v1\/token\/\{token\} needs scope api and destructive on admin/);
		expect(await can('DELETE', `/v1/token/${id}`, '--ip', '10.1.2.3')).toMatch(
			/^refused by the permission check: DELETE .* 403 Unauthorized permission$/,
		);
		// A request serve has no route for is one line saying so, not a verdict.
		await app.type(`${KEYS.ctrlU}GET /v2/nothing`);
		await app.waitFor(/serve has no route "GET \/v2\/nothing"/);
		// Nothing was counted or recorded: the check is read only.
		expect(await fixture.redis.client().keys('rl:*')).toEqual([]);
		expect(JSON.parse((await runInProcess(['show', '-t', id, '--json', url])).stdout)).toMatchObject({access: {time: null, ip: null}});
		await app.type(KEYS.escape);
		await app.waitFor(screen => screen.includes('Token details') && !screen.includes('make this request'));
	});
});
