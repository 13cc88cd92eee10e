import type {AuditLogEntry, AuditValue} from '../tokens/index.js';
import {displayText} from './display.js';

/**
 * An audit-log entry (compatibility §1.7) for people, shared by `ee-tokens log` and the app. Every
 * field was read from Redis and is untrusted: each goes through the one sanitiser (displayText),
 * bounded, before it reaches a terminal.
 */

/** How much of one field a line shows: a route template or an account id needs no more. */
const FIELD_LIMIT = 256;

const MISSING = '-';

const text = (value: AuditValue): string => (value === null ? MISSING : displayText(value, FIELD_LIMIT));

/** The parts of an entry's line, each safe for a terminal. */
export type AuditEntryCells = {
	time: string;
	/** "allowed", "denied", or what else was stored. */
	status: string;
	ip: string;
	/** "GET /v1/account/{account}", or the surface name alone ("smtp", "imap-proxy"). */
	request: string;
	/** "read/messages"; "-" when the entry has neither (allowed SMTP and IMAP logins). */
	permission: string;
	account: string;
	/** Why it was denied ("scope", "account", …), "-" when allowed. */
	reason: string;
	denied: boolean;
};

export function auditEntryCells(entry: AuditLogEntry): AuditEntryCells {
	const method = text(entry.method);
	const path = text(entry.path);
	return {
		time: entry.time ?? 'no time',
		status: text(entry.status),
		ip: text(entry.ip),
		// EmailEngine writes the surface name as both method and path for SMTP and IMAP logins.
		request: method === path ? path : `${method.toUpperCase()} ${path}`,
		permission: entry.action === null && entry.group === null ? MISSING : `${text(entry.action)}/${text(entry.group)}`,
		account: text(entry.account),
		reason: text(entry.reason),
		denied: entry.status === 'denied',
	};
}

/** The width of an ISO time, so the columns after it line up. */
const TIME_WIDTH = 24;

/** The width of "allowed", the longer of the two statuses. */
const STATUS_WIDTH = 7;

/**
 * One line per entry: time, allowed or denied, client IP, request, action/group, account and,
 * for a denied one, why. Labelled rather than aligned: a line printed under --follow cannot know
 * the widths of the lines still to come.
 */
export function auditEntryLine(entry: AuditLogEntry): string {
	const cells = auditEntryCells(entry);
	const parts = [
		cells.time.padEnd(TIME_WIDTH),
		cells.status.padEnd(STATUS_WIDTH),
		cells.ip,
		cells.request,
		cells.permission,
		`account ${cells.account}`,
	];
	if (cells.denied || cells.reason !== MISSING) {
		parts.push(`reason ${cells.reason}`);
	}

	return parts.join('  ');
}
