import {type JsonOptions, escapeUnsafe} from '../tokens/index.js';

/**
 * JSON text of a value for stdout: JSON.stringify escapes C0 controls but not DEL, C1 or the bidi
 * overrides, which escapeUnsafe does, so that `--json` on a terminal is as inert as the table.
 */
export const safeJson = (value: unknown): string => escapeUnsafe(JSON.stringify(value));

/** The CLI's token JSON: EmailEngine's shapes, and a last use that cannot be read says so (JsonOptions). */
export const CLI_JSON: JsonOptions = {sayUnreadableUse: true};
