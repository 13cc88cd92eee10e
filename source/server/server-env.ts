import {TokenError} from '../tokens/index.js';

/**
 * The environment variables that shape the server, read as EENGINE_PORT is read: unset or empty is
 * the default, anything else must be exactly right, or `serve` stops with a usage error (exit 2)
 * before it opens Redis: a typo never quietly runs with a default the operator did not choose.
 */

type Env = Record<string, string | undefined>;

/** A whole number of 1 or more in decimal digits; Number() would take "1e3", " 5" and "0x10". */
function positiveFromEnv(env: Env, name: string, fallback: number): number {
	const text = env[name];
	if (text === undefined || text === '') {
		return fallback;
	}

	const value = Number(text);
	if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
		throw new TokenError('usage', `Invalid ${name} ${JSON.stringify(text)}: use a whole number, 1 or more, decimal digits only`);
	}

	return value;
}

/** EENGINE_TOKEN_LOG_ENTRIES and EENGINE_TOKEN_LOG_AGE (compatibility §1.7): how long an audit log is and lives. */
export const auditLimitsFrom = (env: Env): {entries: number; maxAgeSeconds: number} => ({
	entries: positiveFromEnv(env, 'EENGINE_TOKEN_LOG_ENTRIES', 1000),
	maxAgeSeconds: positiveFromEnv(env, 'EENGINE_TOKEN_LOG_AGE', 604_800),
});

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** EENGINE_LOG_LEVEL, in any case and with spaces around; `trace` (EmailEngine's default) when unset or empty. */
export function logLevelFrom(env: Env): (typeof LEVELS)[number] {
	const text = env['EENGINE_LOG_LEVEL'];
	const level = text?.trim().toLowerCase() || 'trace';
	const known = LEVELS.find(name => name === level);
	if (!known) {
		throw new TokenError(
			'usage',
			`Invalid EENGINE_LOG_LEVEL ${JSON.stringify(text)}: use ${LEVELS.slice(0, -1).join(', ')} or ${LEVELS.at(-1)!}`,
		);
	}

	return known;
}
