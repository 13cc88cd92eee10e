import {oneLine} from '../tokens/index.js';
import pino, {type Logger} from 'pino';
import {redactHex} from './http.js';
import {logLevelFrom} from './server-env.js';

export type {Logger} from 'pino';

/**
 * JSON lines on stdout with EmailEngine's fields (level, time, pid, hostname, msg). The default
 * level is `trace`, as EmailEngine's, so the level-20 prepared-token lines show without flags.
 *
 * One synchronous write per request line costs the server about a third of its throughput, so
 * lines are gathered (up to 64 KiB) and handed to an asynchronous pino destination as one string,
 * written at least every 200 ms, when flushLogs() is awaited (after the lines that tell a supervisor
 * something, and before exiting), and synchronously on an exit that did not wait. Each write is a trip through libuv's thread pool (about
 * 2 µs of CPU per request line when it came every 4 KiB), and sonic-boom measures its whole pending
 * buffer on every call it gets, so it gets few and large ones.
 */
export function createLogger(
	env: Record<string, string | undefined> = process.env,
	destination: number | NodeJS.WritableStream = 1,
): Logger {
	const level = logLevelFrom(env);
	let stream: pino.DestinationStream;
	if (typeof destination === 'number') {
		// Registered before pino.destination registers its own exit handler (which ends the
		// destination), so the gathered lines are written first.
		process.on('exit', () => {
			lines.exit();
		});
		// The destination writes only when told (minLength just under maxWrite), so on exit whatever
		// is handed over is still in its buffer for the synchronous flush.
		const lines = new LineBuffer(pino.destination({dest: destination, sync: false, minLength: (1 << 20) - 1, maxWrite: 1 << 20}));
		setInterval(() => {
			lines.drain();
		}, 200).unref();
		stream = lines;
	} else {
		stream = destination;
	}

	return pino({level}, stream);
}

type SonicBoom = ReturnType<typeof pino.destination>;

/** Gathered lines, handed on in order as one string when 64 KiB are waiting or when drained. */
class LineBuffer {
	static readonly limit = 65_536;
	private lines: string[] = [];
	private length = 0;

	constructor(private readonly target: SonicBoom) {}

	write(line: string): void {
		this.lines.push(line);
		this.length += line.length;
		if (this.length >= LineBuffer.limit) {
			this.drain();
		}
	}

	/** Hands every gathered line over and has the destination start writing (asynchronously). */
	drain(): void {
		this.handOver();
		try {
			this.target.flush();
		} catch {
			// Not open yet or closing: the next drain or the exit flush takes care of it.
		}
	}

	/** pino's logger.flush() (flushLogs): the callback runs once the destination has written it all. */
	flush(callback?: (error?: Error) => void): void {
		this.handOver();
		try {
			this.target.flush(callback);
		} catch (error) {
			callback?.(error as Error);
		}
	}

	/** On exit: everything out synchronously, in order. */
	exit(): void {
		try {
			this.handOver();
			this.target.flushSync();
		} catch {
			// The destination is gone (EPIPE, destroyed): nothing more can be written.
		}
	}

	private handOver(): void {
		if (this.lines.length > 0) {
			const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
			this.lines = [];
			this.length = 0;
			this.target.write(text);
		}
	}
}

/** What the request log line says about one answered request. */
export type RequestLine = {
	method: string;
	path: string;
	route: string | null;
	status: number;
	token: string | null;
	/** The client: the socket peer, or X-Forwarded-For's address when the enableApiProxy setting trusts it. */
	remoteAddress: string | null;
	/** Why authentication refused the request (auth.ts AuthOutcome); null when it did not. */
	reason: string | null;
	responseTime: number;
};

/**
 * The "request completed" line, one per request, at info level, or warn for a request that
 * authentication refused (so `EENGINE_LOG_LEVEL=warn` keeps only refusals and trouble): the same
 * bytes logger.info(fields, msg) or logger.warn(fields, msg) writes
 * with pino's default formatting (level, time, the logger's bindings, the fields, msg), put
 * together by hand from the logger's own level, clock and bindings. pino's generic serializer
 * looks at every field's type and serializer; this costs about half as much.
 */
export function requestLineWriter(logger: Logger): (line: RequestLine) => void {
	const internals = logger as unknown as Record<symbol, unknown>;
	return line => {
		const level = line.reason === null ? 'info' : 'warn';
		if (!logger.isLevelEnabled(level)) {
			return;
		}

		const time = (internals[pino.symbols.timeSym] as () => string).call(logger);
		const bindings = internals[pino.symbols.chindingsSym] as string;
		const stream = internals[pino.symbols.streamSym] as {write(text: string): unknown};
		stream.write(
			`{"level":${logger.levels.values[level]}${time}${bindings},"method":${JSON.stringify(line.method)},"path":${JSON.stringify(line.path)},"route":${nullable(line.route)},"status":${line.status},"token":${nullable(line.token)},"remoteAddress":${nullable(line.remoteAddress)},"reason":${nullable(line.reason)},"responseTime":${line.responseTime},"msg":"request completed"}\n`,
		);
	};
}

const nullable = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/**
 * Writes every gathered line out and resolves once the destination has: right after the lines a
 * supervisor waits for ("listening"), and before the process exits, since an asynchronous write
 * still on its way then would land after the exit's synchronous one, out of order.
 */
export async function flushLogs(logger: Logger): Promise<void> {
	await new Promise<void>(resolve => {
		try {
			logger.flush(() => {
				resolve();
			});
		} catch {
			resolve();
		}
	});
}

/**
 * An `err` field for pino without a stack: expected failures are one line (DESIGN: no stack traces
 * for expected failures), and a 64-hex run in a message is hidden in case it is a raw token.
 */
export function logError(error: unknown): Error {
	const plain = new Error(redactHex(oneLine(error)));
	plain.stack = undefined;
	return plain;
}
