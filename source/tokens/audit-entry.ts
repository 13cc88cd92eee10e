import {decodeRecord} from './record.js';
import {isoTime} from './time.js';

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
export type AuditValue = string | number | null;

const FIELDS = ['ip', 'method', 'path', 'action', 'group', 'account', 'status', 'reason'] as const;

/**
 * One stored entry (compatibility §1.7), or undefined when it cannot be read. Entries are untrusted
 * (another writer of the database can push anything), so each is read with the record codec's
 * checks (size, nesting, a map). Only the fields EmailEngine writes are read, and a field is
 * answered only when it is text, a number or nil (else null): a nested or binary value could break
 * the JSON answer or pass on what is not a log's to show.
 */
export function decodeAuditEntry(bytes: Uint8Array): AuditLogEntry | undefined {
	let value: Record<string, unknown>;
	try {
		value = decodeRecord(bytes);
	} catch {
		return undefined;
	}

	const time = value['time'];
	const entry = {time: typeof time === 'number' ? (isoTime(time) ?? null) : null} as AuditLogEntry;
	for (const field of FIELDS) {
		entry[field] = plainValue(value[field]);
	}

	return entry;
}

const plainValue = (value: unknown): AuditValue =>
	typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;

/** A refused request's entry: EmailEngine writes `status` "denied" with the reason (compatibility §1.7). */
export const isDenied = (entry: AuditLogEntry): boolean => entry.status === 'denied';

/** The entry's time in ms, or undefined when it has none that reads as a time. */
export const entryTime = (entry: AuditLogEntry): number | undefined => (entry.time === null ? undefined : Date.parse(entry.time));
