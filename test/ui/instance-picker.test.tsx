import {describe, expect, it} from 'vitest';
import {KeypressProvider} from '../../source/ui/hooks/keypress.js';
import {InstancePicker} from '../../source/ui/screens/instances.js';
import {fakeKeys} from './helpers/fake-keys.js';
import {KEYS} from './helpers/pty.js';
import {renderToTerminal} from './helpers/xterm.js';

const CHOICES = [
	{name: 'staging', readOnly: false, redis: 'redis://s/8'},
	{name: 'prod', readOnly: true, redis: 'redis://p/8'},
];

const settle = async () => new Promise(resolve => setTimeout(resolve, 60));

describe('the instance picker', () => {
	it('picks with Enter, and while a switch is on its way takes no key: a second Enter starts no second switch', async () => {
		for (const busy of [false, true]) {
			const keys = fakeKeys();
			const picked: string[] = [];
			let closed = 0;
			const screen = await renderToTerminal(
				<KeypressProvider input={keys.source}>
					<InstancePicker
						choices={CHOICES}
						current="staging"
						status={busy ? 'Switching to prod…' : undefined}
						busy={busy}
						width={80}
						height={10}
						onPick={name => picked.push(name)}
						onClose={() => closed++}
					/>
				</KeypressProvider>,
				{columns: 80, rows: 12},
			);
			try {
				keys.type('j');
				await settle();
				keys.type(KEYS.enter);
				await settle();
				keys.type(KEYS.escape);
				await settle();
				expect([picked, closed], busy ? 'busy' : 'idle').toEqual(busy ? [[], 0] : [['prod'], 1]);
			} finally {
				screen.unmount();
			}
		}
	});
});
