import {Redis} from 'ioredis';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type TestRedis, startRedis} from '../helpers/redis.js';
import {TokenStore} from '../../source/store/index.js';
import {encodeLastUse} from '../../source/tokens/index.js';
import {startApp} from './helpers/in-process-app.js';
import {type AppProcess, KEYS} from './helpers/pty.js';
import {endApp} from './helpers/app-fixture.js';

const DAY = 86_400_000;

/**
 * Tokens whose descriptions never say their scope, so that "metrics" can only find them through
 * the Scopes column, as the issue reports it ("metrics" found 1 of 7 metrics tokens).
 */
const TOKENS = [
	{description: 'Prometheus scraper', scopes: ['metrics']},
	{description: 'Grafana agent', scopes: ['api', 'metrics'], account: 'acme'},
	{description: 'Node exporter', scopes: ['metrics'], account: 'support'},
	{description: 'Admin automation', scopes: ['*']},
	{description: 'Billing service', scopes: ['api'], account: 'acme', usedDaysAgo: 0.1},
	{description: 'Old sync job', scopes: ['api'], account: 'acme', usedDaysAgo: 200},
	{description: 'Helpdesk integration', scopes: ['smtp'], account: 'support'},
];

let redis: TestRedis;
let app: AppProcess | undefined;

beforeAll(async () => {
	redis = await startRedis();
	const client = new Redis(redis.url(), {maxRetriesPerRequest: 1});
	try {
		const store = new TokenStore(client, '');
		const now = Date.now();
		for (const token of TOKENS) {
			const {id} = await store.issue({description: token.description, scopes: token.scopes, account: token.account});
			if (token.usedDaysAgo !== undefined) {
				await client.hset('tokens:access', id, encodeLastUse(now - token.usedDaysAgo * DAY, '10.0.0.7'));
			}
		}
	} finally {
		client.disconnect();
	}
});
afterAll(async () => {
	await endApp(app);
	await redis?.stop();
});

/**
 * One app for the file's cases: started by the first, handed to each later one at the unfiltered
 * table (Esc, Esc: help closed, a filter cleared).
 */
const start = async () => {
	if (app) {
		await app.type(`${KEYS.escape}${KEYS.escape}`);
	} else {
		app = startApp([`--dbs.redis=${redis.url()}`]);
	}

	await app.waitFor(text => text.includes('7 tokens') && !text.includes(' of 7') && !text.includes('Filter terms'), {message: 'the table'});
	return app;
};

/** The descriptions of the table's rows on screen (rows start with the selection and mark symbols). */
const shownDescriptions = (lines: string[]) =>
	TOKENS.map(token => token.description).filter(description =>
		lines.some(line => /^[› ][• ][! ] /.test(line) && line.includes(description)),
	);

describe('the app: the / filter', () => {
	it('finds what the Scopes column shows: "metrics" every metrics token, "all scopes" the * one', async () => {
		const app = await start();
		await app.type('/metrics');
		await app.waitFor('3 of 7', {message: 'three metrics tokens'});
		expect(shownDescriptions(app.lines())).toEqual(
			expect.arrayContaining(['Prometheus scraper', 'Grafana agent', 'Node exporter']) as unknown,
		);
		expect(shownDescriptions(app.lines())).toHaveLength(3);
		await app.type(KEYS.escape);
		await app.waitFor(screen => !screen.includes(' of 7'), {message: 'the filter cleared'});
		await app.type('/all scopes');
		await app.waitFor('1 of 7', {message: 'the all-scopes token'});
		expect(shownDescriptions(app.lines())).toEqual(['Admin automation']);
	});

	it('filters by terms; a term half typed is left out, with the reason, instead of emptying the table', async () => {
		const app = await start();
		await app.type('/scope:api');
		await app.waitFor('3 of 7', {message: 'the api tokens'});
		await app.type(' unused:>9');
		// Not an empty table and not an error in place of the rows: the api tokens, and why not yet.
		await app.waitFor('not applied: Filter term "unused:>9" needs a duration', {message: 'the reason'});
		expect(app.screen()).toContain('3 of 7');
		expect(shownDescriptions(app.lines())).toHaveLength(3);
		await app.type('0d');
		await app.waitFor('1 of 7', {message: 'the api token unused for 90 days'});
		expect(app.screen()).not.toContain('not applied');
		expect(shownDescriptions(app.lines())).toEqual(['Old sync job']);
		await app.type(`${KEYS.ctrlU}account:support is:never-used`);
		await app.waitFor('2 of 7', {message: "support's tokens"});
		expect(shownDescriptions(app.lines()).sort()).toEqual(['Helpdesk integration', 'Node exporter']);
	});

	it('lists the terms in help', async () => {
		const app = await start();
		await app.type('?');
		await app.waitFor('Filter terms (/)', {message: 'the help'});
		expect(app.screen()).toMatch(/unused:\s+unused:>90d/);
		expect(app.screen()).toMatch(/scope:\s+scope:metrics/);
	});
});
