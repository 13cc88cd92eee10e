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

/** The width of the longest result EmailEngine writes, "denied: unclassified". */
const RESULT_WIDTH = 20;

/**
 * An entry after its time: the result first (allowed, or denied and why: what an operator looks
 * for, and what must survive a narrow screen), then the request, action/group, account and client
 * IP. Labelled rather than aligned beyond the result: a line printed under --follow cannot know the
 * widths of the lines still to come.
 */
export function auditEntryText(entry: AuditLogEntry): string {
	const cells = auditEntryCells(entry);
	const result = cells.denied || cells.reason !== MISSING ? `${cells.status}: ${cells.reason}` : cells.status;
	return [result.padEnd(RESULT_WIDTH), cells.request, cells.permission, `account ${cells.account}`, `ip ${cells.ip}`].join('  ');
}

/** One line per entry (`ee-tokens log`): the time, then auditEntryText. */
export const auditEntryLine = (entry: AuditLogEntry): string => `${(entry.time ?? 'no time').padEnd(TIME_WIDTH)}  ${auditEntryText(entry)}`;
