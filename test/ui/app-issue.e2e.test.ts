import {describe, expect, it} from 'vitest';
import {Redis} from 'ioredis';
import {TokenStore} from '../../source/store/index.js';
import {tokenIdOf} from '../../source/tokens/index.js';
import {KEYS} from './helpers/pty.js';
import {appFixture} from './helpers/app-fixture.js';

const fixture = appFixture();

describe('the app: issue wizard', () => {
	// One app: cancelling leaves it as it was, so issuing then runs on it and quits it.
	it('cancels with Esc and writes nothing', async () => {
		const app = await fixture.shared();
		await app.waitFor(/\d+ tokens/);
		const before = /(\d+) tokens/.exec(app.screen())![1];
		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type('nope');
		// Something typed: the first Esc asks, the second discards it.
		await app.type(KEYS.escape);
		await app.waitFor('Esc again discards what you typed; any other key keeps it.');
		expect(app.screen()).toContain('Description › nope');
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes('New token'));
		expect(app.screen()).toContain(`${before} tokens`);
		expect(app.screen()).not.toContain('nope');
	});

	it('issues a token that exists in the store, shows it once, then wipes it from the screen', async () => {
		const app = await fixture.shared();
		await app.waitFor('6 tokens');
		await app.type('n');
		await app.waitFor('step 1 of 9');
		await app.type('CI deploy');
		await app.type(KEYS.enter);
		await app.waitFor('step 2 of 9');
		await app.type(`j ${KEYS.enter}`);
		await app.waitFor('step 3 of 9');
		// Permissions: down twice to mail-agent, which says what it allows.
		await app.type(`j${KEYS.down}`);
		const picker = await app.waitFor(
			/› mail-agent +Can read, change and send accounts, folders, messages, outgoing mail, the outbox and templates/,
		);
		expect(picker).toMatch(/none +not narrowed: whatever the scopes reach/);
		await app.type(KEYS.enter);
		await app.waitFor('step 4 of 9');
		// An account with no record (iad:{account}) is warned of once, with the closest known one.
		await fixture.redis.client().hset('iad:relay', 'account', 'relay');
		await app.type('rely');
		// Asked as it is typed, and said under the field.
		await app.waitFor('no account rely on this instance');
		await app.type(KEYS.enter);
		await app.waitFor('rely: no such account; did you mean relay? Enter again issues it for rely anyway.');
		expect(app.screen()).toContain('step 4 of 9');
		await app.type(`${KEYS.ctrlU}rel`);
		await app.waitFor('known accounts: relay');
		await app.type(KEYS.tab);
		await app.waitFor('› relay');
		await app.type(KEYS.enter);
		await app.waitFor('step 5 of 9');
		await app.type(`7d${KEYS.enter}`);
		await app.waitFor('step 6 of 9');
		await app.type(`10.0.0.0/8${KEYS.enter}`);
		await app.waitFor('step 7 of 9');
		await app.type(KEYS.enter);
		await app.waitFor('step 8 of 9');
		await app.type(`50/60${KEYS.enter}`);
		await app.waitFor('step 9 of 9');
		expect(app.screen()).toMatch(/account\s+relay/);
		expect(app.screen()).toMatch(/may do\s+Can read, change and send accounts/);
		await app.type(KEYS.enter);
		const shown = await app.waitFor('This is the only time the token is shown');
		const token = /\b([0-9a-f]{64})\b/.exec(shown.split('\n').find(line => line.includes('│')) ?? '')?.[1];
		expect(token).toBeDefined();

		const client = new Redis(fixture.redis.url(), {maxRetriesPerRequest: 1});
		try {
			const store = new TokenStore(client);
			const entry = await store.resolve(token!);
			expect(entry.id).toBe(tokenIdOf(token!));
			expect(entry.record).toMatchObject({
				description: 'CI deploy',
				scopes: ['api'],
				account: 'relay',
				restrictions: {addresses: ['10.0.0.0/8'], rateLimit: {maxRequests: 50, timeWindow: 60}},
				permissions: {actions: ['read', 'write', 'send'], groups: ['account', 'mailbox', 'message', 'submit', 'outbox', 'template']},
			});
		} finally {
			client.disconnect();
		}

		await app.type('c');
		await app.waitFor(/Copied|Sent to the terminal's clipboard/);
		const copiedAt = app.output().length;
		expect(app.output()).toContain(`\u001B]52;c;${Buffer.from(token!).toString('base64')}\u0007`);
		await app.type(KEYS.enter);
		// The cursor lands on the token just issued.
		await app.waitFor(screen => screen.includes('7 tokens') && /^› +[A-Z!] CI deploy/m.test(screen));
		// The status line says what happened, until the next key.
		await app.waitFor('✓ Issued "CI deploy"');
		await app.type('j');
		await app.waitFor(screen => !screen.includes('✓ Issued'));
		expect(app.history()).not.toContain(token);
		// Nothing written after the dialog closed carries it either.
		expect(app.output().slice(copiedAt)).not.toContain(token);
		app.write('q');
		expect((await app.exited).exitCode).toBe(0);
		expect(app.history()).not.toContain(token);
	});
});
