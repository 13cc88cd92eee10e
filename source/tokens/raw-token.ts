import crypto, {createHash, randomBytes} from 'node:crypto';

/** EmailEngine checks the format case-insensitively (compatibility §1.4): upper-case raw tokens authenticate. */
const HEX64 = /^[\da-f]{64}$/i;

export const isHex64 = (value: unknown): value is string => typeof value === 'string' && HEX64.test(value);

/** The shortest id prefix `-t` takes: 8 hex characters are 4 billion values, so a collision is rare. */
export const MIN_ID_PREFIX = 8;

const ID_PREFIX = new RegExp(`^[\\da-f]{${MIN_ID_PREFIX},63}$`, 'i');

/** 8 to 63 hex characters: the start of an id, as `list` shows ids (12 characters) on a terminal. */
export const isIdPrefix = (value: string): boolean => ID_PREFIX.test(value);

/** 32 CSPRNG bytes as 64 lower-case hex characters: the only form a raw token is ever handed out in. */
export const generateRawToken = (): string => randomBytes(32).toString('hex');

/**
 * The id is the SHA-256 of the 32 decoded bytes, not of the 64-character text (compatibility §0 lists the
 * wrong value too, because it is the easy mistake).
 */
export const tokenIdOf = (rawToken: string): string => sha256Hex(Buffer.from(rawToken, 'hex'));

/**
 * One-shot crypto.hash (Node 20.12 and later) costs half of a createHash object, and the API server
 * hashes a token on every request; older Node 20 releases take the object route.
 */
const sha256Hex: (bytes: Buffer) => string =
	typeof crypto.hash === 'function'
		? bytes => crypto.hash('sha256', bytes, 'hex')
		: bytes => createHash('sha256').update(bytes).digest('hex');
