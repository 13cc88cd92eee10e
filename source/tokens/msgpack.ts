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

/** How deep an export string may nest: a real one is three levels (record → restrictions → rateLimit). */
export const MAX_NESTING = 32;

/**
 * Walks the first msgpack value's structure without building it, and throws a RangeError with a
 * plain reason if it is truncated, uses the never-valid byte 0xc1, claims more items than there are
 * bytes left, or nests deeper than `maxDepth`. Run before decoding untrusted input, so a 2 MB string
 * of nested arrays costs a linear scan instead of hundreds of megabytes of decoder stack.
 */
export function checkMsgpackShape(bytes: Uint8Array, maxDepth = MAX_NESTING): void {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const length = bytes.length;
	let position = 0;
	const truncated = () => new RangeError('truncated data');
	const read = (size: 1 | 2 | 4): number => {
		if (position + size > length) {
			throw truncated();
		}

		const value = size === 1 ? view.getUint8(position) : size === 2 ? view.getUint16(position) : view.getUint32(position);
		position += size;
		return value;
	};

	// Items still to read at each open level; the top level holds exactly one value.
	const remaining: number[] = [1];
	while (remaining.length > 0) {
		if (remaining.at(-1) === 0) {
			remaining.pop();
			continue;
		}

		remaining[remaining.length - 1]!--;
		const type = read(1);
		let skip = 0;
		let children = 0;
		if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) {
			// fixint, nil, booleans: the type byte is the whole value.
		} else if (type <= 0x8f) {
			children = (type & 0x0f) * 2;
		} else if (type <= 0x9f) {
			children = type & 0x0f;
		} else if (type <= 0xbf) {
			skip = type & 0x1f;
		} else {
			switch (type) {
				case 0xc4:
				case 0xd9: {
					skip = read(1);
					break;
				}

				case 0xc5:
				case 0xda: {
					skip = read(2);
					break;
				}

				case 0xc6:
				case 0xdb: {
					skip = read(4);
					break;
				}

				case 0xc7: {
					skip = read(1) + 1;
					break;
				}

				case 0xc8: {
					skip = read(2) + 1;
					break;
				}

				case 0xc9: {
					skip = read(4) + 1;
					break;
				}

				case 0xdc: {
					children = read(2);
					break;
				}

				case 0xdd: {
					children = read(4);
					break;
				}

				case 0xde: {
					children = read(2) * 2;
					break;
				}

				case 0xdf: {
					children = read(4) * 2;
					break;
				}

				default: {
					// Fixed-size scalars and fixext: 0xca–0xd8.
					const sizes: Record<number, number> = {
						0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8,
						0xd4: 2, 0xd5: 3, 0xd6: 5, 0xd7: 9, 0xd8: 17,
					};
					const size = sizes[type];
					if (size === undefined) {
						throw new RangeError(`invalid type byte 0x${type.toString(16)}`);
					}

					skip = size;
				}
			}
		}

		position += skip;
		if (position > length) {
			throw truncated();
		}

		if (children > 0) {
			// Every item takes at least one byte: a larger claim is a lie, refused before allocating.
			if (children > length - position) {
				throw truncated();
			}

			if (remaining.length > maxDepth) {
				throw new RangeError(`nested deeper than ${maxDepth} levels`);
			}

			remaining.push(children);
		}
	}
}
