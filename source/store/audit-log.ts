import {decodeRecord, isoTime} from '../tokens/index.js';
import type {StoreContext} from './stored-records.js';

/** One audit-log entry as EmailEngine's log route answers it: its fields in order, `time` as ISO text. */
export type AuditLogEntry = {
	time: string | null;
	ip: AuditValue;
	method: AuditValue;
	path: AuditValue;
	action: AuditValue;
	group: AuditValue;
	account: AuditValue;
	status: AuditValue;
	reason: AuditValue;
};

/** What an entry's field may be answered as: EmailEngine writes text, integers (an account) and nil. */
type AuditValue = string | number | null;

const FIELDS = ['ip', 'method', 'path', 'action', 'group', 'account', 'status', 'reason'] as const;

/**
 * One page of a token's audit log (compatibility §1.7), newest first: LLEN and the LRANGE of the
 * page window. Entries are untrusted (another writer of the database can push anything), so each is
 * read with the record codec's checks (size, nesting, a map) and one that fails them is skipped,
 * still counted in `total` as the list's length. Only the fields EmailEngine writes are read, and a
 * field is answered only when it is text, a number or nil (else null): a nested or binary value
 * could break the JSON answer or pass on what is not a log's to show.
 */
export async function auditLogPage(
	{redis, keys}: StoreContext,
	id: string,
	page: number,
	pageSize: number,
): Promise<{total: number; entries: AuditLogEntry[]}> {
	const key = keys.auditLog(id);
	const start = page * pageSize;
	const [total, raw] = await Promise.all([redis.llen(key), redis.lrangeBuffer(key, start, start + pageSize - 1)]);
	const entries: AuditLogEntry[] = [];
	for (const bytes of raw) {
		let value: Record<string, unknown>;
		try {
			value = decodeRecord(bytes);
		} catch {
			continue;
		}

		const time = value['time'];
		const entry = {time: typeof time === 'number' ? (isoTime(time) ?? null) : null} as AuditLogEntry;
		for (const field of FIELDS) {
			entry[field] = plainValue(value[field]);
		}

		entries.push(entry);
	}

	return {total, entries};
}

const plainValue = (value: unknown): AuditValue =>
	typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
