/**
 * What a person typed, quoted for an error message. A raw token is 64 hex characters and can land
 * in any argument by mistake (a wrong flag, a missing -t), so a value holding a run of 16 or more hex
 * digits is not shown at all: no message ever echoes a raw token, not even a prefix of one. Other
 * values are quoted as JSON (which escapes C0 controls), with the controls JSON leaves alone escaped
 * too, and cut short, so an error stays one harmless line.
 */
const HEX_RUN = /[\da-f]{16,}/i;

const SHOWN = 80;

/**
 * What JSON.stringify leaves raw that a terminal acts on: DEL, the C1 controls (U+009B is a CSI on
 * many terminals) and the bidi overrides, as a character-class body. The one list: JSON output
 * escapes these (escapeUnsafe), and the screen's sanitiser adds the C0 controls to them.
 */
export const UNSAFE_IN_JSON = '\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069';

const UNSAFE = new RegExp(`[${UNSAFE_IN_JSON}]`, 'g');

/** JSON text with UNSAFE_IN_JSON escaped as \uXXXX: still valid JSON that parses to the same values. */
export const escapeUnsafe = (json: string): string =>
	json.replaceAll(UNSAFE, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);

export function quoteTyped(text: string): string {
	if (HEX_RUN.test(text)) {
		return '(value not shown: it may hold a token)';
	}

	const shown = text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
	return escapeUnsafe(JSON.stringify(shown));
}
