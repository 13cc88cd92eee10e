import type {AuditLogEntry} from '../../tokens/index.js';
import {auditEntryText} from '../../format/index.js';

/**
 * What the app shows of a token's audit log (compatibility §1.7): a few lines in its details and
 * the whole log in its own view. Pure: the screens render these lines, tests read them without a
 * terminal. Every field went through the one sanitiser (format/audit-log.ts).
 */

/** A token's log as the app read it, with the instance's audit-log setting. */
export type AuditLogView = {total: number; entries: AuditLogEntry[]; unreadable: number; on: boolean};

/** A line of the log: its text, and whether the request was refused (shown in the danger colour). */
export type AuditLine = {label: string; text: string; denied: boolean};

/** How many entries the details view shows. */
export const DETAILS_ENTRIES = 5;

/** "2026-12-01 09:20:14": the time of an entry in the label column, to the second. */
const shortTime = (entry: AuditLogEntry) => (entry.time === null ? 'no time' : entry.time.slice(0, 19).replace('T', ' '));

export const auditLine = (entry: AuditLogEntry): AuditLine => ({
	label: shortTime(entry),
	text: auditEntryText(entry),
	denied: entry.status === 'denied',
});

/** What an empty log means: the setting is off for the instance, or the token made no request since it was on. */
export const emptyLogText = (on: boolean): string =>
	on ? 'on; no request recorded since (or entries expired)' : 'off for this instance: nothing recorded (a turns it on)';

/** The summary line of the details view's audit section. */
export function auditSummary(log: AuditLogView): string {
	if (log.total === 0) {
		return emptyLogText(log.on);
	}

	const count = `${log.total} ${log.total === 1 ? 'entry' : 'entries'}`;
	const denied = log.entries.filter(entry => entry.status === 'denied').length;
	const state = log.on ? '' : '; logging is off now (a turns it on)';
	return `${count}, ${denied} denied${state}; l opens the whole log`;
}

/** The details view's audit lines: the summary, then the newest entries. */
export function auditDetailLines(log: AuditLogView | undefined, failure?: string): AuditLine[] {
	if (failure !== undefined) {
		return [{label: 'audit log', text: `could not be read: ${failure}`, denied: false}];
	}

	if (log === undefined) {
		return [{label: 'audit log', text: 'Loading…', denied: false}];
	}

	return [
		{label: 'audit log', text: auditSummary(log), denied: false},
		...log.entries.slice(0, DETAILS_ENTRIES).map(entry => auditLine(entry)),
	];
}

/** The whole log's filter: every entry, or only the refused ones. */
export type AuditFilter = 'all' | 'denied';

export const filterEntries = (entries: readonly AuditLogEntry[], filter: AuditFilter): AuditLogEntry[] =>
	filter === 'denied' ? entries.filter(entry => entry.status === 'denied') : [...entries];
