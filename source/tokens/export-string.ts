import {TokenError} from './errors.js';
import {checkMsgpackShape, decodeFirstMsgpack, encodeMsgpack, isPlainMap} from './msgpack.js';
import {importProblem} from './record-shape.js';
import {isHex64} from './raw-token.js';
import {MAX_RECORD_BYTES, type TokenRecord, toMillis} from './record.js';

/**
 * The longest export string read: the base64 of the largest record that is read (MAX_RECORD_BYTES,
 * which holds EmailEngine's 1 MiB of metadata text in any script, compatibility §2) and its id, so whatever
 * `export` prints, `import` reads. Anything longer is refused before a byte of it is decoded.
 */
export const MAX_EXPORT_STRING_LENGTH = Math.ceil((MAX_RECORD_BYTES + 128) / 3) * 4;

/** base64url, standard base64 and padding: what Node's decoder accepts, minus everything else. */
const BASE64_TEXT = /^[\w+/-]+={0,2}$/;

/**
 * Compatibility §3.1: a map whose first key is `id`, then the stored keys in stored order, with `created` as
 * a Date (msgpack timestamp extension), encoded as unpadded base64url.
 */
export function encodeExportString(id: string, record: TokenRecord): string {
	const value: Record<string, unknown> = {id};
	for (const [key, field] of Object.entries(record)) {
		if (key === 'id') {
			continue;
		}

		const created = key === 'created' ? toMillis(field) : undefined;
		value[key] = created === undefined ? field : new Date(created);
	}

	return Buffer.from(encodeMsgpack(value)).toString('base64url');
}

export type DecodedExport = {
	/** The token id, lower-cased so that the record stays reachable by its raw token. */
	id: string;
	/** Every other key of the string, in its order and verbatim (compatibility §3.3: unknown keys are kept). */
	fields: TokenRecord;
};

const invalid = (reason: string) => new TokenError('invalid-export', `Invalid export string: ${reason}`);

/**
 * Decodes an export string (compatibility §3.3), tolerant of padding, standard base64 and
 * whitespace anywhere in it, strict about everything else: a one-line TokenError for any input that
 * is not a token. Whitespace is no base64 character, so dropping it loses nothing, and a string
 * copied off a terminal, where it spans rows, comes with line breaks and indents in it.
 */
export function decodeExportString(input: string): DecodedExport {
	// Twice the limit before the whitespace goes, so a megabyte of garbage is never copied first.
	if (input.length > 2 * MAX_EXPORT_STRING_LENGTH) {
		throw invalid(`longer than ${MAX_EXPORT_STRING_LENGTH} characters`);
	}

	const text = input.replaceAll(/\s/g, '');
	if (text.length > MAX_EXPORT_STRING_LENGTH) {
		throw invalid(`longer than ${MAX_EXPORT_STRING_LENGTH} characters`);
	}

	if (text === '') {
		throw invalid('empty');
	}

	if (!BASE64_TEXT.test(text)) {
		throw invalid('not base64 text');
	}

	let value: unknown;
	try {
		const bytes = Buffer.from(text, 'base64url');
		checkMsgpackShape(bytes);
		value = decodeFirstMsgpack(bytes);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw invalid(`not a msgpack value (${reason})`);
	}

	if (!isPlainMap(value)) {
		throw invalid('not a token map');
	}

	const {id, ...fields} = value;
	const problem = importRefusal(id, fields);
	if (problem) {
		throw invalid(problem);
	}

	return {id: (id as string).toLowerCase(), fields};
}

/**
 * Why decodeExportString would refuse a token with this id and these fields, or undefined: what
 * `export` warns about, so a string it writes that `import` refuses is never a surprise. EmailEngine
 * takes any fields (compatibility §3.3); a field of the wrong shape is refused here.
 */
export function importRefusal(id: unknown, fields: TokenRecord): string | undefined {
	return isHex64(id) ? importProblem(fields) : '"id" is not 64 hex characters';
}

/**
 * The record an import writes: the string's keys minus `id`, `created` reset to now (kept in its
 * position, appended when absent), as EmailEngine's setRawData does.
 */
export function importedRecord(fields: TokenRecord, now: number): TokenRecord {
	return {...fields, created: now};
}
