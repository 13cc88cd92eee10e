/**
 * JSON.stringify escapes C0 controls but not DEL, C1 (U+009B is a CSI on many terminals) or the
 * bidi overrides; every command's JSON output escapes those too, so that `--json` on a terminal is
 * as inert as the table. Still valid JSON that parses to the same values.
 */

const UNSAFE_IN_JSON = /[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export const escapeUnsafe = (json: string): string =>
	json.replaceAll(UNSAFE_IN_JSON, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);

/** JSON text of a value, with escapeUnsafe applied. */
export const safeJson = (value: unknown): string => escapeUnsafe(JSON.stringify(value));
