import {BlockList, isIPv4} from 'node:net';
import {maskRedisUrl, openStore} from '../store/index.js';
import {TokenError} from '../tokens/index.js';
import {type Logger, createLogger, flushLogs} from '../server/logger.js';
import {importPreparedToken, preparedTokenSource, validatePreparedToken} from '../server/prepared-token.js';
import {auditLimitsFrom} from '../server/server-env.js';
import {version} from './version.js';
import {EXIT} from './exit-codes.js';
import {type Context, defineCommand} from './command.js';

export const serveCommand = defineCommand({
	name: 'serve',
	usage: `
	Usage
	  $ ee-tokens serve [--port 3000] [--host 127.0.0.1] [--preparedToken EXPORT_STRING]

	Options
	  --port            Port to listen on (default: EENGINE_PORT or 3000; 0 picks a free one)
	  --host            Address to listen on (default: EENGINE_HOST or 127.0.0.1)
	  --preparedToken   An export string imported at startup if not yet present
	                    (else EENGINE_PREPARED_TOKEN or EENGINE_PREPARED_TOKEN_FILE)
	  --dbs.redis       Redis URL
	  --dbs.timeout     Seconds Redis has to connect and to answer each command (default 10);
	                    past it a request is answered 503

	Routes: GET /v1/stats, GET /v1/account/{account}, GET|POST /v1/tokens,
	GET /v1/tokens/account/{account}, GET|DELETE /v1/tokens/{token}, GET /v1/tokens/{token}/log,
	POST /v1/token, DELETE /v1/token/{token} (EmailEngine's older names), GET /metrics, GET /health.
	/metrics adds token gauges (api_tokens*, read at most every 10 s) to the process metrics.
	Logs are JSON lines on stdout: a refused request at warn level with its reason and address.
	Ctrl-C or SIGTERM stops it gracefully. Exit ${EXIT.redis} when Redis cannot be used at start,
	${EXIT.listen} when the port is in use.

	Examples
	  $ ee-tokens serve --port 3000
	  $ curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/v1/stats
`,
	flags: {
		port: {type: 'number'},
		host: {type: 'string'},
		preparedToken: {type: 'string'},
	},
	async run(cli, context) {
		// Straight to the file descriptor when there is one (the binary); else to the stream given.
		const logger = createLogger(context.env, context.stdoutFd ?? context.stdout);
		try {
			return await serve(cli.flags, context, logger);
		} finally {
			// Everything logged is written, in order, before the process exits.
			await flushLogs(logger);
		}
	},
});

/** Why the server cannot listen, in one line (exit 7); anything unforeseen stays a bug (exit 1). */
function listenError(error: unknown, host: string, port: number): unknown {
	switch ((error as NodeJS.ErrnoException).code) {
		case 'EADDRINUSE': {
			return new TokenError(
				'listen',
				`port ${port} is in use on ${host}: stop what uses it, or choose another with --port or EENGINE_PORT`,
			);
		}

		case 'EACCES': {
			return new TokenError(
				'listen',
				`port ${port} on ${host} needs privileges this user does not have: choose one above 1023 with --port`,
			);
		}

		case 'EADDRNOTAVAIL': {
			return new TokenError('listen', `${host} is not an address of this machine: choose another with --host or EENGINE_HOST`);
		}

		case 'ENOTFOUND':
		case 'EAI_AGAIN': {
			return new TokenError('listen', `host ${JSON.stringify(host)} cannot be resolved: choose another with --host or EENGINE_HOST`);
		}

		default: {
			return error;
		}
	}
}

/** 127.0.0.0/8 and ::1 (also as an IPv4-mapped address): only this machine reaches them. */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

function isLoopback(address: string): boolean {
	return LOOPBACK.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

/**
 * EENGINE_PORT as --port reads its value: decimal digits only. Number() would take " 80", "0x50"
 * and "8e1" as port 80, listening somewhere the operator did not write.
 */
function portFromEnv(text: string | undefined): number {
	if (text === undefined || text === '') {
		return 3000;
	}

	if (!/^\d+$/.test(text)) {
		throw new TokenError('usage', `Invalid EENGINE_PORT ${JSON.stringify(text)}: use 0-65535, decimal digits only`);
	}

	return Number(text);
}

async function serve(flags: {port?: number; host?: string; preparedToken?: string}, context: Context, logger: Logger): Promise<number> {
	const {env} = context;
	const port = flags.port ?? portFromEnv(env['EENGINE_PORT']);
	// Read again by the server; here so that a bad value stops everything before Redis is opened.
	auditLimitsFrom(env);
	const host = flags.host ?? (env['EENGINE_HOST'] || '127.0.0.1');
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		throw new TokenError('usage', `Invalid port ${JSON.stringify(String(port))}: use 0-65535`);
	}

	// The prepared token is checked before Redis is even opened: a bad one never starts a server.
	const prepared = preparedTokenSource(flags.preparedToken, env);
	if (prepared && !validatePreparedToken(prepared.value, logger)) {
		return EXIT.failure;
	}

	// The server (and joi, its validator, a large module) loads while Redis connects; a refusal above
	// never pays for it.
	const serverModule = import('../server/server.js');
	serverModule.catch(() => {});
	const open = await openStore({
		resolution: context.connection().resolution,
		env,
		now: context.now,
		persistent: true,
		notify: context.say,
		quietReuse: !context.verbose,
		clientName: 'serve',
	});
	if (prepared) {
		await importPreparedToken(open.store, prepared.value, logger);
	}

	const {createApiServer} = await serverModule;
	const api = createApiServer({store: open.store, logger, version, env, target: open.target});
	let address;
	try {
		address = await api.listen(port, host);
	} catch (error) {
		await open.close();
		throw listenError(error, host, port);
	}

	// Until a signal: then stop accepting, finish what is in flight, close Redis, exit 0. Listened
	// for before "listening" is out, since a supervisor may signal as soon as it reads it.
	const signalled = context.stopRequested();
	logger.info(
		{host: address.address, port: address.port, redis: maskRedisUrl(open.target.url), prefix: open.target.prefix || null},
		`API server listening on http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
	);
	if (!isLoopback(address.address)) {
		logger.warn(
			{host: address.address},
			`${address.address === '0.0.0.0' || address.address === '::' ? 'Listening on every address of this machine' : `Listening on ${address.address}`}: the server is reachable from other hosts`,
		);
	}

	await flushLogs(logger);
	const signal = await signalled;
	logger.info({signal}, 'Shutting down the API server');
	await flushLogs(logger);
	await api.close();
	await open.close();
	logger.info('API server stopped');
	return EXIT.ok;
}
