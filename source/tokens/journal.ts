import {TokenError} from './errors.js';

/**
 * The undo journal of a revoke by selection: what `restore` needs to put every revoked token back
 * byte for byte (record, last use, index entry), as JSON lines. Stored bytes are base64, so nothing
 * is re-encoded on the way back: a record EmailEngine wrote, or one no encoder would write, comes
 * back exactly as it was. The audit log is not in it: revoke by selection leaves audit logs alone.
 *
 * Line 1: {"journal":"ee-tokens revoke","version":1,"created":ISO,"redis":MASKED_URL,"prefix":P,"count":N}
 * Then N lines: {"id":ID,"record":B64,"access":B64|null,"index":ACCOUNT|null,"indexed":BOOL}
 * Then {"end":N}, written before the first delete: a journal without it was cut short.
 * After the deletes, at most one {"skipped":[ID…]}: tokens that changed after the plan and were kept.
 */

export const JOURNAL_KIND = 'ee-tokens revoke';
export const JOURNAL_VERSION = 1;

/** One revoked token as it was stored. `index` is the `{account}` of its index key (null: `iat`). */
export type JournalToken = {
	id: string;
	record: Buffer;
	/** The last-use value, or null when the token had none. */
	access: Buffer | null;
	index: string | null;
	/** Whether the id was a member of that index set (a hostile keyspace may lack the entry). */
	indexed: boolean;
};

export type JournalHeader = {created: string; redis: string; prefix: string};

export type Journal = JournalHeader & {tokens: JournalToken[]; skipped: string[]};

export const journalHead = (header: JournalHeader, count: number): string =>
	`${JSON.stringify({journal: JOURNAL_KIND, version: JOURNAL_VERSION, ...header, count})}\n`;

/** Built by hand rather than by JSON.stringify of an object: 10,000 lines go into one journal. */
export const journalLine = (token: JournalToken): string =>
	`{"id":${JSON.stringify(token.id)},"record":"${token.record.toString('base64')}","access":${
		token.access === null ? 'null' : `"${token.access.toString('base64')}"`
	},"index":${token.index === null ? 'null' : JSON.stringify(token.index)},"indexed":${token.indexed}}\n`;

export const journalEnd = (count: number): string => `${JSON.stringify({end: count})}\n`;

export const journalSkipped = (ids: readonly string[]): string => `${JSON.stringify({skipped: ids})}\n`;

const BASE64 = /^[A-Za-z\d+/]*={0,2}$/;

/**
 * Reads a whole journal, or throws one error naming the first bad line (exit 5): nothing is
 * restored from a journal that is not whole, so this runs before the first write.
 */
export function parseJournal(text: string, name: string): Journal {
	const lines = text.split('\n');
	if (lines.at(-1) === '') {
		lines.pop();
	}

	let lineNumber = 0;
	const bad = (why: string) =>
		new TokenError('invalid-export', `The journal ${name} is not a whole undo journal: line ${lineNumber}: ${why}; nothing was restored`);
	const object = (line: string): Record<string, unknown> => {
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			throw bad('not JSON');
		}

		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			throw bad('not a JSON object');
		}

		return value as Record<string, unknown>;
	};

	const bytes = (value: unknown, field: string): Buffer => {
		if (typeof value !== 'string' || !BASE64.test(value) || value.length % 4 !== 0) {
			throw bad(`"${field}" is not base64`);
		}

		return Buffer.from(value, 'base64');
	};

	lineNumber = 1;
	if (lines.length === 0) {
		throw bad('the file is empty');
	}

	const head = object(lines[0]!);
	if (head['journal'] !== JOURNAL_KIND || head['version'] !== JOURNAL_VERSION) {
		throw bad(`not a version ${JOURNAL_VERSION} journal of ee-tokens revoke`);
	}

	const {created, redis, prefix, count} = head;
	if (typeof created !== 'string' || typeof redis !== 'string' || typeof prefix !== 'string') {
		throw bad('"created", "redis" and "prefix" must be text');
	}

	if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
		throw bad('"count" is not a number of tokens');
	}

	const tokens: JournalToken[] = [];
	const seen = new Set<string>();
	for (lineNumber = 2; lineNumber <= count + 1; lineNumber++) {
		const line = lines[lineNumber - 1];
		if (line === undefined) {
			throw bad(`the file ends after ${tokens.length} of ${count} tokens`);
		}

		const entry = object(line);
		const {id, index, indexed} = entry;
		if (typeof id !== 'string' || id === '') {
			throw bad('"id" is not text');
		}

		if (seen.has(id)) {
			throw bad('the same id comes twice');
		}

		if (index !== null && typeof index !== 'string') {
			throw bad('"index" is neither text nor null');
		}

		if (typeof indexed !== 'boolean') {
			throw bad('"indexed" is not true or false');
		}

		const record = bytes(entry['record'], 'record');
		if (record.length === 0) {
			throw bad('"record" is empty');
		}

		seen.add(id);
		tokens.push({id, record, access: entry['access'] === null ? null : bytes(entry['access'], 'access'), index, indexed});
	}

	lineNumber = count + 2;
	const end = lines[count + 1];
	if (end === undefined) {
		throw bad('the end line is missing: the journal was cut short');
	}

	if (object(end)['end'] !== count) {
		throw bad(`the end line does not say ${count}`);
	}

	let skipped: string[] = [];
	if (lines.length > count + 2) {
		lineNumber = count + 3;
		const value = object(lines[count + 2]!)['skipped'];
		if (!Array.isArray(value) || !value.every(id => typeof id === 'string')) {
			throw bad('"skipped" is not a list of ids');
		}

		skipped = value;
		if (lines.length > count + 3) {
			lineNumber = count + 4;
			throw bad('nothing may follow the skipped line');
		}
	}

	return {created, redis, prefix, tokens, skipped};
}
