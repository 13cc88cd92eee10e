/**
 * README pictures from the real app: a throwaway redis-server is seeded, the built CLI runs in a
 * pty, @xterm/headless rebuilds its screen, and each screen becomes media/NAME.svg (and .png when
 * a Chromium is installed). Run with `npm run media`. The token on the shown-once picture is a
 * throwaway from a throwaway Redis that is deleted at the end.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Redis} from 'ioredis';
import {TokenStore} from '../source/store/index.js';
import {encodeExportString, encodeLastUse} from '../source/tokens/index.js';
import {startRedis} from '../test/helpers/redis.js';
import {KEYS, spawnApp} from '../test/ui/helpers/pty.js';
import {terminalToSvg} from './svg.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const COLUMNS = 120;
const ROWS = 30;

const TOKENS = [
	{description: 'Billing service (production)', scopes: ['api'], account: 'acme', used: 4 * 60_000},
	{description: 'Prometheus scraper', scopes: ['metrics'], used: 30_000, restrictions: {addresses: ['10.0.0.0/8']}},
	{description: 'Helpdesk integration', scopes: ['api', 'smtp'], account: 'support', used: 3 * 86_400_000},
	{description: 'Mail relay for the CRM', scopes: ['smtp', 'imap-proxy'], account: 'relay', used: 2 * 3_600_000},
	{description: 'Admin automation', scopes: ['*']},
	{description: 'Claude desktop (MCP)', scopes: ['mcp'], account: 'acme', used: 45 * 60_000},
	{description: 'Temporary token for the API reference', scopes: ['api'], expires: 3_600_000},
	{description: 'Nightly export job', scopes: ['api'], account: 'example', expires: 30 * 86_400_000, used: 20 * 3_600_000},
	{description: 'Staging smoke tests', scopes: ['api'], account: 'staging', restrictions: {rateLimit: {maxRequests: 100, timeWindow: 60}}},
	{description: 'Webhook re-delivery worker', scopes: ['api'], used: 12 * 86_400_000},
];

/**
 * What turns an SVG into a PNG here: librsvg's rsvg-convert (apt-get install librsvg2-bin, small),
 * else a headless Chromium. Both draw the SVG's monospace text with the machine's fonts.
 */
type PngRenderer = {name: string; render: (svgPath: string, pngPath: string, width: number, height: number) => void};

function findRenderer(): PngRenderer | undefined {
	for (const candidate of ['/usr/bin/rsvg-convert', '/usr/local/bin/rsvg-convert']) {
		if (existsSync(candidate)) {
			return {
				name: 'rsvg-convert',
				// Twice the size, as Chromium's device scale factor 2 drew them: sharp on a high-density screen.
				render: (svgPath, pngPath) => execFileSync(candidate, ['--zoom=2', '-o', pngPath, svgPath], {stdio: 'ignore', timeout: 60_000}),
			};
		}
	}

	for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
		if (existsSync(candidate)) {
			return {name: 'Chromium', render: (svgPath, pngPath, width, height) => chromiumPng(candidate, svgPath, pngPath, width, height)};
		}
	}

	return undefined;
}

function chromiumPng(chromium: string, svgPath: string, pngPath: string, width: number, height: number): void {
	const html = path.join(path.dirname(svgPath), '.capture.html');
	writeFileSync(
		html,
		`<!doctype html><html><body style="margin:0;background:transparent"><img src="${path.basename(svgPath)}" width="${width}" height="${height}"></body></html>`,
	);
	try {
		execFileSync(
			chromium,
			[
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--hide-scrollbars',
				'--force-device-scale-factor=2',
				`--window-size=${width},${height}`,
				`--screenshot=${pngPath}`,
				`file://${html}`,
			],
			{stdio: 'ignore', timeout: 60_000},
		);
	} finally {
		rmSync(html, {force: true});
	}
}

const redis = await startRedis();
const app = spawnApp([`--dbs.redis=${redis.url()}`], {columns: COLUMNS, rows: ROWS});
const written: string[] = [];
try {
	const client = new Redis(redis.url(), {maxRetriesPerRequest: 1});
	const store = new TokenStore(client);
	await client.sadd('ia:accounts', 'acme', 'support', 'relay', 'example', 'staging');
	const now = Date.now();
	for (const token of TOKENS) {
		const {id} = await store.issue({
			description: token.description,
			scopes: token.scopes,
			account: token.account,
			expires: token.expires === undefined ? undefined : now + token.expires,
			restrictions: token.restrictions,
		});
		if (token.used !== undefined) {
			await client.hset('tokens:access', id, encodeLastUse(now - token.used, '203.0.113.7'));
		}
	}

	// A string as another instance would export it: a made-up id, never issued anywhere.
	const foreign = encodeExportString('301e8c51af813d7351' + 'a7'.repeat(23), {
		created: new Date(now - 40 * 86_400_000),
		scopes: ['api'],
		account: 'acme',
		description: 'Moved from the old server',
	});
	client.disconnect();

	const snap = (name: string, title: string) => {
		const file = path.join(here, `${name}.svg`);
		writeFileSync(file, terminalToSvg(app.terminal, {title}));
		written.push(file);
	};

	await app.waitFor('10 tokens');
	await app.waitFor('Billing service');
	snap('table', 'ee-tokens — token table');

	await app.type('/acme');
	await app.waitFor('2 of 10');
	snap('filter', 'ee-tokens — filter as you type');
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes('2 of 10'));

	await app.type('v');
	await app.waitFor('tokens with findings, most severe first');
	snap('review', 'ee-tokens — review, most severe first');
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes('tokens with findings'));

	await app.type('?');
	await app.waitFor('Filter by what rows show');
	snap('help', 'ee-tokens — help (from the keymap)');
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes('Filter by what rows show'));

	await app.type('n');
	await app.waitFor('step 1 of 9');
	await app.type(`Grafana dashboard${KEYS.enter}`);
	await app.waitFor('step 2 of 9');
	await app.type(`j ${KEYS.down}${KEYS.space}`);
	await app.waitFor(/\[x\] metrics/);
	snap('issue-scopes', 'ee-tokens — issue wizard: scopes');
	await app.type(KEYS.enter);
	await app.waitFor('step 3 of 9');
	await app.type(KEYS.enter);
	await app.waitFor('step 4 of 9');
	await app.type(KEYS.enter);
	await app.waitFor('step 5 of 9');
	await app.type(`90d${KEYS.enter}`);
	await app.waitFor('step 6 of 9');
	await app.type(`10.0.0.0/8${KEYS.enter}`);
	await app.waitFor('step 7 of 9');
	await app.type(KEYS.enter);
	await app.waitFor('step 8 of 9');
	await app.type(`600/60${KEYS.enter}`);
	await app.waitFor('step 9 of 9');
	snap('issue-review', 'ee-tokens — issue wizard: review');
	await app.type(KEYS.enter);
	await app.waitFor('This is the only time the token is shown');
	snap('issue-token-shown', 'ee-tokens — the new token, shown once');
	await app.type(KEYS.enter);
	await app.waitFor('11 tokens');

	await app.type('i');
	await app.waitFor('Import a token');
	app.paste(foreign);
	await app.waitFor('Moved from the old server');
	snap('import-preview', 'ee-tokens — import preview');
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes('Import a token'));

	await app.type('d');
	await app.waitFor('Revoke this token?');
	await app.type('ab');
	snap('revoke', 'ee-tokens — revoke, typed confirmation');
	await app.type(KEYS.escape);
	await app.waitFor(screen => !screen.includes('Revoke this token?'));

	await app.type('q');
	await app.exited;
} finally {
	app.kill('SIGKILL');
	await redis.stop();
}

const renderer = findRenderer();
for (const svg of written) {
	if (renderer) {
		const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(readFileSync(svg, 'utf8')) ?? [];
		renderer.render(svg, svg.replace(/\.svg$/, '.png'), Number(width), Number(height));
	}
}

process.stdout.write(
	`${written.map(file => path.relative(process.cwd(), file)).join('\n')}\n${renderer ? `PNG files written with ${renderer.name}.\n` : 'No rsvg-convert or Chromium found: SVG only (apt-get install librsvg2-bin for PNG).\n'}`,
);
process.exit(0);
