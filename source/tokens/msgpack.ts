import {Decoder, Encoder} from '@msgpack/msgpack';

/** The encoder EmailEngine uses (spec §1.3): undefined properties are dropped, null stays nil. */
const encoder = new Encoder({ignoreUndefined: true});

export const encodeMsgpack = (value: unknown): Uint8Array => encoder.encode(value);

/** One decoder for the process: building one per value costs more than decoding a record. */
const decoder = new Decoder();

/**
 * Decode only the first value and ignore trailing bytes, as EmailEngine's wrapper does. The library
 * itself refuses maps with an own `__proto__` key.
 */
export function decodeFirstMsgpack(bytes: Uint8Array): unknown {
	if (bytes.length === 0) {
		throw new RangeError('Unable to decode msgpack value');
	}

	for (const value of decoder.decodeMulti(bytes)) {
		return value;
	}

	throw new RangeError('Unable to decode msgpack value');
}

export const isPlainMap = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
