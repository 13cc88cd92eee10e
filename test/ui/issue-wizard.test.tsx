import {DISCARD_QUESTION} from '../../source/ui/state/discard.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {TokenStore} from '../../source/store/index.js';
import {KeypressProvider} from '../../source/ui/hooks/keypress.js';
import {keyEvent} from '../../source/ui/keymap.js';
import {
	type IssueState,
	PERMISSION_CHOICES,
	accountSuggestions,
	initialIssueState,
	issueReducer,
	issueRequest,
	issueView,
} from '../../source/ui/state/issue-wizard.js';
import {IssueWizard, IssueWizardView} from '../../source/ui/screens/issue-wizard.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {fakeKeys} from './helpers/fake-keys.js';
import {renderToTerminal} from './helpers/xterm.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const key = (state: IssueState, input: string, extra = {}) => issueReducer(state, {type: 'key', key: keyEvent(input, extra), now: NOW});
const enter = (state: IssueState) => key(state, '', {name: 'return'});
const escape = (state: IssueState) => key(state, '', {name: 'escape'});
const type = (state: IssueState, text: string) => key(state, text);

describe('issue wizard reducer', () => {
	it('walks every step, validating each with the CLI parsers, and builds the request', () => {
		let state = enter(initialIssueState);
		expect(state).toMatchObject({step: 'description', error: 'A description is required.'});
		state = enter(type(state, '  Deploy bot '));
		expect(state.step).toBe('scopes');
		state = enter(state);
		expect(state.error).toMatch(/at least one scope/);
		state = key(state, 'j');
		state = key(state, ' ');
		state = key(state, '', {name: 'down'});
		state = key(state, '', {name: 'down'});
		state = key(state, ' ');
		state = enter(state);
		expect(state.step).toBe('permissions');
		// Not narrowed is the first choice: Enter takes it.
		state = enter(state);
		expect(state.step).toBe('account');
		state = issueReducer(state, {type: 'accounts', ids: ['acme', 'example', 'zeta']});
		state = type(state, 'ac');
		expect(accountSuggestions(state)).toEqual(['acme']);
		state = key(state, '', {name: 'tab'});
		expect(state.fields.account).toBe('acme');
		state = enter(state);
		state = enter(type(state, 'soon'));
		expect(state).toMatchObject({step: 'expires', error: expect.stringMatching(/Invalid expiry/)});
		state = key(state, 'u', {ctrl: true});
		state = enter(type(state, '30d'));
		state = enter(type(state, '10.0.0.0/33'));
		expect(state.error).toMatch(/Invalid IP address/);
		state = key(state, '', {name: 'backspace'});
		state = enter(type(state, '2, 192.168.1.1'));
		state = enter(type(state, 'https://*.example.com/*'));
		state = enter(type(state, '100/0'));
		expect(state.error).toMatch(/Invalid rate limit/);
		state = key(state, '', {name: 'backspace'});
		state = enter(type(state, '60'));
		expect(state.step).toBe('review');
		expect(issueRequest(state, NOW)).toEqual({
			description: 'Deploy bot',
			scopes: ['api', 'smtp'],
			account: 'acme',
			expires: NOW + 30 * 86_400_000,
			restrictions: {
				referrers: ['https://*.example.com/*'],
				addresses: ['10.0.0.0/32', '192.168.1.1'],
				rateLimit: {maxRequests: 100, timeWindow: 60},
			},
		});
		state = enter(state);
		expect(state.step).toBe('issuing');
		// Keys do nothing while the store works.
		expect(escape(state)).toBe(state);
	});

	it('picks permissions: a preset, or custom typed on a step of its own, shown in the review with its warnings', () => {
		const atPermissions = enter(key(enter(type(initialIssueState, 'relay')), ' '));
		expect(atPermissions.step).toBe('permissions');
		// The scopes: * (the first, toggled). Down twice: read-only, then mail-agent.
		const toReview = (state: IssueState) => enter(enter(enter(enter(enter(enter(state))))));
		const preset = key(key(atPermissions, 'j'), '', {name: 'down'});
		expect(PERMISSION_CHOICES[preset.permissionCursor]).toBe('mail-agent');
		const reviewed = toReview(preset);
		expect(reviewed.step).toBe('review');
		expect(reviewed.request?.permissions).toEqual({
			actions: ['read', 'write', 'send'],
			groups: ['account', 'mailbox', 'message', 'submit', 'outbox', 'template'],
		});
		// Up from the first choice wraps to custom, which asks for the axes on the next step.
		const custom = enter(key(atPermissions, '', {name: 'up'}));
		expect(custom.step).toBe('customPermissions');
		const refused = enter(type(custom, 'read / admin'));
		expect(refused).toMatchObject({
			step: 'customPermissions',
			error: expect.stringMatching(/^The admin group is never granted/) as unknown,
		});
		const typedAxes = enter(type(key(refused, 'u', {ctrl: true}), 'read / account,message'));
		expect(typedAxes.step).toBe('account');
		const done = enter(enter(enter(enter(enter(typedAxes)))));
		expect(done.request?.permissions).toEqual({actions: ['read'], groups: ['account', 'message']});
		// Back from the account step skips the custom step when a preset is chosen.
		expect(escape(enter(preset)).step).toBe('permissions');
	});

	it('goes back with Esc keeping what was typed, and from the first step asks before discarding it', () => {
		let state = enter(type(initialIssueState, 'x'));
		state = escape(state);
		expect(state).toMatchObject({step: 'description', fields: {description: 'x'}});
		// Something typed: the first Esc asks, the second discards.
		const asked = escape(state);
		expect(asked).toMatchObject({done: undefined, error: DISCARD_QUESTION, fields: {description: 'x'}});
		expect(escape(asked).done).toBe('cancelled');
		// Any other key keeps it, and does what it does; the question is gone, and the next Esc asks again.
		const kept = type(asked, 'y');
		expect(kept).toMatchObject({done: undefined, error: undefined, fields: {description: 'xy'}});
		expect(escape(kept)).toMatchObject({done: undefined, error: DISCARD_QUESTION});
		// Nothing typed: Esc leaves at once.
		expect(escape(initialIssueState).done).toBe('cancelled');
	});

	it('keeps everything after a failure and retries on Enter', () => {
		const typed: IssueState = {...initialIssueState, fields: {...initialIssueState.fields, description: 'kept'}, scopes: ['*']};
		let state: IssueState = {...typed, step: 'issuing', request: issueRequest(typed, NOW)};
		state = issueReducer(state, {type: 'failed', message: 'Could not issue the token: connection refused.'});
		expect(state).toMatchObject({step: 'review', fields: {description: 'kept'}});
		expect(state.error).toMatch(/try again/);
		expect(enter(state).step).toBe('issuing');
	});

	it('holds the token only in the shown step and drops it on close', () => {
		let state = issueReducer({...initialIssueState, step: 'issuing'}, {type: 'issued', token: 'a'.repeat(64), id: 'b'.repeat(64)});
		expect(state.issued?.token).toBe('a'.repeat(64));
		expect(issueView(state.step)).toBe('token-shown');
		expect(key(state, 'x')).toBe(state);
		state = enter(state);
		expect(state.issued).toBeUndefined();
		expect(state.done).toBe('closed');
		expect(JSON.stringify(state)).not.toContain('a'.repeat(64));
	});

	it('renders the shown-once step with its warning', async () => {
		const state = issueReducer({...initialIssueState, step: 'issuing'}, {type: 'issued', token: 'c'.repeat(64), id: 'd'.repeat(64)});
		const screen = await renderToTerminal(<IssueWizardView state={state} width={100} height={20} />, {columns: 100, rows: 22});
		try {
			expect(screen.text()).toContain('c'.repeat(64));
			expect(screen.text()).toContain('This is the only time the token is shown');
			expect(screen.text()).toContain(`Token id ${'d'.repeat(64)}`);
		} finally {
			screen.unmount();
		}
	});

	it('warns once of an account with no record, with the closest known one; Enter again goes on', () => {
		let state: IssueState = {
			...initialIssueState,
			fields: {...initialIssueState.fields, description: 'x'},
			scopes: ['api'],
			step: 'account',
		};
		state = issueReducer(state, {type: 'accounts', ids: ['acme', 'globex', 'initech']});
		state = type(state, 'globx');
		// Until Redis has said, nothing is known: no warning is made up.
		expect(enter(state).step).toBe('expires');
		state = issueReducer(state, {type: 'accountChecked', account: 'globx', exists: false});
		const warned = enter(state);
		expect(warned).toMatchObject({
			step: 'account',
			error: 'globx: no such account; did you mean globex? Enter again issues it for globx anyway.',
		});
		expect(enter(warned).step).toBe('expires');
		// The account typed afresh, and what Redis said of `checked` (the one typed, unless it says otherwise).
		const typedAndChecked = (account: string, exists: boolean, checked = account) =>
			issueReducer(type({...state, fields: {...state.fields, account: ''}}, account), {type: 'accountChecked', account: checked, exists});
		// An account that exists goes on at once; one with nothing close is said without a guess.
		expect(enter(typedAndChecked('acme', true)).step).toBe('expires');
		expect(enter(typedAndChecked('zzzzzz', false)).error).toBe('zzzzzz: no such account. Enter again issues it for zzzzzz anyway.');
		// Listed in ia:accounts but with no record: never "did you mean" the name itself.
		expect(enter(typedAndChecked('initech', false)).error).toBe('initech: no such account. Enter again issues it for initech anyway.');
		// A check of an account typed before is not taken for the one typed now.
		const stale = typedAndChecked('globe', false, 'glob');
		expect(enter(stale).step).toBe('expires');
	});

	it('completes the account id as stored, and shows it (and the suggestions) inert', async () => {
		const hostile = 'evil\u001B]0;pwned\u0007acct';
		let state: IssueState = {...initialIssueState, step: 'account'};
		state = issueReducer(state, {type: 'accounts', ids: [hostile]});
		state = type(state, 'ev');
		expect(accountSuggestions(state)).toEqual([hostile]);
		const suggesting = await renderToTerminal(<IssueWizardView state={state} width={100} height={20} />, {
			columns: 100,
			rows: 22,
		});
		try {
			expect(suggesting.text()).toContain('known accounts: evil\uFFFD]0;pwned\uFFFDacct');
		} finally {
			suggesting.unmount();
		}

		state = key(state, '', {name: 'tab'});
		expect(state.fields.account).toBe(hostile);
		expect(issueRequest({...state, fields: {...state.fields, description: 'x'}, scopes: ['api']}, NOW).account).toBe(hostile);
		const completed = await renderToTerminal(<IssueWizardView state={state} width={100} height={20} />, {columns: 100, rows: 22});
		try {
			expect(completed.text()).toContain('Account (optional) › evil\uFFFD]0;pwned\uFFFDacct');
		} finally {
			completed.unmount();
		}
	});
});

describe('the issue wizard review', () => {
	const review = (addresses: string, referrers = ''): IssueState => {
		const typed = {...initialIssueState, scopes: ['api'], fields: {...initialIssueState.fields, description: 'x', addresses, referrers}};
		return {...typed, step: 'review', request: issueRequest(typed, NOW)};
	};

	it('makes the request once, when the wizard moves to the review, from the time of that key', () => {
		const at =
			(now: number) =>
			(state: IssueState, input: string, extra = {}) =>
				issueReducer(state, {type: 'key', key: keyEvent(input, extra), now});
		let state: IssueState = {
			...initialIssueState,
			step: 'rateLimit',
			scopes: ['api'],
			fields: {...initialIssueState.fields, description: 'x', expires: '1h'},
		};
		// Typed while the clock read NOW, confirmed 15 s later: 1h counts from the move to the review.
		state = at(NOW)(state, '');
		state = at(NOW + 15_000)(state, '', {name: 'return'});
		expect(state.step).toBe('review');
		expect(state.request?.expires).toBe(NOW + 15_000 + 3_600_000);
		// Enter issues that request, whenever it is pressed; Esc drops it, and the next review makes a new one.
		expect(at(NOW + 60_000)(state, '', {name: 'return'})).toMatchObject({step: 'issuing', request: state.request});
		const back = at(NOW + 60_000)(state, '', {name: 'escape'});
		expect(back).toMatchObject({step: 'rateLimit', request: undefined});
		expect(at(NOW + 60_000)(back, '', {name: 'return'}).request?.expires).toBe(NOW + 60_000 + 3_600_000);
	});

	it('stays on the step with the reason when the fields no longer make a request (a date that has passed)', () => {
		const state: IssueState = {
			...initialIssueState,
			step: 'rateLimit',
			scopes: ['api'],
			fields: {...initialIssueState.fields, description: 'x', expires: '2026-11-22T08:00:30Z'},
		};
		const later = issueReducer(state, {type: 'key', key: keyEvent('', {name: 'return'}), now: NOW + 60_000});
		expect(later.step).toBe('rateLimit');
		expect(later.request).toBeUndefined();
		expect(later.error).toMatch(/expir/i);
	});

	it('warns, as the CLI does, of every entry that restricts nothing, and says nothing for a real range', async () => {
		for (const [addresses, referrers, warning] of [
			['0.0.0.0/0', '', 'Warning: IP allowlist entry 0.0.0.0/0 allows every IPv4 address'],
			['10.0.0.0/8, ::/0', '', 'Warning: IP allowlist entry ::/0 allows every IPv6 address'],
			// IPv4-mapped IPv6: the matcher unwraps it, so it lets every IPv4 client through.
			['::ffff:0:0/96', '', 'Warning: IP allowlist entry ::ffff:0:0/96 allows every IPv4 address'],
			['', '*', 'Warning: Referrer pattern * allows every request, even one without a Referer'],
		] as const) {
			const screen = await renderToTerminal(<IssueWizardView state={review(addresses, referrers)} width={200} height={20} />, {
				columns: 200,
				rows: 22,
			});
			try {
				expect(screen.text()).toContain(warning);
			} finally {
				screen.unmount();
			}
		}

		const plain = await renderToTerminal(<IssueWizardView state={review('10.0.0.0/8')} width={200} height={20} />, {
			columns: 200,
			rows: 22,
		});
		try {
			expect(plain.text()).toMatch(/IP allowlist\s+10\.0\.0\.0\/8/);
			expect(plain.text()).not.toContain('Warning');
		} finally {
			plain.unmount();
		}
	});
});

describe('the issue wizard component', () => {
	let redis: TestRedis;
	beforeAll(async () => {
		redis = await startRedis();
	});
	afterAll(async () => redis.stop());

	it('issues exactly the request its review showed, however long the review stayed open', async () => {
		const store = new TokenStore(redis.client(), '');
		const keys = fakeKeys();
		// Opened at 16:43:56, 1h typed, confirmed into the review at 16:44:11, issued at 16:44:40.
		let clock = Date.parse('2026-11-22T16:43:56Z');
		const screen = await renderToTerminal(
			<KeypressProvider input={keys.source}>
				<IssueWizard store={store} width={100} height={24} clock={() => clock} onClose={() => {}} />
			</KeypressProvider>,
			{columns: 100, rows: 26},
		);
		const typeKeys = async (text: string, until: string | RegExp) => {
			keys.type(text);
			const started = Date.now();
			while (!(typeof until === 'string' ? screen.text().includes(until) : until.test(screen.text()))) {
				if (Date.now() - started > 10_000) {
					throw new Error(`timed out waiting for ${String(until)} on:\n${screen.text()}`);
				}

				await new Promise(resolve => setTimeout(resolve, 20));
			}
		};

		try {
			await typeKeys('Cron job\r', 'Scopes');
			await typeKeys(' ', '[x]');
			await typeKeys('\r', 'Permissions (optional)');
			await typeKeys('\r', 'Account (optional)');
			await typeKeys('\r', 'Expiry (optional)');
			await typeKeys('1h\r', 'IP allowlist (optional)');
			await typeKeys('\r', 'Referrers (optional)');
			await typeKeys('\r', 'Rate limit (optional)');
			clock = Date.parse('2026-11-22T16:44:11Z');
			await typeKeys('\r', 'Enter issues the token');
			expect(screen.text()).toMatch(/expires\s+2026-11-22 17:44 UTC/);
			clock = Date.parse('2026-11-22T16:44:40Z');
			await typeKeys('\r', 'This is the only time the token is shown');
			const id = /Token id ([\da-f]{64})/.exec(screen.text())![1]!;
			expect((await store.resolve(id)).record['expires']).toBe(Date.parse('2026-11-22T17:44:11Z'));
		} finally {
			screen.unmount();
		}
	});
});
