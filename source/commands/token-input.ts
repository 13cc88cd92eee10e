import {MIN_ID_PREFIX, TokenError, isHex64, isIdPrefix} from '../tokens/index.js';
import type {Context, InputStream} from './command.js';
import {readLines} from './read-lines.js';

/** An id or raw token is 64 characters; a line much longer than that is not one. */
const MAX_LENGTH = 1024;

const usage = (message: string) => new TokenError('usage', message);

/**
 * The value of -t for show, export and revoke: as typed, or with `-t -` read from stdin, so a raw
 * token need not sit in argv (where ps shows it) or in the shell history. On a terminal it is
 * typed without echo; from a pipe or file it is the one non-blank line there. An id may be cut to
 * its first 8 or more characters, as `list` shows it: store.completeId() finds the whole one.
 */
export async function readTokenArgument(value: string | undefined, context: Context): Promise<string> {
	if (value === undefined) {
		throw usage('Give the token with -t ID_OR_TOKEN, or -t - to read it from stdin');
	}

	const token = value === '-' ? await (context.stdin.isTTY ? readHidden(context) : readOneLine(context.stdin)) : value.trim();
	// Checked before Redis is opened: a typo never needs a reachable Redis (nor starts the embedded one).
	if (!isHex64(token) && !isIdPrefix(token)) {
		throw usage(`A token id or raw token is 64 hex characters; an id may be shortened to its first ${MIN_ID_PREFIX} or more`);
	}

	return token;
}

async function readOneLine(stdin: InputStream): Promise<string> {
	let found: string | undefined;
	for await (const {text, tooLong} of readLines(stdin, MAX_LENGTH)) {
		if (tooLong) {
			throw usage(`-t -: the line on stdin is longer than ${MAX_LENGTH} characters, so it is no token or id`);
		}

		const line = text.trim();
		if (line === '') {
			continue;
		}

		if (found !== undefined) {
			throw usage('-t -: stdin has more than one line; give one token or id');
		}

		found = line;
	}

	if (found === undefined) {
		throw usage('-t -: nothing on stdin; give the token or id there, e.g. -t - < token.txt');
	}

	return found;
}

/** Terminal escape sequences (arrow keys and the like): not part of what is typed. */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/g;

/**
 * Reads one line from the terminal in raw mode, echoing nothing: the token never reaches the
 * screen or the scrollback. Backspace and Ctrl-U edit; Enter ends; Ctrl-C (or Ctrl-D on an empty
 * line) cancels.
 */
async function readHidden({stdin, stderr}: Context): Promise<string> {
	const {setRawMode} = stdin;
	// A terminal that cannot stop echoing would show the token: refused, never typed in view.
	if (setRawMode === undefined) {
		throw usage('-t -: this terminal cannot hide what is typed; give the token on stdin from a file or pipe');
	}

	const raw = (mode: boolean) => setRawMode.call(stdin, mode);
	// Echo off before the prompt shows: a token typed or pasted the moment the prompt appears must
	// not meet a terminal still echoing (CI caught it: the process was descheduled between the two).
	raw(true);
	stderr.write('Token or id (what you type is not shown): ');
	stdin.setEncoding('utf8');
	let onData: ((chunk: string) => void) | undefined;
	try {
		return await new Promise<string>((resolve, reject) => {
			let typed = '';
			onData = (chunk: string) => {
				for (const character of chunk.replaceAll(ESCAPE_SEQUENCE, '')) {
					if (character === '\r' || character === '\n') {
						resolve(typed);
						return;
					}

					if (character === '\u0003' || (character === '\u0004' && typed === '')) {
						reject(new TokenError('refused', 'Cancelled; nothing was done'));
						return;
					}

					if (character === '\u007F' || character === '\b') {
						typed = typed.slice(0, -1);
					} else if (character === '\u0015') {
						typed = '';
					} else if (character >= ' ' && typed.length < MAX_LENGTH) {
						typed += character;
					}
				}
			};

			stdin.on('data', onData);
			stdin.resume();
		});
	} finally {
		stdin.off('data', onData!);
		raw(false);
		stdin.pause();
		stderr.write('\n');
	}
}
