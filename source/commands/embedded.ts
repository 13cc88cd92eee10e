import {embeddedStateDir, embeddedStatus, stopEmbedded, timeoutFrom} from '../store/index.js';
import {TokenError} from '../tokens/index.js';
import {defineCommand, jsonFlag} from './command.js';
import {EXIT} from './exit-codes.js';
import {safeJson} from './safe-json.js';

export const embeddedCommand = defineCommand({
	name: 'embedded',
	subcommands: ['status', 'stop'],
	usage: `
	Usage
	  $ ee-tokens embedded status [--json]
	  $ ee-tokens embedded stop [--force]

	The embedded Redis is the private redis-server ee-tokens starts when no Redis is configured
	and none answers at redis://127.0.0.1:6379/8. Its data, config and log are in
	$XDG_STATE_HOME/ee-tokens (~/.local/state/ee-tokens); the next command that needs it starts
	it again, with its data.

	status says where it is, whether it runs, and who is connected; it starts nothing.
	stop shuts it down (it saves first; every write is already on disk). While the app, serve or
	another command uses it, stop refuses (exit 2) and names them; --force stops it anyway (they
	then retry until a command starts it again).

	Options
	  --force        Stop it even while others use it
	  --json         status as JSON: {dir, socket, log, running, pid, clients}
`,
	flags: {
		force: {type: 'boolean', default: false},
		...jsonFlag,
	},
	async run(cli, context) {
		const [subcommand] = cli.input;
		// A flag that would be ignored is refused: it says the user means something this does not do.
		if (context.redisFlag !== undefined) {
			throw new TokenError('usage', 'embedded acts only on the embedded Redis; --dbs.redis does not apply');
		}

		const tlsFlag = Object.keys(context.tlsFlags ?? {})[0];
		if (tlsFlag !== undefined) {
			throw new TokenError(
				'usage',
				`embedded acts only on the embedded Redis (a local socket, no TLS); --dbs.tls-${tlsFlag} does not apply`,
			);
		}

		if (subcommand === 'status' && cli.flags.force) {
			throw new TokenError('usage', '--force goes with embedded stop, not status');
		}

		if (subcommand === 'stop' && cli.flags.json) {
			throw new TokenError('usage', '--json goes with embedded status, not stop');
		}

		const dir = embeddedStateDir(context.env);
		const timeoutMs = timeoutFrom(context.timeoutFlag, context.env);
		if (subcommand === 'status') {
			const status = await embeddedStatus(dir, {timeoutMs});
			if (cli.flags.json) {
				context.stdout.write(`${safeJson(status)}\n`);
				return EXIT.ok;
			}

			const clients = status.clients ?? [];
			context.stdout.write(
				[
					`state     ${status.dir}`,
					`socket    ${status.socket}`,
					`log       ${status.log}`,
					`running   ${status.running ? `yes${status.pid === undefined ? '' : ` (pid ${status.pid})`}` : 'no'}`,
					...(status.running ? [`clients   ${clients.length === 0 ? 'none' : clients.join(', ')}`] : []),
					'',
				].join('\n'),
			);
			return EXIT.ok;
		}

		const stopped = await stopEmbedded(dir, {force: cli.flags.force, timeoutMs});
		context.say(
			stopped.wasRunning
				? `Stopped the embedded Redis${stopped.clients.length > 0 ? ` (it was used by ${stopped.clients.join(', ')})` : ''}; its data stays in ${dir}`
				: `The embedded Redis is not running; nothing to stop (its data, if any, is in ${dir})`,
		);
		return EXIT.ok;
	},
});
