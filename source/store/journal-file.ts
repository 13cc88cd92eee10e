import {randomBytes} from 'node:crypto';
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs';
import path from 'node:path';
import {embeddedStateDir} from './embedded.js';
import {type JournalHeader, type JournalToken, TokenError, journalEnd, journalHead, journalLine, journalSkipped} from '../tokens/index.js';
import type {PlannedToken} from './journaled-revoke.js';
import type {TokenStore} from './token-store.js';

/**
 * The undo journal on disk: private to this user (0600), created exclusively (an existing file,
 * or a symlink planted at the path, is never written through), and on the disk (fsynced, file and
 * directory) before the first token is deleted.
 */

const fsReason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * `$XDG_STATE_HOME/ee-tokens/journals/revoke-<time>-<random>.jsonl`, beside the embedded Redis's
 * data. `remedy` is what the front end offers when the directory cannot be made (the CLI's
 * --journal; the app has no flag).
 */
export function defaultJournalPath(env: Record<string, string | undefined>, now: number, remedy = 'give one with --journal FILE'): string {
	const dir = path.join(embeddedStateDir(env), 'journals');
	try {
		mkdirSync(dir, {recursive: true, mode: 0o700});
	} catch (error) {
		throw new TokenError('usage', `Cannot create the journal directory ${dir} (${fsReason(error)}); ${remedy}; nothing was revoked`);
	}

	const time = new Date(now)
		.toISOString()
		.replaceAll(':', '')
		.replace(/\.\d+Z$/, 'Z');
	return path.join(dir, `revoke-${time}-${randomBytes(3).toString('hex')}.jsonl`);
}

/** Writes the whole journal, then fsyncs it and its directory; throws (nothing deleted yet) when it cannot. */
export function writeJournal(file: string, header: JournalHeader, tokens: readonly JournalToken[]): void {
	let fd: number;
	try {
		// 'wx' is O_CREAT | O_EXCL: refused when anything is at the path, a dangling symlink included.
		fd = openSync(file, 'wx', 0o600);
	} catch (error) {
		const code = fsReason(error);
		throw new TokenError(
			'usage',
			code === 'EEXIST'
				? `The journal ${file} exists already, and a journal is never overwritten: give another --journal; nothing was revoked`
				: `Cannot create the journal ${file} (${code}); nothing was revoked`,
		);
	}

	try {
		const parts = [journalHead(header, tokens.length)];
		for (const token of tokens) {
			parts.push(journalLine(token));
			if (parts.length >= 1000) {
				writeAll(fd, parts.join(''));
				parts.length = 0;
			}
		}

		parts.push(journalEnd(tokens.length));
		writeAll(fd, parts.join(''));
		fsyncSync(fd);
	} catch (error) {
		closeSync(fd);
		// A journal cut short would undo only part of the revoke: none is left rather than half of one.
		try {
			unlinkSync(file);
		} catch {
			// Gone already: nothing to take back.
		}

		throw new TokenError('usage', `Cannot write the journal ${file} (${fsReason(error)}); nothing was revoked`);
	}

	closeSync(fd);

	syncDirectory(path.dirname(file));
}

/** write(2) may take less than it is given (a disk filling up): the rest is written, or an error thrown. */
function writeAll(fd: number, text: string): void {
	const bytes = Buffer.from(text);
	for (let offset = 0; offset < bytes.length;) {
		const written = writeSync(fd, bytes, offset);
		if (written <= 0) {
			throw Object.assign(new Error('nothing written'), {code: 'ENOSPC'});
		}

		offset += written;
	}
}

/** Adds the line of tokens the deletes kept (they changed after the plan), so restore leaves them be. */
export function appendSkipped(file: string, ids: readonly string[]): void {
	const fd = openSync(file, 'a');
	try {
		writeAll(fd, journalSkipped(ids));
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/** The new file's directory entry on the disk too; a file system that cannot fsync a directory is let be. */
function syncDirectory(dir: string): void {
	try {
		const fd = openSync(dir, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch {
		// Best effort: the file's own data is already on the disk.
	}
}

/** What a journaled revoke did: the tokens deleted, and the ids kept because they changed after the plan. */
export type JournaledRevoke = {revoked: PlannedToken[]; skipped: string[]};

/**
 * Revoke with an undo, the one sequence both front ends run (`revoke --query …`, the app's `d`):
 * the journal of every planned token written whole and fsynced (or an error: nothing deleted),
 * then the deletes of those still holding the journaled bytes, and the ids of those that changed
 * meanwhile added to the journal, so restore leaves them be. `onJournaled` runs between the two,
 * for the CLI to print the path before the first delete.
 */
export async function revokeWithJournal(
	store: TokenStore,
	planned: readonly PlannedToken[],
	{file, header, onJournaled}: {file: string; header: JournalHeader; onJournaled?: () => void},
): Promise<JournaledRevoke> {
	writeJournal(file, header, planned);
	onJournaled?.();
	const {skipped} = await store.deleteJournaled(planned);
	if (skipped.length > 0) {
		appendSkipped(file, skipped);
	}

	const kept = new Set(skipped);
	return {revoked: planned.filter(token => !kept.has(token.id)), skipped};
}

export function readJournalFile(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new TokenError('usage', `Cannot read the journal ${file} (${fsReason(error)})`);
	}
}
