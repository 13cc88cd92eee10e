import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {configPath, loadConfig, parseConfig, readOnlyRefusal, resolveConnection} from '../../source/config/index.js';
import {TokenError} from '../../source/tokens/index.js';

const home = mkdtempSync(path.join(tmpdir(), 'ee-tokens-config-'));
afterAll(() => rmSync(home, {recursive: true, force: true}));

let dirs = 0;
/** A fresh XDG_CONFIG_HOME holding `text` as ee-tokens/config.toml (mode 0600 unless told). */
function configHome(text: string, mode = 0o600): string {
	const dir = path.join(home, `xdg-${dirs++}`);
	mkdirSync(path.join(dir, 'ee-tokens'), {recursive: true});
	writeFileSync(path.join(dir, 'ee-tokens', 'config.toml'), text);
	chmodSync(path.join(dir, 'ee-tokens', 'config.toml'), mode);
	return dir;
}

const FILE = '/etc/x/config.toml';
const refusal = (text: string) => {
	try {
		parseConfig(text, FILE);
	} catch (error) {
		expect(error).toBeInstanceOf(TokenError);
		expect((error as TokenError).code).toBe('usage');
		return (error as Error).message;
	}

	throw new Error('the config was accepted');
};

const TWO = `
default = "staging"

[instances.staging]
redis = "redis://127.0.0.1:6379/8"
color = "green"

[instances.prod]
redis = "redis://:s3cret@prod.example:6379/8"
prefix = " ee "
readOnly = true
color = "#ff0000"
`;

describe('the config file', () => {
	it('is $XDG_CONFIG_HOME/ee-tokens/config.toml, else ~/.config/ee-tokens/config.toml (a relative XDG_CONFIG_HOME is ignored)', () => {
		expect(configPath({XDG_CONFIG_HOME: '/x/conf', HOME: '/home/u'})).toBe('/x/conf/ee-tokens/config.toml');
		expect(configPath({HOME: '/home/u'})).toBe('/home/u/.config/ee-tokens/config.toml');
		expect(configPath({XDG_CONFIG_HOME: 'relative', HOME: '/home/u'})).toBe('/home/u/.config/ee-tokens/config.toml');
	});

	it('missing is no error: there are then no instances', () => {
		expect(loadConfig({XDG_CONFIG_HOME: path.join(home, 'nothing-here')})).toBeUndefined();
	});

	it('reads instances with every key, and the default', () => {
		const file = parseConfig(TWO, FILE);
		expect(file.default).toBe('staging');
		expect(file.instances).toEqual([
			{name: 'staging', redis: {kind: 'url', url: 'redis://127.0.0.1:6379/8'}, readOnly: false, color: 'green'},
			{name: 'prod', redis: {kind: 'url', url: 'redis://:s3cret@prod.example:6379/8'}, prefix: 'ee', readOnly: true, color: '#ff0000'},
		]);
	});

	it('takes the URL from a file (relative to the config file) or a variable', () => {
		const file = parseConfig('[instances.a]\nredisFile = "a.url"\n[instances.b]\nredisEnv = "B_URL"\n', FILE);
		expect(file.instances.map(instance => instance.redis)).toEqual([
			{kind: 'file', path: '/etc/x/a.url'},
			{kind: 'env', name: 'B_URL'},
		]);
	});

	it.each([
		[
			'bad TOML, by line and column and without the text',
			'a = \n[instances.x]\nredis = "redis://:pw@h"',
			/^Invalid config file \/etc\/x\/config.toml: line 1, column 5: invalid value$/,
		],
		['an unknown top-level key', 'defualt = "x"', /unknown key "defualt" \(did you mean default\?\)/],
		[
			'an unknown instance key',
			'[instances.prod]\nredis = "redis://h/1"\nreadonly = true',
			/\[instances\.prod\] unknown key "readonly" \(did you mean readOnly\?\)/,
		],
		[
			'a key of the wrong type',
			'[instances.prod]\nredis = "redis://h/1"\nreadOnly = "yes"',
			/\[instances\.prod\] readOnly must be true or false, not text/,
		],
		['a redis that is not text', '[instances.prod]\nredis = 6379', /\[instances\.prod\] redis must be text, not a number/],
		[
			'a default naming no instance',
			'default = "prd"\n[instances.prod]\nredis = "redis://h/1"',
			/default names "prd", which is no instance here \(did you mean prod\?\); the instances are prod/,
		],
		['a bad name', '[instances."my prod"]\nredis = "redis://h/1"', /\[instances\."my prod"\]: an instance name is 1 to 64 letters/],
		['a bad colour', '[instances.prod]\nredis = "redis://h/1"\ncolor = "purple"', /\[instances\.prod\] color "purple" is not a colour/],
		['no URL at all', '[instances.prod]\nprefix = "ee"', /\[instances\.prod\] needs redis \(a URL\), redisFile .* or redisEnv/],
		['two URLs', '[instances.prod]\nredis = "redis://h/1"\nredisEnv = "X"', /\[instances\.prod\] has redis and redisEnv: give one of them/],
		[
			'a malformed URL (masked)',
			'[instances.prod]\nredis = "redis://:pw@h/abc"',
			/\[instances\.prod\] redis: Invalid Redis URL redis:\/\/:\*\*\*@h\/abc: the database must be/,
		],
		['instances that are not tables', 'instances = 3', /instances must be tables/],
	])('refuses %s: one line naming the file, the instance and the key', (_what, text, message) => {
		const said = refusal(text);
		expect(said).toMatch(message);
		expect(said).toContain(FILE);
		expect(said).not.toContain('\n');
		expect(said).not.toContain('pw@');
	});

	it('warns when a file holding a password can be read by others, and only then', () => {
		const warned = loadConfig({XDG_CONFIG_HOME: configHome(TWO, 0o644)})!.warnings;
		expect(warned).toHaveLength(1);
		expect(warned[0]).toMatch(/holds a Redis password \(instance prod\) and can be read by other users \(mode 0644\): chmod 600 it/);
		expect(warned[0]).not.toContain('s3cret');
		expect(loadConfig({XDG_CONFIG_HOME: configHome(TWO, 0o600)})!.warnings).toEqual([]);
		expect(loadConfig({XDG_CONFIG_HOME: configHome('[instances.a]\nredis = "redis://h/1"', 0o644)})!.warnings).toEqual([]);
	});
});

describe('which Redis a command uses', () => {
	const xdg = configHome(`${TWO}\n[instances.fromenv]\nredisEnv = "FROM_ENV_URL"\n[instances.fromfile]\nredisFile = "fromfile.url"\n`);
	writeFileSync(path.join(xdg, 'ee-tokens', 'fromfile.url'), 'redis://file-host:6379/3\n');
	const base = {XDG_CONFIG_HOME: xdg};
	const use = (flags: Parameters<typeof resolveConnection>[0], env: Record<string, string> = {}) =>
		resolveConnection(flags, {...base, ...env});
	const url = (...parameters: Parameters<typeof use>) => use(...parameters).resolution.target.url;

	it('--dbs.redis and --instance together are a usage error, never a choice', () => {
		expect(() => use({redisFlag: 'redis://h/1', instanceFlag: 'prod'})).toThrow(
			/^--dbs\.redis and --instance both name a Redis: give one of them$/,
		);
	});

	it('--dbs.redis wins over EE_TOKENS_INSTANCE (and says so), EENGINE_REDIS and the default', () => {
		const chosen = use({redisFlag: 'redis://flag/1'}, {EE_TOKENS_INSTANCE: 'prod', EENGINE_REDIS: 'redis://env/2'});
		expect(chosen.resolution.target).toMatchObject({url: 'redis://flag/1', source: '--dbs.redis'});
		expect(chosen.instance).toBeUndefined();
		expect(url({redisFlag: 'redis://flag/1'}, {EE_TOKENS_INSTANCE: 'prod'})).toBe('redis://flag/1');
		expect(use({redisFlag: 'redis://flag/1'}, {EE_TOKENS_INSTANCE: 'prod'}).resolution.notice).toBe(
			'ee-tokens: using --dbs.redis redis://flag/1, not EE_TOKENS_INSTANCE prod',
		);
	});

	it('--instance wins over EE_TOKENS_INSTANCE and EENGINE_REDIS (said), and takes the instance prefix, source and colour', () => {
		const chosen = use(
			{instanceFlag: 'prod'},
			{EE_TOKENS_INSTANCE: 'staging', EENGINE_REDIS: 'redis://env/2', EENGINE_REDIS_PREFIX: 'other'},
		);
		expect(chosen.resolution.target).toMatchObject({url: 'redis://:s3cret@prod.example:6379/8', source: 'instance prod', prefix: 'ee:'});
		expect(chosen.instance).toEqual({name: 'prod', color: '#ff0000'});
		expect(chosen.readOnly).toEqual({instance: true, flag: false});
		expect(chosen.resolution.notice).toBe('ee-tokens: using instance prod (--instance), not EENGINE_REDIS');
	});

	it('EE_TOKENS_INSTANCE wins over EENGINE_REDIS and REDIS_URL', () => {
		expect(url({}, {EE_TOKENS_INSTANCE: 'staging', EENGINE_REDIS: 'redis://env/2'})).toBe('redis://127.0.0.1:6379/8');
		expect(url({}, {EE_TOKENS_INSTANCE: 'prod', REDIS_URL: 'redis://env/2'})).toBe('redis://:s3cret@prod.example:6379/8');
	});

	it('EENGINE_REDIS and REDIS_URL win over the config default, which wins over the built-in default', () => {
		expect(use({}, {EENGINE_REDIS: 'redis://env/2'}).resolution.target).toMatchObject({url: 'redis://env/2', source: 'EENGINE_REDIS'});
		expect(use({}, {REDIS_URL: 'redis://env/3'}).resolution.target).toMatchObject({url: 'redis://env/3', source: 'REDIS_URL'});
		const chosen = use({});
		expect(chosen.resolution.target.source).toBe('instance staging');
		expect(chosen.instance?.name).toBe('staging');
	});

	it('without a config file, everything is as before: the built-in default', () => {
		const chosen = resolveConnection({}, {XDG_CONFIG_HOME: path.join(home, 'none')});
		expect(chosen.resolution.target).toMatchObject({url: 'redis://127.0.0.1:6379/8', source: 'default', prefix: ''});
		expect(chosen.instance).toBeUndefined();
		expect(resolveConnection({}, {XDG_CONFIG_HOME: path.join(home, 'none'), EENGINE_REDIS_PREFIX: 'p'}).resolution.target.prefix).toBe(
			'p:',
		);
	});

	it('--instance without a config file names the path looked in', () => {
		expect(() => resolveConnection({instanceFlag: 'prod'}, {XDG_CONFIG_HOME: path.join(home, 'none')})).toThrow(
			`--instance "prod": there is no config file at ${path.join(home, 'none')}/ee-tokens/config.toml`,
		);
	});

	it('an unknown name is one line with a did-you-mean', () => {
		expect(() => use({instanceFlag: 'prd'})).toThrow(
			/^Unknown instance "prd" \(--instance\); did you mean prod\? The instances in .* are staging, prod, fromenv, fromfile$/,
		);
		expect(() => use({}, {EE_TOKENS_INSTANCE: 'nope'})).toThrow(/^Unknown instance "nope" \(EE_TOKENS_INSTANCE\); the instances in/);
	});

	it('a broken config file does not stop an explicit URL', () => {
		const broken = configHome('this is not toml');
		expect(resolveConnection({redisFlag: 'redis://h/1'}, {XDG_CONFIG_HOME: broken}).resolution.target.url).toBe('redis://h/1');
		expect(resolveConnection({}, {XDG_CONFIG_HOME: broken, EENGINE_REDIS: 'redis://h/2'}).resolution.target.url).toBe('redis://h/2');
		expect(() => resolveConnection({}, {XDG_CONFIG_HOME: broken})).toThrow(/^Invalid config file .*: line 1/);
	});

	it('redisEnv and redisFile give the whole URL; unset or missing is one line', () => {
		expect(url({instanceFlag: 'fromenv'}, {FROM_ENV_URL: 'redis://env-host/5'})).toBe('redis://env-host/5');
		expect(url({instanceFlag: 'fromfile'})).toBe('redis://file-host:6379/3');
		expect(() => use({instanceFlag: 'fromenv'})).toThrow(/^FROM_ENV_URL \(redisEnv of instance fromenv\) is not set/);
		const gone = configHome('[instances.a]\nredisFile = "missing.url"');
		expect(() => resolveConnection({instanceFlag: 'a'}, {XDG_CONFIG_HOME: gone})).toThrow(
			/^Cannot read redisFile .*missing\.url of instance a: ENOENT$/,
		);
	});

	it('--read-only marks any connection; the refusal says what would have written and how to allow it', () => {
		const flagged = use({redisFlag: 'redis://h/1', readOnly: true});
		expect(readOnlyRefusal(flagged, 'issue')?.message).toBe(
			'--read-only is given: issue would write to it; nothing was done (drop --read-only)',
		);
		expect(readOnlyRefusal(use({instanceFlag: 'prod'}), 'revoke')?.message).toBe(
			'Instance prod is read-only: revoke would write to it; nothing was done (set readOnly = false in the config file)',
		);
		expect(readOnlyRefusal(use({instanceFlag: 'staging'}), 'issue')).toBeUndefined();
	});
});
