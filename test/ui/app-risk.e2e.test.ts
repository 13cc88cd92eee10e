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
});
