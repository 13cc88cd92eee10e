import type {Redis} from 'ioredis';
import {encodeExportString, encodeMsgpack} from '../../../source/tokens/index.js';
import {deepArray, packed, rawRecord} from '../../helpers/hostile-records.js';

/**
 * Hostile records for the app, as the rest of the tests build them (test/helpers/hostile-records.ts):
 * wrong types in every field, terminal escapes in every field (nested restriction values and map
 * keys included), a 1 MB description, a value nested 200,000 levels deep. What is here and not
 * there is what the app's own tests need: sequences the app never writes itself, so that finding one
 * in its output means a record's text got through, and four records planted under fixed ids.
 */

/** Sequences that do something to a terminal when they reach it raw: retitle, clear, clipboard, colour. */
export const TITLE = '\u001B]0;pwned\u0007';
export const CLEAR = '\u001B[2J';
export const CLIPBOARD = '\u001B]52;c;cHduZWQ=\u0007';
export const RED = '\u001B[31m';
/** Sequences the app itself never writes, so finding one in its output means a record's text got through. */
export const REPORT = '\u001B[6n';
export const MOVE = '\u001B[5;5H';
export const ESCAPES = `${TITLE}${CLEAR}${CLIPBOARD}${RED}${REPORT}${MOVE}`;

/**
 * What must never reach the pty from a record: its OSC and CSI sequences, 8-bit CSI and OSC, a bidi
 * override. A list of sequences, where hostile-records.ts has RAW_CONTROL (any control character):
 * the app's output is full of escapes of its own, so only ones it never writes can be looked for.
 */
export const RAW_SEQUENCES = ['\u001B]0;pwned', '\u001B]52;c;cHduZWQ', REPORT, MOVE, '\u009B', '\u009D', '\u202E'];

export const HOSTILE_IDS = {
	wrongTypes: '1'.repeat(64),
	escapes: '2'.repeat(64),
	huge: '3'.repeat(64),
	deep: '4'.repeat(64),
} as const;

/** Every field of the wrong type: strings where arrays go, maps where strings go, and so on. */
export const wrongTypesRecord = {
	created: 'yesterday',
	expires: true,
	account: {id: 'acme'},
	ip: 42,
	scopes: 'api',
	description: 'wrong types',
	restrictions: {addresses: '10.0.0.1', referrers: 7, rateLimit: 'fast'},
	metadata: ['not', 'a', 'string'],
	permissions: 'all',
};

/** Escapes in every field, in nested restriction values and rateLimit, and in a key's name. */
export const escapesRecord = {
	created: Date.now() - 60_000,
	account: `acct${ESCAPES}`,
	scopes: [`api${ESCAPES}`, 'metrics'],
	description: `escapes${ESCAPES}\u009B2J\u009D0;pwned\u0007\u202Eevil`,
	restrictions: {
		addresses: [`10.0.0.1${TITLE}`],
		referrers: [`https://x.example/${CLEAR}`],
		rateLimit: {maxRequests: TITLE, timeWindow: `${CLEAR}60`},
	},
	metadata: `{"note":"${CLIPBOARD}"}`,
	[`key${TITLE}`]: `value${RED}`,
};

export const HUGE_DESCRIPTION_LENGTH = 1024 * 1024;

export const hugeRecord = {
	created: Date.now() - 60_000,
	scopes: ['api'],
	description: `huge ${'x'.repeat(HUGE_DESCRIPTION_LENGTH)}`,
	metadata: 'y'.repeat(HUGE_DESCRIPTION_LENGTH),
};

export const DEEP_LEVELS = 200_000;

/**
 * An array nested `levels` deep as a value, built with a loop: a value no recursive walker may take
 * on. deepArray (hostile-records.ts) is the same nesting as bytes, which the store refuses to decode
 * this deep; this is for the views, which must bound whatever they are given.
 */
export function deepValue(levels: number): unknown {
	let value: unknown = null;
	for (let level = 0; level < levels; level++) {
		value = [value];
	}

	return value;
}

/**
 * A record whose `metadata` is an array nested 200,000 levels deep: built as bytes, since the
 * encoder recurses and cannot write it.
 */
export const deepRecordBytes = (levels = DEEP_LEVELS): Buffer =>
	rawRecord([
		['created', packed(Date.now() - 60_000)],
		['scopes', packed(['api'])],
		['description', packed('deeply nested')],
		['metadata', deepArray(levels)],
	]);

/** Writes the four hostile records (and a last use whose ip carries escapes) into db's token hash. */
export async function writeHostileRecords(redis: Redis, prefix = ''): Promise<void> {
	await redis.hset(`${prefix}tokens`, HOSTILE_IDS.wrongTypes, Buffer.from(encodeMsgpack(wrongTypesRecord)));
	await redis.hset(`${prefix}tokens`, HOSTILE_IDS.escapes, Buffer.from(encodeMsgpack(escapesRecord)));
	await redis.hset(`${prefix}tokens`, HOSTILE_IDS.huge, Buffer.from(encodeMsgpack(hugeRecord)));
	await redis.hset(`${prefix}tokens`, HOSTILE_IDS.deep, deepRecordBytes());
	await redis.hset(
		`${prefix}tokens:access`,
		HOSTILE_IDS.escapes,
		Buffer.from(encodeMsgpack({time: Date.now() - 120_000, ip: `10.0.0.9${TITLE}`})),
	);
	await redis.sadd(`${prefix}iat`, ...Object.values(HOSTILE_IDS));
}

/**
 * An export string an import takes (every known field of its shape) with terminal escapes in every
 * text it carries: description, account, an unknown key and its value.
 */
export function escapesExportString(id = '5'.repeat(64)): string {
	return encodeExportString(id, {
		created: Date.now(),
		account: `acct${TITLE}`,
		scopes: ['api'],
		description: `imported${ESCAPES}`,
		restrictions: {addresses: ['10.0.0.1'], rateLimit: {maxRequests: 5, timeWindow: 5}},
		[`x${MOVE}`]: `y${TITLE}`,
	});
}

/** The export string: `restrictions.addresses` as text, with escapes around it. */
export function wrongShapeExportString(id = '6'.repeat(64)): string {
	return encodeExportString(id, {
		created: Date.now(),
		scopes: ['api'],
		description: `wrong${TITLE}`,
		restrictions: {addresses: `10.0.0.1${TITLE}`},
	});
}
