import type {StoreContext} from './stored-records.js';

/** The `{p}settings` field of EmailEngine's audit-log switch (compatibility §1.7). */
const AUDIT_LOG_SETTING = 'tokenAuditLog';

/**
 * The audit-log switch as EmailEngine reads it: settings values are JSON text and only JSON `true`
 * turns it on; a missing field, `false`, anything else or text that is not JSON reads as off.
 * `stored` is the field's text as found (null when absent), for saying why it reads as it does.
 */
export async function readAuditLogSetting({redis, keys}: StoreContext): Promise<{on: boolean; stored: string | null}> {
	const stored = await redis.hget(keys.settings, AUDIT_LOG_SETTING);
	let on = false;
	try {
		on = stored !== null && JSON.parse(stored) === true;
	} catch {
		// Not JSON: off, as EmailEngine's settings reader answers null for it.
	}

	return {on, stored};
}

/**
 * Turns the switch on or off as EmailEngine's own settings writer does: HSET of the value as JSON
 * text, `true` or `false` (never HDEL), leaving every other setting alone.
 */
export async function writeAuditLogSetting({redis, keys}: StoreContext, on: boolean): Promise<void> {
	await redis.hset(keys.settings, AUDIT_LOG_SETTING, JSON.stringify(on));
}
