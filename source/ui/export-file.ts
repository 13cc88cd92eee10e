import {randomBytes} from 'node:crypto';
import {closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs';
import path from 'node:path';

/**
 * The file `w` writes in the export dialog: the export strings shown, one per line, which is what
 * `ee-tokens import -t - < FILE` reads. In the directory the app was started from, as a shell's
 * `export > FILE` would be.
 */
export const EXPORT_FILE_NAME = 'ee-tokens-export.txt';

export type WriteOutcome = {status: 'written'; file: string} | {status: 'exists'; file: string} | {status: 'failed'; message: string};

const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * Writes `text` to `file`, private to this user (0600), whole or not at all: into a new file beside
 * it first (created exclusively, so nothing planted at that name is written through), then renamed
 * over the name. Without `replace` an existing file (or symlink) at the name is left alone and
 * reported, so the dialog can ask; a rename replaces a symlink itself, never what it points at.
 */
export function writeExportFile(file: string, text: string, {replace}: {replace: boolean}): WriteOutcome {
	if (!replace && exists(file)) {
		return {status: 'exists', file};
	}

	const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
	let fd: number | undefined;
	try {
		fd = openSync(temporary, 'wx', 0o600);
		const bytes = Buffer.from(text);
		for (let offset = 0; offset < bytes.length;) {
			offset += writeSync(fd, bytes, offset);
		}

		fsyncSync(fd);
		closeSync(fd);
		fd = undefined;
		// Checked again just before the rename: a file that appeared meanwhile is still asked about.
		if (!replace && exists(file)) {
			unlinkSync(temporary);
			return {status: 'exists', file};
		}

		renameSync(temporary, file);
		return {status: 'written', file};
	} catch (error) {
		if (fd !== undefined) {
			closeSync(fd);
		}

		try {
			unlinkSync(temporary);
		} catch {
			// Never made, or gone: nothing half-written is left.
		}

		return {status: 'failed', message: `Could not write ${file} (${reason(error)}); nothing was written.`};
	}
}

function exists(file: string): boolean {
	try {
		lstatSync(file);
		return true;
	} catch {
		return false;
	}
}
