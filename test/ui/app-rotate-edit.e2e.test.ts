import {describe, expect, it} from 'vitest';
import {Redis} from 'ioredis';
import {TokenStore} from '../../source/store/index.js';
import {encodeRecord, expiryOf, tokenIdOf} from '../../source/tokens/index.js';
import {KEYS} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

// The cases at 120x35 share one app (each starts at the unfiltered table and filters to a token no
// other case touches); the 80x24 case starts its own.
const fixture = appFixture();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function withStore<T>(act: (store: TokenStore) => Promise<T>): Promise<T> {
	const client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
	try {
		return await act(new TokenStore(client));
	} finally {
		client.disconnect();
	}
}

const idOf = (description: string) => fixture.seeded.find(token => token.description === description)!.id;

/** The raw token in the shown-once box. */
/**
 * A message of several lines on the screen reads as one paragraph: every line from the one with
 * `first` to the one with `last` starts one column in, and none starts with a space more.
 */
function expectIndentedParagraph(screen: string, first: string, last: string): void {
	const lines = screen.split('\n');
	const start = lines.findIndex(line => line.includes(first));
	const end = lines.findIndex((line, index) => index >= start && line.includes(last));
	expect(start).toBeGreaterThanOrEqual(0);
	expect(end).toBeGreaterThan(start);
	for (const line of lines.slice(start, end + 1)) {
		expect(line).toMatch(/^ \S/);
	}
}

const shownToken = (screen: string) => /\b([0-9a-f]{64})\b/.exec(screen.split('\n').find(line => line.includes('│')) ?? '')?.[1];

describe('the app: R rotates a token', () => {
	it('copies every field, retires the old one after the grace, shows the new token once, and the details link both', async () => {
		const oldId = idOf('Mail relay');
		const app = await fixture.shared();
		await app.type(`/Mail relay${KEYS.enter}`);
		await app.waitFor(/Mail relay/);
		await app.type('R');
		const preview = await app.waitFor(/description\s+Mail relay/);
		expect(preview).toContain('Rotate token');
		expect(preview).toMatch(/account\s+relay/);
		expect(preview).toMatch(/Grace › 24h/);

		// The grace is checked as rotate --grace checks it, the error in the dialog.
		await app.type(`${KEYS.ctrlU}soon${KEYS.enter}`);
		await app.waitFor('Invalid grace "soon"');
		await app.type(`${KEYS.ctrlU}2h${KEYS.enter}`);
		await app.waitFor('Enter rotates');
		const before = Date.now();
		await app.type(KEYS.enter);
		const shown = await app.waitFor('This is the only time the token is shown');
		const after = Date.now();
		const token = shownToken(shown);
		expect(token).toBeDefined();
		const newId = tokenIdOf(token!);

		await withStore(async store => {
			const fresh = await store.resolve(token!);
			expect(fresh.record).toMatchObject({description: 'Mail relay', scopes: ['smtp', 'imap-proxy'], account: 'relay'});
			const old = await store.resolve(oldId);
			const expires = expiryOf(old.record)!;
			expect(expires).toBeGreaterThanOrEqual(before + 2 * HOUR - 1000);
			expect(expires).toBeLessThanOrEqual(after + 2 * HOUR);
		});

		await app.type(KEYS.enter);
		await app.waitFor(screen => screen.includes('2 of 7') && !screen.includes('Rotated'));
		// The status line says it, until the next key.
		expect(app.screen()).toContain('✓ Rotation done: the new token is under the cursor');
		expect(app.history()).not.toContain(token);

		// Both rows are "Mail relay": the details of each say how they are linked.
		const details: string[] = [];
		// g and G, not j: the cursor lands on the new token once the reload shows it, so where it is
		// when the filter first shows both rows depends on the reload's timing.
		for (const move of ['g', 'G']) {
			await app.type(`${move}${KEYS.enter}`);
			details.push(await app.waitFor(/Token details[^]*last used from/));
			await app.type(KEYS.escape);
			await app.waitFor(screen => !screen.includes('Token details'));
		}

		const all = details.join('\n');
		// The seeded old token was used from 10.0.0.7 three hours ago.
		const flat = all.replaceAll(/\s+/g, ' ');
		expect(flat).toContain(`rotated from ${oldId} the old token was last used 3 hours ago from 10.0.0.7 and stops working in 2 hours`);
		expect(flat).toContain(`replaced by ${newId} this token stops working in 2 hours`);
		expect(app.history()).not.toContain(token);
	});
});

describe('the app: E edits a token in place', () => {
	it('changes the description and expiry with one write, and the table shows them', async () => {
		const id = idOf('Billing service');
		const app = await fixture.shared();
		await app.type(`/Billing${KEYS.enter}`);
		await app.waitFor(/Billing service/);
		await app.type('E');
		const form = await app.waitFor(/Description › Billing service/);
		// The account and scopes are shown, not edited.
		expect(form).toMatch(/account\s+acme/);
		expect(form).toContain('Account and scopes cannot change here: rotate (R) or issue a new token.');
		await app.type(`${KEYS.ctrlU}Billing v2${KEYS.enter}`);
		await app.waitFor('Expiry › never');
		// Checked as edit --expires checks it.
		await app.type(`${KEYS.ctrlU}someday${KEYS.enter}`);
		await app.waitFor(/Invalid (expiry|--expires)/);
		await app.type(`${KEYS.ctrlU}30d${KEYS.enter}`);
		for (const title of ['IP allowlist ›', 'Referrers ›', 'Rate limit ›']) {
			await app.waitFor(title);
			await app.type(KEYS.enter);
		}

		// Permissions: prefilled none; admin is refused on the field, a preset taken.
		await app.waitFor('Permissions › none');
		await app.type(`${KEYS.ctrlU}read / admin${KEYS.enter}`);
		await app.waitFor('The admin group is never granted');
		await app.type(`${KEYS.ctrlU}send-only${KEYS.enter}`);
		await app.waitFor('Metadata ›');
		await app.type(KEYS.enter);
		const review = await app.waitFor('Enter saves these changes');
		expect(review).toMatch(/description\s+Billing v2/);
		expect(review).toMatch(/may do\s+Can send outgoing mail/);
		// One zone marker: the ISO time's Z, not "Z UTC".
		expect(review).not.toContain('Z UTC');
		const expected = Date.parse(/expires\s+(\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(review)![1]!);
		// 30 days from when the form moved to the review (this test's run is shorter than a day).
		expect(Math.round((expected - Date.now()) / DAY)).toBe(30);
		await app.type(KEYS.enter);
		// The row itself, reloaded (the status line names "Billing v2" before the reload is in), with the new expiry.
		await app.waitFor(screen => /Billing v2 .*in 30 days/.test(screen) && !screen.includes('Edit token'));
		expect(app.screen()).toContain('✓ Saved the changes to "Billing v2"');

		await withStore(async store => {
			const entry = await store.resolve(id);
			expect(entry.record).toMatchObject({
				description: 'Billing v2',
				account: 'acme',
				scopes: ['api'],
				permissions: {actions: ['send'], groups: ['submit']},
			});
			// What the review showed is what was written.
			expect(expiryOf(entry.record)).toBe(expected);
		});
	});

	it('from the details, saves and returns to the details of the token, showing the new values', async () => {
		const app = await fixture.shared();
		await app.type(`/MCP assistant${KEYS.enter}`);
		await app.waitFor(/MCP assistant/);
		await app.type(KEYS.enter);
		await app.waitFor(/Token details[^]*description\s+MCP assistant/);
		await app.type('E');
		await app.waitFor(/Description › MCP assistant/);
		await app.type(`${KEYS.ctrlU}MCP assistant v2${KEYS.enter}`);
		for (const title of ['Expiry ›', 'IP allowlist ›', 'Referrers ›', 'Rate limit ›', 'Permissions ›', 'Metadata ›']) {
			await app.waitFor(title);
			await app.type(KEYS.enter);
		}

		await app.waitFor('Enter saves these changes');
		await app.type(KEYS.enter);
		const details = await app.waitFor(/Token details[^]*description\s+MCP assistant v2/);
		expect(details).not.toContain('Edit token');
		// Esc there goes back to the table, as from any details.
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('Token details') && screen.includes('MCP assistant v2'));
	});

	it('says so when another operator changed the token meanwhile, writes nothing, and saves after a reload', async () => {
		const id = idOf('Helpdesk integration');
		const app = await fixture.shared();
		await app.type(`/Helpdesk${KEYS.enter}`);
		await app.waitFor(/Helpdesk integration/);
		await app.type('E');
		await app.waitFor(/Description › Helpdesk integration/);
		await app.type(KEYS.enter);
		await app.waitFor('Expiry ›');
		await app.type(KEYS.enter);
		await app.waitFor('IP allowlist ›');
		await app.type(`10.1.0.0/16${KEYS.enter}`);
		for (const title of ['Referrers ›', 'Rate limit ›', 'Permissions ›', 'Metadata ›']) {
			await app.waitFor(title);
			await app.type(KEYS.enter);
		}

		await app.waitFor('Enter saves these changes');
		// Another operator, after the form was filled.
		await withStore(async store => store.edit(id, {description: 'Helpdesk (changed elsewhere)'}));
		await app.type(KEYS.enter);
		await app.waitFor('Another operator changed this token since the form was filled; nothing was written.');
		await withStore(async store => {
			const entry = await store.resolve(id);
			expect(entry.record['restrictions']).toBeUndefined();
		});

		await app.type(KEYS.enter);
		const reloaded = await app.waitFor('Enter saves these changes');
		// The reload keeps what was typed and takes the other operator's description.
		expect(reloaded).toMatch(/IP allowlist\s+10\.1\.0\.0\/16/);
		expect(reloaded).not.toMatch(/description\s/);
		await app.type(KEYS.enter);
		await app.waitFor(screen => screen.includes('Helpdesk (changed elsewhere)') && !screen.includes('Edit token'));
		await withStore(async store => {
			const entry = await store.resolve(id);
			expect(entry.record).toMatchObject({description: 'Helpdesk (changed elsewhere)', restrictions: {addresses: ['10.1.0.0/16']}});
		});
	});
});

describe('the app: R and E at 80x24', () => {
	it('rotates with no grace, shows the whole token once, then nothing of it; refuses a malformed record on one line', async () => {
		const oldId = idOf('Prometheus scraper');
		const app = fixture.start({columns: 80, rows: 24});
		await app.waitFor(/\d+ tokens/);
		await app.type(`/Prometheus${KEYS.enter}`);
		await app.waitFor(/Prometheus scraper/);
		await app.type('R');
		await app.waitFor(/description\s+Prometheus scraper/);
		await app.type(`${KEYS.ctrlU}0${KEYS.enter}`);
		await app.waitFor('The old token stops working at once');
		const before = Date.now();
		await app.type(KEYS.enter);
		const shown = await app.waitFor('This is the only time the token is shown');
		const token = shownToken(shown);
		expect(token).toBeDefined();
		expect(shown).toMatch(/stops working at once/);
		await withStore(async store => {
			const old = await store.resolve(oldId);
			expect(expiryOf(old.record)).toBeLessThanOrEqual(Date.now());
			expect(expiryOf(old.record)).toBeGreaterThanOrEqual(before - 1000);
			expect((await store.resolve(token!)).record).toMatchObject({description: 'Prometheus scraper', scopes: ['metrics']});
		});
		// Not copied yet: Esc asks once, with the token still there; Esc again closes it.
		await app.type(KEYS.escape);
		expect(await app.waitFor('Not copied yet: close anyway?')).toContain(token);
		await app.type(KEYS.escape);
		// The retired token has expired: the table lists the new one only.
		await app.waitFor(screen => /Prometheus scraper/.test(screen) && !screen.includes('Rotated'));
		expect(app.history()).not.toContain(token);

		// A record EmailEngine cannot use is refused by the store, said on one line in the dialog.
		const adminId = idOf('Admin automation');
		await withStore(async store => {
			const {record} = await store.resolve(adminId);
			const client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
			await client.hset('tokens', adminId, encodeRecord({...record, restrictions: 'everything'}));
			client.disconnect();
		});
		await app.type(`${KEYS.escape}/Admin${KEYS.enter}`);
		await app.waitFor(/Admin automation/);
		await app.type('R');
		await app.waitFor('Grace › 24h');
		await app.type(KEYS.enter);
		await app.waitFor('Enter rotates');
		await app.type(KEYS.enter);
		const refused = await app.waitFor(screen =>
			/Could not rotate: Token \w+ cannot be rotated: its record is malformed \(restrictions is text, not a map\)/.test(
				screen.replaceAll(/\s+/g, ' '),
			),
		);
		expect(refused).not.toContain('This is the only time');
		expectIndentedParagraph(refused, 'Could not rotate:', `${adminId}.`);
		await app.type(`${KEYS.escape}${KEYS.escape}`);
		await app.waitFor(screen => !screen.includes('Rotate token'));

		// E at 80x24: the form and its review fit.
		await app.type('E');
		await app.waitFor(/Description › Admin automation/);
		expect(app.screen()).toMatch(/scopes\s+all scopes/);
		await app.type(`!${KEYS.enter}`);
		// The expiry's hint takes two lines here, the second indented as the first.
		const expiry = await app.waitFor('Expiry ›');
		expectIndentedParagraph(expiry, 'never, a duration from now', 'to extend the current expiry.');
		for (const title of ['IP allowlist ›', 'Referrers ›', 'Rate limit ›', 'Permissions ›', 'Metadata ›', 'Enter saves these changes']) {
			await app.type(KEYS.enter);
			await app.waitFor(title);
		}

		await app.type(KEYS.enter);
		const editRefused = await app.waitFor(screen => screen.replaceAll(/\s+/g, ' ').includes(`cannot be edited: its record is malformed`));
		expectIndentedParagraph(editRefused, 'Could not save:', `${adminId}.`);
	});
});
