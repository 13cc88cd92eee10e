import {Text} from 'ink';
import {describe, expect, it} from 'vitest';
import {Contained} from '../../source/ui/components/contained.js';
import {KeypressProvider, PRIORITY, useKeypress} from '../../source/ui/hooks/keypress.js';
import {fakeKeys} from './helpers/fake-keys.js';
import {renderToTerminal} from './helpers/xterm.js';

function Thrower({message}: {message: string}): never {
	throw new Error(message);
}

/** A view whose key handler throws on `x` (a reducer meeting a value it did not foresee). */
function Fragile() {
	useKeypress(key => {
		if (key.input === 'x') {
			throw new TypeError('restrictions.addresses.join is not a function');
		}
	}, PRIORITY.screen);
	return <Text>fragile view</Text>;
}

const fallback = (message: string) => <Text>{`failed: ${message}`}</Text>;

describe('error containment', () => {
	it('shows a view that throws while rendering as one line, and the views beside it stay', async () => {
		const screen = await renderToTerminal(
			<>
				<Text>header</Text>
				<Contained fallback={fallback}>
					<Thrower message={'join is not a function\n    at stack line'} />
				</Contained>
			</>,
		);
		try {
			expect(screen.lines().slice(0, 2)).toEqual(['header', 'failed: join is not a function at stack line']);
		} finally {
			screen.unmount();
		}
	});

	it('contains a key handler that throws: the view turns into its one-line error', async () => {
		const keys = fakeKeys();
		const screen = await renderToTerminal(
			<KeypressProvider input={keys.source}>
				<Text>header</Text>
				<Contained fallback={fallback}>
					<Fragile />
				</Contained>
			</KeypressProvider>,
		);
		try {
			expect(screen.text()).toContain('fragile view');
			keys.type('x');
			// Keys are dispatched in a timer (after React's pending render): wait for the screen.
			for (let tries = 0; tries < 100 && !screen.text().includes('failed'); tries++) {
				await new Promise(resolve => setTimeout(resolve, 20));
			}

			expect(screen.lines().slice(0, 2)).toEqual(['header', 'failed: restrictions.addresses.join is not a function']);
		} finally {
			screen.unmount();
		}
	});

	it('tries again when retryOn changes', async () => {
		const view = (failing: boolean, version: number) => (
			<Contained retryOn={version} fallback={fallback}>
				{failing ? <Thrower message="bad data" /> : <Text>table</Text>}
			</Contained>
		);
		const screen = await renderToTerminal(view(true, 1));
		try {
			expect(screen.lines()[0]).toBe('failed: bad data');
			await screen.rerender(view(false, 1));
			expect(screen.lines()[0]).toBe('failed: bad data');
			await screen.rerender(view(false, 2));
			expect(screen.lines()[0]).toBe('table');
		} finally {
			screen.unmount();
		}
	});
});
