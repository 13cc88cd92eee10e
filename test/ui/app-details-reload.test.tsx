import {afterAll, beforeAll, expect, it} from 'vitest';
import {type OpenStore, openStore} from '../../source/store/index.js';
import {App} from '../../source/ui/app.js';
import type {KeySource} from '../../source/ui/hooks/keypress.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {KEYS} from './helpers/pty.js';
import {type Seeded, seedTokens} from './helpers/seed.js';
import {renderToTerminal} from './helpers/xterm.js';

/**
 * The whole app in this process, with a periodic reload an hour away: what changes on screen after
 * a key was done by that key, not by the 10-second reload a pty test cannot tell it from.
 */

let redis: TestRedis;
let opened: OpenStore;
let seeded: Seeded[];
beforeAll(async () => {
	redis = await startRedis();
	seeded = await seedTokens(redis.url());
	opened = await openStore({flag: redis.url(), env: {}, persistent: true});
});
afterAll(async () => {
	await opened.close();
	await redis.stop();
});

function keys() {
	let listener: ((text: string) => {quit: boolean}) | undefined;
	const source: KeySource = {
		subscribe(next) {
			listener = next;
			return () => {
				listener = undefined;
			};
		},
	};
	return {source, type: (text: string) => listener?.(text)};
}

async function until(read: () => string, pattern: RegExp): Promise<string> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const text = read();
		if (pattern.test(text)) {
			return text;
		}

		await new Promise(resolve => setTimeout(resolve, 25));
	}

	throw new Error(`never showed ${String(pattern)}:\n${read()}`);
}

it('r in the details reads the token and its audit log again at once', async () => {
	const input = keys();
	const screen = await renderToTerminal(
		<App store={opened.store} endpoint={redis.url()} prefix="" refreshMs={3_600_000} input={input.source} />,
		{columns: 120, rows: 35},
	);
	try {
		await until(screen.text, /\d+ tokens/);
		input.type('/Billing service');
		input.type(KEYS.enter);
		input.type(KEYS.enter);
		const billing = seeded.find(token => token.description === 'Billing service')!;
		await until(screen.text, /audit log/);
		expect(screen.text()).toMatch(/r reload/);
		await opened.store.redis.set(`tokens:log:${billing.id}`, 'not a list');
		input.type('r');
		await until(screen.text, /could not be read: WRONGTYPE/);
	} finally {
		screen.unmount();
	}
});
