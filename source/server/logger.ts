import {oneLine} from '../tokens/index.js';
import pino, {type Logger} from 'pino';

export type {Logger} from 'pino';

/**
 * JSON lines on stdout with EmailEngine's fields (level, time, pid, hostname, msg). The default
 * level is `trace`, as EmailEngine's, so the level-20 prepared-token lines show without flags.
 *
 * One synchronous write per request line costs the server about a third of its throughput, so
 * lines are gathered for one event-loop turn and handed to an asynchronous pino destination as one
 * string, which writes once it holds 4 KiB, at least every 200 ms, after the lines that tell a
 * supervisor something (call flushLogs), and on exit. Handing sonic-boom one line at a time cost
 * about 2 µs per line more: it measures its whole pending buffer on every write.
 */
export function createLogger(env: Record<string, string | undefined> = process.env, destination: number | NodeJS.WritableStream = 1): Logger {
	const level = env['EENGINE_LOG_LEVEL']?.trim().toLowerCase() || 'trace';
	let stream: pino.DestinationStream;
	if (typeof destination === 'number') {
		// Registered before pino.destination registers its own exit flush, so it runs first.
		const turn = new TurnBuffer();
		process.on('exit', () => {
			turn.drain();
		});
		const boom = pino.destination({dest: destination, sync: false, minLength: 4096});
		turn.target = boom;
		setInterval(() => {
			flushQuietly(turn);
		}, 200).unref();
		stream = turn;
	} else {
		stream = destination;
	}

	return pino({level: pino.levels.values[level] === undefined ? 'trace' : level}, stream);
}

type SonicBoom = ReturnType<typeof pino.destination>;

/** Lines of one event-loop turn, joined and handed on at the end of it, in order. */
class TurnBuffer {
	target: SonicBoom | undefined;
	private lines: string[] = [];
	private scheduled = false;
	private readonly handOn = () => {
		this.scheduled = false;
		this.drain();
	};

	write(line: string): void {
		this.lines.push(line);
		if (!this.scheduled) {
			this.scheduled = true;
			setImmediate(this.handOn);
		}
	}

	/** Hands every gathered line to the destination now. */
	drain(): void {
		if (this.lines.length > 0 && this.target) {
			const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
			this.lines = [];
			this.target.write(text);
		}
	}

	/** pino's logger.flush(): what is gathered, and what the destination holds, goes out. */
	flush(callback: (error?: Error) => void = () => {}): void {
		this.drain();
		this.target?.flush(callback);
	}
}

function flushQuietly(stream: {flush(callback?: (error?: Error) => void): void}): void {
	try {
		stream.flush(() => {});
	} catch {
		// Nothing buffered yet, or the stream is closing: the next flush or the exit takes care.
	}
}

/** Pushes buffered lines out now, e.g. right after "listening", which scripts wait for. */
export function flushLogs(logger: Logger): void {
	try {
		logger.flush();
	} catch {}
}

/**
 * An `err` field for pino without a stack: expected failures are one line (DESIGN: no stack traces
 * for expected failures), and a 64-hex run in a message is hidden in case it is a raw token.
 */
export function logError(error: unknown): Error {
	const plain = new Error(oneLine(error).replaceAll(/[\da-f]{64,}/gi, '[redacted]'));
	plain.stack = undefined;
	return plain;
}
