import {decodeFirstMsgpack, isPlainMap, isoTime} from '../tokens/index.js';
import type {StoreContext} from './stored-records.js';

/** One audit-log entry as EmailEngine's log route answers it: its fields in order, `time` as ISO text. */
export type AuditLogEntry = {
	time: string | null;
	ip: unknown;
	method: unknown;
	path: unknown;
	action: unknown;
	group: unknown;
	account: unknown;
	status: unknown;
	reason: unknown;
};

const FIELDS = ['ip', 'method', 'path', 'action', 'group', 'account', 'status', 'reason'] as const;

/**
 * One page of a token's audit log (compatibility §1.7), newest first: LLEN and the LRANGE of the
 * page window. Only the entry fields EmailEngine writes are read from each (so whatever else a
 * foreign writer put there is not passed on); an entry that does not decode to a map is skipped,
 * still counted in `total` as the list's length.
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
		let value: unknown;
		try {
			value = decodeFirstMsgpack(bytes);
		} catch {
			continue;
		}

		if (!isPlainMap(value)) {
			continue;
		}

		const time = value['time'];
		const entry = {time: typeof time === 'number' ? (isoTime(time) ?? null) : null} as AuditLogEntry;
		for (const field of FIELDS) {
			entry[field] = value[field] ?? null;
		}

		entries.push(entry);
	}

	return {total, entries};
}
