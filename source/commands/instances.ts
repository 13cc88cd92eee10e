import {type InstanceConfig, configPath, loadConfig, redisShown} from '../config/index.js';
import {maskRedisUrl} from '../store/index.js';
import {sanitizeText} from '../format/index.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand, jsonFlag} from './command.js';
import {safeJson} from './safe-json.js';

const jsonOf = (instance: InstanceConfig, isDefault: boolean) => ({
	name: instance.name,
	redis: instance.redis.kind === 'url' ? maskRedisUrl(instance.redis.url) : null,
	redisFile: instance.redis.kind === 'file' ? instance.redis.path : null,
	redisEnv: instance.redis.kind === 'env' ? instance.redis.name : null,
	prefix: instance.prefix ?? null,
	readOnly: instance.readOnly,
	color: instance.color ?? null,
	default: isDefault,
});

const EXAMPLE = `default = "staging"

[instances.staging]
redis = "redis://127.0.0.1:6379/8"
color = "green"

[instances.prod]
redisEnv = "PROD_REDIS_URL"   # or redisFile = "prod-redis.url": the URL stays out of this file
prefix = "ee"
readOnly = true
color = "red"`;

export const instancesCommand = defineCommand({
	name: 'instances',
	usage: `
	Usage
	  $ ee-tokens instances [--json]

	Lists the named instances of the config file, $XDG_CONFIG_HOME/ee-tokens/config.toml
	(~/.config/ee-tokens/config.toml): name, Redis URL (password masked), key prefix,
	read-only, colour, and * for the default. Use one with --instance NAME (or
	EE_TOKENS_INSTANCE=NAME) on any command and the app.

	Options
	  --json         An array of {name, redis, redisFile, redisEnv, prefix, readOnly, color,
	                 default}; [] without a config file

	A config file:

	  ${EXAMPLE.split('\n').join('\n\t  ')}

	redisFile holds the whole URL (as EENGINE_REDIS_FILE does), a path relative to the
	config file; redisEnv names a variable holding it (or NAME_FILE, a file holding it).
`,
	flags: {...jsonFlag},
	// Nothing to wait for: the file is read at once, and no Redis is opened.
	run: async (cli, context) => Promise.resolve(listInstances(cli.flags.json, context)),
});

function listInstances(json: boolean, context: Context): number {
	const file = loadConfig(context.env);
	for (const warning of file?.warnings ?? []) {
		context.say(warning);
	}

	const instances = file?.instances ?? [];
	if (json) {
		context.stdout.write(`${safeJson(instances.map(instance => jsonOf(instance, instance.name === file?.default)))}\n`);
		return EXIT.ok;
	}

	if (file === undefined) {
		context.say(
			`No config file at ${configPath(context.env)}: every command uses --dbs.redis or the environment. To name instances, create it with [instances.NAME] tables (ee-tokens instances --help shows one).`,
		);
		return EXIT.ok;
	}

	if (instances.length === 0) {
		context.say(`${file.path} names no instances: add [instances.NAME] tables (ee-tokens instances --help shows one).`);
		return EXIT.ok;
	}

	const rows = [
		['', 'NAME', 'REDIS', 'PREFIX', 'READ-ONLY', 'COLOUR'],
		...instances.map(instance => [
			instance.name === file.default ? '*' : '',
			instance.name,
			redisShown(instance.redis),
			instance.prefix ?? '-',
			instance.readOnly ? 'yes' : 'no',
			instance.color ?? '-',
		]),
	].map(row => row.map(cell => sanitizeText(cell)));
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)));
	for (const row of rows) {
		context.stdout.write(
			`${row
				.map((cell, column) => cell.padEnd(widths[column]!))
				.join('  ')
				.trimEnd()}\n`,
		);
	}

	if (file.default !== undefined) {
		context.say(`* the default: used when no --dbs.redis, --instance, EE_TOKENS_INSTANCE, EENGINE_REDIS or REDIS_URL names a Redis`);
	}

	return EXIT.ok;
}
