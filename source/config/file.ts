// A little over 300 lines for a reason: the config file's shape is checked key by key, each with
// its own one-line error, beside the reading that calls the checks.
import {readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {TomlError, parse} from 'smol-toml';
import {TokenError, quoteTyped} from '../tokens/index.js';
import {maskRedisUrl, redisOptionsFor} from '../store/index.js';
import {closestName} from '../format/index.js';

type Env = Record<string, string | undefined>;

/** Where the Redis URL of an instance comes from: written in the file, a file of its own, or a variable. */
export type RedisUrlSource = {kind: 'url'; url: string} | {kind: 'file'; path: string} | {kind: 'env'; name: string};

/**
 * Where an instance's URL comes from, as shown: the URL with its password masked, or the file or
 * variable that holds it. Those are not read to be shown: their URL may carry a password too, and a
 * file that is missing is the business of the command that uses the instance, not of a listing.
 */
export function redisShown(redis: RedisUrlSource): string {
	switch (redis.kind) {
		case 'url': {
			return maskRedisUrl(redis.url);
		}

		case 'file': {
			return `(in file ${redis.path})`;
		}

		case 'env': {
			return `(in $${redis.name})`;
		}
	}
}

/** One `[instances.NAME]` table, checked. */
export type InstanceConfig = {
	name: string;
	redis: RedisUrlSource;
	/** As written (EENGINE_REDIS_PREFIX's form, without the ":"); undefined: no prefix. */
	prefix?: string;
	readOnly: boolean;
	color?: string;
};

export type InstancesFile = {
	path: string;
	default?: string;
	instances: InstanceConfig[];
	/** Said once on stderr (and in the app's status): a password in a file others may read. */
	warnings: string[];
};

/**
 * `$XDG_CONFIG_HOME/ee-tokens/config.toml`, else `~/.config/ee-tokens/config.toml`. A relative
 * XDG_CONFIG_HOME is ignored, as the XDG spec says: it would name another file in each directory.
 */
export function configPath(env: Env): string {
	const xdg = env['XDG_CONFIG_HOME'];
	const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || homedir(), '.config');
	return path.join(base, 'ee-tokens', 'config.toml');
}

/** Instance names: what a shell, a header and a TOML bare key all take as they are. */
const NAME = /^[A-Za-z\d][\w.-]{0,63}$/;

/** Ink's (chalk's) colour names, and `#rrggbb`. */
export const COLOR_NAMES = [
	'black',
	'red',
	'green',
	'yellow',
	'blue',
	'magenta',
	'cyan',
	'white',
	'gray',
	'grey',
	'redBright',
	'greenBright',
	'yellowBright',
	'blueBright',
	'magentaBright',
	'cyanBright',
	'whiteBright',
] as const;

const INSTANCE_KEYS = ['redis', 'redisFile', 'redisEnv', 'prefix', 'readOnly', 'color'] as const;
const TOP_KEYS = ['default', 'instances'] as const;

/** What a TOML value is, in words, for "must be text, not a number": never the value (it may be a password). */
function kindOf(value: unknown): string {
	if (value instanceof Date) {
		return 'a date';
	}

	if (Array.isArray(value)) {
		return 'a list';
	}

	switch (typeof value) {
		case 'string': {
			return 'text';
		}

		case 'boolean': {
			return 'a boolean';
		}

		case 'number':
		case 'bigint': {
			return 'a number';
		}

		default: {
			return 'a table';
		}
	}
}

const isTable = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * The config file, read and checked; undefined when there is none (everything then works as without
 * named instances). Anything wrong in it is one usage error (exit 2) naming the file, the instance
 * and the key; no value is ever echoed, since a `redis` value may hold a password.
 */
export function loadConfig(env: Env): InstancesFile | undefined {
	// Read once per run (one environment): a sync names two instances, and a URL is matched against
	// the read-only ones (resolve.ts), each of which would read and parse the file again.
	const known = loaded.get(env);
	if (known) {
		if ('error' in known) {
			throw known.error;
		}

		return known.file;
	}

	try {
		const file = readConfig(env);
		loaded.set(env, {file});
		return file;
	} catch (error) {
		loaded.set(env, {error});
		throw error;
	}
}

const loaded = new WeakMap<Env, {file: InstancesFile | undefined} | {error: unknown}>();

function readConfig(env: Env): InstancesFile | undefined {
	const file = configPath(env);
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'ENOENT') {
			return undefined;
		}

		throw new TokenError('usage', `Cannot read the config file ${file}: ${code ?? 'unreadable'}`);
	}

	return parseConfig(text, file, modeOf(file));
}

function modeOf(file: string): number | undefined {
	try {
		return statSync(file).mode;
	} catch {
		return undefined;
	}
}

/** The file's text, checked (loadConfig's work past reading, so tests can give text and a mode). */
export function parseConfig(text: string, file: string, mode?: number): InstancesFile {
	const invalid = (why: string) => new TokenError('usage', `Invalid config file ${file}: ${why}`);
	let document: Record<string, unknown>;
	try {
		document = parse(text);
	} catch (error) {
		if (error instanceof TomlError) {
			// The first line only: the rest is a code frame of the file, which may show a password.
			const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
			throw invalid(`line ${error.line}, column ${error.column}: ${reason}`);
		}

		throw error;
	}

	for (const key of Object.keys(document)) {
		if (!(TOP_KEYS as readonly string[]).includes(key)) {
			throw invalid(unknownKey(key, TOP_KEYS, 'the file takes default and [instances.NAME] tables'));
		}
	}

	const tables = document['instances'] ?? {};
	if (!isTable(tables)) {
		throw invalid(`instances must be tables, [instances.NAME], not ${kindOf(tables)}`);
	}

	const instances = Object.entries(tables).map(([name, table]) => instanceFrom(name, table, file, invalid));
	const chosen = document['default'];
	if (chosen !== undefined && typeof chosen !== 'string') {
		throw invalid(`default must be text, the name of an instance, not ${kindOf(chosen)}`);
	}

	if (chosen !== undefined && !instances.some(instance => instance.name === chosen)) {
		const close = closestName(
			chosen,
			instances.map(instance => instance.name),
		);
		throw invalid(
			`default names ${quoteTyped(chosen)}, which is no instance here${close === undefined ? '' : ` (did you mean ${close}?)`}; the instances are ${names(instances)}`,
		);
	}

	const warnings: string[] = [];
	const withPassword = instances.find(instance => instance.redis.kind === 'url' && hasPassword(instance.redis.url));
	if (withPassword && mode !== undefined && (mode & 0o077) !== 0 && process.platform !== 'win32') {
		warnings.push(
			`ee-tokens: warning: the config file ${file} holds a Redis password (instance ${withPassword.name}) and can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 it, or move the URL to redisFile or redisEnv`,
		);
	}

	return {path: file, ...(chosen === undefined ? {} : {default: chosen}), instances, warnings};
}

const names = (instances: readonly InstanceConfig[]) =>
	instances.length === 0 ? 'none' : instances.map(instance => instance.name).join(', ');

function unknownKey(key: string, known: readonly string[], then: string): string {
	const close = closestName(key, known);
	return `unknown key ${quoteTyped(key)}${close === undefined ? `; ${then}` : ` (did you mean ${close}?)`}`;
}

function hasPassword(url: string): boolean {
	return redisOptionsFor(url).password !== undefined;
}

function instanceFrom(name: string, table: unknown, file: string, invalid: (why: string) => TokenError): InstanceConfig {
	if (!NAME.test(name)) {
		throw invalid(
			`[instances.${quoteTyped(name)}]: an instance name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
		);
	}

	const where = `[instances.${name}]`;
	if (!isTable(table)) {
		throw invalid(`${where} must be a table, not ${kindOf(table)}`);
	}

	for (const key of Object.keys(table)) {
		if (!(INSTANCE_KEYS as readonly string[]).includes(key)) {
			throw invalid(`${where} ${unknownKey(key, INSTANCE_KEYS, `an instance takes ${INSTANCE_KEYS.join(', ')}`)}`);
		}
	}

	const text = (key: (typeof INSTANCE_KEYS)[number]): string | undefined => {
		const value = table[key];
		if (value === undefined) {
			return undefined;
		}

		if (typeof value !== 'string') {
			throw invalid(`${where} ${key} must be text, not ${kindOf(value)}`);
		}

		if (value.trim() === '') {
			throw invalid(`${where} ${key} is empty: give a value, or leave the key out`);
		}

		return value;
	};

	const given = (['redis', 'redisFile', 'redisEnv'] as const).filter(key => table[key] !== undefined);
	if (given.length !== 1) {
		throw invalid(
			given.length === 0
				? `${where} needs redis (a URL), redisFile (a file holding the URL) or redisEnv (a variable holding it)`
				: `${where} has ${given.join(' and ')}: give one of them, so the URL comes from one place`,
		);
	}

	let redis: RedisUrlSource;
	const url = text('redis');
	const redisFile = text('redisFile');
	const redisEnv = text('redisEnv');
	if (url !== undefined) {
		try {
			redisOptionsFor(url);
		} catch (error) {
			// redisOptionsFor's message masks the password; it is said under the instance's name.
			throw invalid(`${where} redis: ${(error as Error).message}`);
		}

		redis = {kind: 'url', url};
	} else if (redisFile === undefined) {
		if (!/^[A-Za-z_]\w*$/.test(redisEnv!)) {
			throw invalid(`${where} redisEnv must be the name of an environment variable (letters, digits, "_")`);
		}

		redis = {kind: 'env', name: redisEnv!};
	} else {
		// Relative to the config file, so the file means the same from every directory.
		redis = {kind: 'file', path: path.resolve(path.dirname(file), redisFile)};
	}

	const prefix = text('prefix');
	// eslint-disable-next-line no-control-regex
	if (prefix !== undefined && /[\u0000-\u001F\u007F]/.test(prefix)) {
		throw invalid(`${where} prefix has a control character`);
	}

	const readOnly = table['readOnly'] ?? false;
	if (typeof readOnly !== 'boolean') {
		throw invalid(`${where} readOnly must be true or false, not ${kindOf(readOnly)}`);
	}

	const color = text('color');
	if (color !== undefined && !(COLOR_NAMES as readonly string[]).includes(color) && !/^#[\dA-Fa-f]{6}$/.test(color)) {
		throw invalid(`${where} color ${quoteTyped(color)} is not a colour: use #rrggbb or one of ${COLOR_NAMES.join(', ')}`);
	}

	return {
		name,
		redis,
		...(prefix === undefined ? {} : {prefix: prefix.trim()}),
		readOnly,
		...(color === undefined ? {} : {color}),
	};
}
