import {type TokenStore, readEnv} from '../store/index.js';
import {decodeExportString} from '../tokens/index.js';
import {type Logger, logError} from './logger.js';

/**
 * The prepared token (compatibility §5, seed page "Prepared Access Token"): an export string imported once
 * at startup, so a deployment can use a token it decided on in advance.
 */

export type PreparedSource = {value: string; source: '--preparedToken' | 'EENGINE_PREPARED_TOKEN' | 'EENGINE_PREPARED_TOKEN_FILE'};

/**
 * Where the string comes from. EmailEngine lets the environment win; we let an explicit
 * --preparedToken win, the same rule as --dbs.redis, so what is on the command line is what runs.
 * A _FILE that cannot be read is an error, never silently "no prepared token".
 */
export function preparedTokenSource(flag: string | undefined, env: Record<string, string | undefined>): PreparedSource | undefined {
	if (flag) {
		return {value: flag, source: '--preparedToken'};
	}

	// The same rule as EENGINE_REDIS (store's readEnv): the variable, else its _FILE without the
	// trailing newline; set but empty, either one, is unset.
	const value = readEnv(env, 'EENGINE_PREPARED_TOKEN');
	if (value) {
		return {value, source: env['EENGINE_PREPARED_TOKEN'] ? 'EENGINE_PREPARED_TOKEN' : 'EENGINE_PREPARED_TOKEN_FILE'};
	}

	return undefined;
}

/**
 * Checks the string before anything else happens, as EmailEngine does at process start. On failure
 * logs EmailEngine's fatal line (level 60, "Invalid API token provided", `inputLength`) and returns
 * false: the caller exits 1 without listening. The string itself is never logged.
 */
export function validatePreparedToken(value: string, logger: Logger): boolean {
	try {
		decodeExportString(value);
		return true;
	} catch (error) {
		logger.fatal({inputLength: value.length, err: logError(error)}, 'Invalid API token provided');
		return false;
	}
}

/**
 * The idempotent import: a live token with that id is left alone, so restarts never reset its
 * `created`. A failed write is logged (level 50) and the server still starts, as EmailEngine's does.
 */
export async function importPreparedToken(store: TokenStore, value: string, logger: Logger): Promise<'imported' | 'present' | 'failed'> {
	try {
		const {status, id} = await store.import(value);
		if (status === 'imported') {
			logger.debug({token: id}, 'Imported prepared token');
		} else {
			logger.debug({token: id}, 'Prepared token already imported');
		}

		return status;
	} catch (error) {
		logger.error({err: logError(error)}, 'Token import failed');
		return 'failed';
	}
}
