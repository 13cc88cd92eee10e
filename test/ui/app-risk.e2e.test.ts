import {describe, expect, it} from 'vitest';
import {encodeRecord} from '../../source/tokens/index.js';
import {plantRecord} from '../helpers/keyspace.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();
const DAY = 86_400_000;

/** The row of the table whose description is `description`, as the screen shows it. */
const rowOf = (screen: string, description: string) => screen.split('\n').find(line => line.includes(description)) ?? '';
/** The risk marker cell: after the selection, mark and problem symbols and a space. */
const markerOf = (line: string) => line.slice(4, 5);

describe('the app: review risk and expired tokens', () => {
	it('marks each row with its review level at 120 and at 80 columns, as letters (NO_COLOR too)', async () => {
		const app = fixture.start({columns: 120, rows: 30, env: {NO_COLOR: '1'}});
		let screen = await app.waitFor('6 tokens', {message: 'the table'});
		// Every scope, unbound: high. Bound to accounts that have no account hash: medium (the seed
		// adds no iad:{account}). Metrics unbound, never expiring: low.
		expect(markerOf(rowOf(screen, 'Admin automation'))).toBe('H');
		expect(markerOf(rowOf(screen, 'Billing service'))).toBe('M');
		expect(markerOf(rowOf(screen, 'Prometheus scraper'))).toBe('L');
		expect(screen.split('\n')[1]).toMatch(/^ {4}R {1}Description/);
		app.resize(80, 24);
		screen = await app.waitFor(current => current.split('\n').every(line => line.length <= 80) && current.includes('Admin automation'));
		expect(markerOf(rowOf(screen, 'Admin automation'))).toBe('H');
		expect(markerOf(rowOf(screen, 'Helpdesk integration'))).toBe('M');
		// The columns an 80-column table shows are unchanged by the marker.
		expect(screen.split('\n')[1]).toMatch(/R Description +Scopes +Account +Last used/);
	});

	it('x shows and hides expired tokens; the header counts every stored token', async () => {
		const raw = fixture.redis.client();
		await plantRecord(
			raw,
			'e'.repeat(64),
			encodeRecord({created: Date.now() - 30 * DAY, expires: Date.now() - DAY, scopes: ['api'], description: 'Expired export'}),
		);
		try {
			expect(await raw.hlen('tokens')).toBe(7);
			const app = fixture.start({columns: 120, rows: 30});
			let screen = await app.waitFor('7 tokens (1 expired)', {message: 'the count of every stored token'});
			expect(screen).not.toContain('Expired export');
			expect(screen).toContain('1 expired hidden (x shows)');
			expect(screen).toMatch(/ 1\/6 /);
			await app.type('x');
			screen = await app.waitFor('Expired export');
			expect(rowOf(screen, 'Expired export')).toMatch(/L Expired export .* expired/);
			expect(screen).toContain('1 expired shown (x hides)');
			expect(screen).toMatch(/ 1\/7 /);
			await app.type('x');
			screen = await app.waitFor(current => !current.includes('Expired export'));
			expect(screen).toContain('7 tokens (1 expired)');
			// Help lists the key and the term.
			await app.type('?');
			screen = await app.waitFor('Show or hide expired tokens (still stored)');
			expect(screen).toContain('risk:');
		} finally {
			await raw.hdel('tokens', 'e'.repeat(64));
		}
	});

	it('v opens the review, most severe first with its findings; Enter opens details; Esc comes back', async () => {
		const app = fixture.start({columns: 100, rows: 30});
		await app.waitFor('6 tokens', {message: 'the table'});
		await app.type('v');
		let screen = await app.waitFor('tokens with findings, most severe first', {message: 'the review'});
		const lines = screen.split('\n');
		const firstToken = lines.findIndex(line => line.startsWith('›'));
		// The selected token is the high one, its findings below it with their level words.
		expect(lines[firstToken + 1]).toContain('Admin automation · all accounts');
		expect(lines[firstToken + 2]).toMatch(/high +Has every scope \(\*\) and no account binding/);
		// Every high finding comes before every medium one, and medium before low.
		const levels = lines.map(line => /^ {4}(high|medium|low) /.exec(line)?.[1]).filter(Boolean);
		const firstOf = (level: string) => levels.indexOf(level);
		expect(firstOf('medium')).toBeGreaterThan(firstOf('high'));
		expect(screen).toContain('Is bound to an account that no longer exists');
		await app.type('j');
		screen = await app.waitFor(current => (current.split('\n').find(line => line.startsWith('›')) ?? '') !== lines[firstToken]);
		const second = screen.split('\n');
		const description = second[second.findIndex(line => line.startsWith('›')) + 1]!.trim().split(' · ')[0]!;
		await app.type('\r');
		// The details of the token under the cursor (read when the view opens: "Loading…" first).
		screen = await app.waitFor(current => current.includes('Token details') && /^ id {2,}[0-9a-f]{64}/m.test(current));
		expect(screen).toMatch(new RegExp(`^ description +${description}`, 'm'));
		await app.type('\u001B');
		screen = await app.waitFor('tokens with findings, most severe first', {message: 'back in the review'});
		expect(screen).toMatch(/2\/\d+ tokens with findings/);
		await app.type('\u001B');
		await app.waitFor(current => current.includes('6 tokens') && /^ \? help| {2}\? more\s*$/m.test(current), {message: 'the table'});
	});
});
