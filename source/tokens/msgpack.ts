import {Decoder, Encoder} from '@msgpack/msgpack';

/** The encoder EmailEngine uses (compatibility §1.3): undefined properties are dropped, null stays nil. */
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

/** What a msgpack type byte announces (the format's type table, one owner for both walkers here). */
export type MsgpackType = {
	kind: 'nil' | 'bool' | 'int' | 'float' | 'str' | 'bin' | 'array' | 'map' | 'ext' | 'never';
	/** Bytes of big-endian length after the type byte (0 when the length is in the type byte or fixed). */
	lengthBytes: 0 | 1 | 2 | 4;
	/** The length held in the type byte itself (fixstr, fixarray, fixmap), else 0. */
	inline: number;
	/** Payload bytes besides the length-counted ones (numbers; an extension's type byte). */
	fixed: number;
};

function typeOf(type: number): MsgpackType {
	const of = (kind: MsgpackType['kind'], lengthBytes: MsgpackType['lengthBytes'] = 0, fixed = 0, inline = 0): MsgpackType => ({
		kind,
		lengthBytes,
		inline,
		fixed,
	});
	if (type <= 0x7f || type >= 0xe0) {
		return of('int');
	}

	if (type <= 0x8f) {
		return of('map', 0, 0, type & 0x0f);
	}

	if (type <= 0x9f) {
		return of('array', 0, 0, type & 0x0f);
	}

	if (type <= 0xbf) {
		return of('str', 0, 0, type & 0x1f);
	}

	const table: Record<number, MsgpackType> = {
		0xc0: of('nil'),
		0xc2: of('bool'),
		0xc3: of('bool'),
		0xc4: of('bin', 1),
		0xc5: of('bin', 2),
		0xc6: of('bin', 4),
		0xc7: of('ext', 1, 1),
		0xc8: of('ext', 2, 1),
		0xc9: of('ext', 4, 1),
		0xca: of('float', 0, 4),
		0xcb: of('float', 0, 8),
		0xcc: of('int', 0, 1),
		0xcd: of('int', 0, 2),
		0xce: of('int', 0, 4),
		0xcf: of('int', 0, 8),
		0xd0: of('int', 0, 1),
		0xd1: of('int', 0, 2),
		0xd2: of('int', 0, 4),
		0xd3: of('int', 0, 8),
		0xd4: of('ext', 0, 2),
		0xd5: of('ext', 0, 3),
		0xd6: of('ext', 0, 5),
		0xd7: of('ext', 0, 9),
		0xd8: of('ext', 0, 17),
		0xd9: of('str', 1),
		0xda: of('str', 2),
		0xdb: of('str', 4),
		0xdc: of('array', 2),
		0xdd: of('array', 4),
		0xde: of('map', 2),
		0xdf: of('map', 4),
	};
	return table[type] ?? of('never');
}

/** Every type byte's meaning, looked up instead of branched on in the walkers' loops. */
export const MSGPACK_TYPES: readonly MsgpackType[] = Array.from({length: 256}, (_, type) => typeOf(type));

/**
 * The bytes a value's payload takes after its header and the items it contains (map entries count
 * twice), given its type and its length (inline or read after the type byte).
 */
export function extentOf(info: MsgpackType, length: number): {skip: number; children: number} {
	switch (info.kind) {
		case 'str':
		case 'bin':
		case 'ext': {
			return {skip: info.fixed + length, children: 0};
		}

		case 'array': {
			return {skip: 0, children: length};
		}

		case 'map': {
			return {skip: 0, children: length * 2};
		}

		default: {
			return {skip: info.fixed, children: 0};
		}
	}
}

/**
 * Items still to read at each open level of the walk below, kept between calls: the walk runs once
 * per stored record read (100,000 times for one listing), so it allocates nothing.
 */
let open = new Float64Array(MAX_NESTING + 1);

const truncated = () => new RangeError('truncated data');

/**
 * Walks the first msgpack value's structure without building it, and throws a RangeError with a
 * plain reason if it is truncated, uses the never-valid byte 0xc1, claims more items than there are
 * bytes left, or nests deeper than `maxDepth`. Run before decoding untrusted input, so a 2 MB string
 * of nested arrays costs a linear scan instead of hundreds of megabytes of decoder stack.
 */
export function checkMsgpackShape(bytes: Uint8Array, maxDepth = MAX_NESTING): void {
	if (open.length <= maxDepth) {
		open = new Float64Array(maxDepth + 1);
	}

	const length = bytes.length;
	let position = 0;
	// open[0..depth] are the levels being read; the top level holds exactly one value.
	let depth = 0;
	open[0] = 1;
	for (;;) {
		while (open[depth] === 0) {
			if (depth === 0) {
				return;
			}

			depth--;
		}

		open[depth] = open[depth]! - 1;
		if (position >= length) {
			throw truncated();
		}

		const type = bytes[position++]!;
		let children = 0;
		// The common types first, without the table: a record is mostly short strings and integers.
		if (type <= 0x7f || type >= 0xe0) {
			continue;
		}

		if (type >= 0xa0 && type <= 0xbf) {
			position += type & 0x1f;
		} else if (type <= 0x8f) {
			children = (type & 0x0f) * 2;
		} else if (type <= 0x9f) {
			children = type & 0x0f;
		} else {
			const info = MSGPACK_TYPES[type]!;
			if (info.kind === 'never') {
				throw new RangeError(`invalid type byte 0x${type.toString(16)}`);
			}

			let size = info.inline;
			if (info.lengthBytes > 0) {
				if (position + info.lengthBytes > length) {
					throw truncated();
				}

				size =
					info.lengthBytes === 1
						? bytes[position]!
						: info.lengthBytes === 2
							? (bytes[position]! << 8) | bytes[position + 1]!
							: bytes[position]! * 0x1_00_00_00 + ((bytes[position + 1]! << 16) | (bytes[position + 2]! << 8) | bytes[position + 3]!);
				position += info.lengthBytes;
			}

			const extent = extentOf(info, size);
			position += extent.skip;
			children = extent.children;
		}

		if (position > length) {
			throw truncated();
		}

		if (children > 0) {
			// Every item takes at least one byte: a larger claim is a lie, refused before allocating.
			if (children > length - position) {
				throw truncated();
			}

			if (depth + 1 > maxDepth) {
				throw new RangeError(`nested deeper than ${maxDepth} levels`);
			}

			open[++depth] = children;
		}
	}
}
