import {Text} from 'ink';
import {useEffect} from 'react';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SummaryTable, TokenStore} from '../../source/store/index.js';
import type {TokenSummary} from '../../source/tokens/index.js';
import {type TokenSource, useTokens} from '../../source/ui/hooks/use-tokens.js';
import {StatusLine} from '../../source/ui/screens/table.js';
import {initialTableState} from '../../source/ui/state/table.js';
import {seedTokens} from '../bench/seed.js';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {renderToTerminal} from './helpers/xterm.js';

let redis: TestRedis;
let store: TokenStore;

beforeAll(async () => {
	redis = await startRedis();
	await seedTokens(redis.client(), 3000);
	store = new TokenStore(redis.client(), '');
});

afterAll(async () => redis.stop());

async function until(condition: () => boolean, timeout = 10_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeout) {
			throw new Error('timed out');
		}

		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

/** What the app's table gets from useTokens: the rows, and how many ids while only the first are in. */
function Probe({source, refreshMs, tokens = store}: {source?: TokenSource; refreshMs?: number; tokens?: TokenStore}) {
	const {data, connection} = useTokens(tokens, {source, refreshMs});
	return (
		<Text>
			{data
				? `${data.rows.length} rows ${data.partOf === undefined ? 'whole' : `of ${data.partOf}`} first=${data.rows.row(0)?.id} ${connection}`
				: 'nothing yet'}
		</Text>
	);
}

describe('the table while the whole listing loads', () => {
	it("holds the listing's first rows from Redis at once, then the whole table when it is in", async () => {
		// The whole table is held back until the test lets it go; the first rows come from Redis.
		let release: (rows: TokenSummary[]) => void = () => {};
		const whole = new Promise<TokenSummary[]>(resolve => {
			release = resolve;
		});
		const source: TokenSource = {all: async () => SummaryTable.of(await whole), head: async count => store.head(count)};
		const screen = await renderToTerminal(<Probe source={source} />);
		try {
			const expected = await store.summaries();
			await until(() => screen.text().includes('rows'));
			expect(screen.lines()[0]).toBe(`200 rows of 3000 first=${expected[0]!.id} up`);
			release(expected);
			await until(() => screen.text().includes('whole'));
			expect(screen.lines()[0]).toBe(`3000 rows whole first=${expected[0]!.id} up`);
		} finally {
			screen.unmount();
		}
	});

	it('a reload asked for while one runs is not dropped: a write made meanwhile shows without the periodic reload', async () => {
		const small = new TokenStore(redis.client(10), '');
		await small.issue({description: 'There first', scopes: ['api']});
		let calls = 0;
		let release: (() => void) | undefined;
		const source: TokenSource = {
			async all() {
				calls++;
				if (calls === 2) {
					// The second read is under way (it read before the write below) until the test lets it end.
					const rows = await small.summaries();
					await new Promise<void>(resolve => {
						release = resolve;
					});
					return SummaryTable.of(rows);
				}

				return SummaryTable.of(await small.summaries());
			},
		};
		const handle = {refresh() {}, ready: false};
		function Refreshing() {
			const tokens = useTokens(small, {source, refreshMs: 3_600_000});
			useEffect(() => {
				handle.refresh = tokens.refresh;
				handle.ready = true;
			});
			return <Text>{tokens.data ? `${tokens.data.rows.length} rows` : 'nothing yet'}</Text>;
		}

		const screen = await renderToTerminal(<Refreshing />);
		try {
			await until(() => screen.text().includes('1 rows') && handle.ready);
			handle.refresh();
			// Held once it has read (release is set then), so the write below is not in what it read.
			await until(() => release !== undefined);
			await small.issue({description: 'Made meanwhile', scopes: ['api']});
			// What a dialog does after its write: ask for a reload, while the second read still runs.
			handle.refresh();
			release!();
			await until(() => screen.text().includes('2 rows'));
		} finally {
			screen.unmount();
		}
	});

	it('reloads by itself on the periodic refresh, no key pressed (its interval injected)', async () => {
		// A small table: the refresh waits at least LOAD_TIME_SHARE (50) times as long as a load took,
		// so 3,000 rows would stretch the 200 ms to seconds.
		const small = new TokenStore(redis.client(9), '');
		await small.issue({description: 'There first', scopes: ['api']});
		const screen = await renderToTerminal(<Probe tokens={small} refreshMs={200} />);
		try {
			await until(() => screen.text().includes('1 rows whole'));
			await small.issue({description: 'Made by a script', scopes: ['api']});
			await until(() => screen.text().includes('2 rows whole'));
			expect(screen.lines()[0]).toMatch(/^2 rows whole first=[\da-f]{64} up$/);
		} finally {
			screen.unmount();
		}
	});

	it('while Redis refuses connections, waits for it to come back instead of reading (a loader child each time) every 2 s', async () => {
		const away = await startRedis();
		try {
			const client = away.client();
			const small = new TokenStore(client, '');
			await small.issue({description: 'Only one', scopes: ['api']});
			// Every read of the table, with the state of the connection when it was asked for.
			const reads: string[] = [];
			const source: TokenSource = {
				all: async () => {
					reads.push(client.status);
					return SummaryTable.of(await small.summaries());
				},
			};
			let reconnects = 0;
			client.on('reconnecting', () => reconnects++);
			const screen = await renderToTerminal(<Probe tokens={small} source={source} refreshMs={200} />);
			try {
				await until(() => screen.text().includes('1 rows whole'));
				await away.kill();
				// ioredis retries after 50, 100, 150… ms: ten retries span the app's 2-s retry and
				// a dozen 200-ms refreshes.
				await until(() => reconnects >= 10 && screen.text().includes('down'));
				expect(reads.filter(status => status !== 'ready')).toEqual([]);
			} finally {
				screen.unmount();
			}
		} finally {
			await away.stop();
		}
	});

	it('says so on the status line', async () => {
		const screen = await renderToTerminal(
			<StatusLine state={initialTableState} shown={200} total={200} width={80} loading={false} partOf={100_000} />,
			{columns: 80, rows: 3},
		);
		try {
			// The default sort (newest first, by a column 80 cells cannot show) comes after it.
			expect(screen.lines()[0]).toMatch(/^ 1\/200 {3}loading the rest of 100,000… {3}sorted by created, newest/);
		} finally {
			screen.unmount();
		}
	});
});
