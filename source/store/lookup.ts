import {
	type LastUse,
	type TokenEntry,
	TokenError,
	type TokenRecord,
	decodeLastUse,
	MIN_ID_PREFIX,
	isHex64,
	isIdPrefix,
	shallowFields,
	tokenIdOf,
	unreadableReason,
} from '../tokens/index.js';
import {type OnUnreadable, type StoreContext, decodeOrReport, decodeOrUndefined, unreadableError} from './stored-records.js';

/** The record stored under an id, if any; an unreadable one reads as absent and is reported. */
export async function getRecord({redis, keys}: StoreContext, id: string, onUnreadable?: OnUnreadable): Promise<TokenRecord | undefined> {
	const bytes = await redis.hgetBuffer(keys.tokens, id);
	return bytes ? decodeOrReport(id, bytes, onUnreadable) : undefined;
}

export async function getLastUse({redis, keys}: StoreContext, id: string): Promise<LastUse | undefined> {
	return decodeLastUse(await redis.hgetBuffer(keys.access, id));
}

/**
 * An argument that may be an id or a raw token, tried as an id first and then hashed, as
 * EmailEngine's export and delete do (compatibility §1.5, §3.1). Expired tokens are found too. A
 * record that exists but cannot be read is a TokenError 'unreadable', or, with `allowUnreadable`
 * (revoking it), an entry with what could be read of it (shallowFields) and `unreadable` saying why.
 */
export async function resolveToken(
	{redis, keys}: StoreContext,
	idOrToken: string,
	options: {allowUnreadable?: boolean} = {},
): Promise<TokenEntry> {
	const value = idOrToken.trim();
	if (!isHex64(value)) {
		throw new TokenError('usage', 'A token id or raw token is 64 hex characters');
	}

	// Every reading and its last use in one round trip; the id readings win, as in EmailEngine. The
	// id is tried as given first: EmailEngine's import stores an id from an export string verbatim,
	// upper-case included (compatibility §1.4), and such a record is reachable by that id alone.
	const candidates = [...new Set([value, value.toLowerCase(), tokenIdOf(value)])];
	const [records, access] = await Promise.all([
		redis.hmgetBuffer(keys.tokens, ...candidates),
		redis.hmgetBuffer(keys.access, ...candidates),
	]);
	for (const [index, id] of candidates.entries()) {
		const record = decodeOrUndefined(records[index]);
		if (record) {
			return {id, record, lastUse: decodeLastUse(access[index])};
		}
	}

	// Only when neither reading is a readable record: EmailEngine's lookups read an unreadable
	// one as absent and go on to the next reading.
	for (const [index, id] of candidates.entries()) {
		const bytes = records[index];
		if (bytes) {
			const reason = unreadableReason(bytes) ?? 'unreadable';
			if (!options.allowUnreadable) {
				throw unreadableError(id, reason);
			}

			return {id, record: shallowFields(bytes), lastUse: decodeLastUse(access[index]), unreadable: reason};
		}
	}

	// No part of the value: it may be a raw token, and no message echoes one, not even a prefix.
	throw new TokenError('not-found', 'No token with that id or value');
}

/** How many fields each HSCAN page walks: 100,000 tokens take 20 round trips (see lookup below). */
const PREFIX_SCAN_COUNT = 5000;

/** How many matching ids an ambiguous prefix names; more are counted, not listed. */
const CANDIDATES_SHOWN = 10;

/** A Redis glob matching ids that start with `prefix` in either case (ids are stored verbatim, compatibility §1.4). */
const caseInsensitivePattern = (prefix: string) =>
	`${[...prefix.toLowerCase()].map(character => (/[a-f]/.test(character) ? `[${character}${character.toUpperCase()}]` : character)).join('')}*`;

/**
 * The full id an `-t` value names: the value itself when it is 64 hex characters (an id or a raw
 * token, for resolveToken), else the one stored id that starts with it, in any case. The tokens
 * hash is walked once with HSCAN MATCH, so Redis compares the names and only matches travel; the
 * whole walk is needed to know that a match is the only one. Several matches are a usage error
 * that lists them (a prefix never picks one of many); none is not-found. The prefix is never
 * echoed: it may be the start of a raw token.
 */
export async function completeIdPrefix({redis, keys}: StoreContext, value: string): Promise<string> {
	const typed = value.trim();
	if (!isIdPrefix(typed)) {
		if (isHex64(typed)) {
			return typed;
		}

		throw new TokenError(
			'usage',
			`A token id is 64 hex characters; give the whole id, at least its first ${MIN_ID_PREFIX}, or the raw token`,
		);
	}

	const lower = typed.toLowerCase();
	const matches = new Set<string>();
	let cursor = '0';
	do {
		const [next, fields] = await redis.hscanBuffer(keys.tokens, cursor, 'MATCH', caseInsensitivePattern(lower), 'COUNT', PREFIX_SCAN_COUNT);
		cursor = String(next);
		for (let index = 0; index < fields.length; index += 2) {
			const id = fields[index]!.toString();
			// Only what -t can name: an id that is no 64 hex characters is revoked from its row in the app.
			if (isHex64(id) && id.toLowerCase().startsWith(lower)) {
				matches.add(id);
			}
		}
	} while (cursor !== '0');

	const [only, ...others] = [...matches].sort();
	if (only === undefined) {
		throw new TokenError('not-found', 'No token id starts with that prefix');
	}

	if (others.length > 0) {
		const all = [only, ...others];
		const more = all.length > CANDIDATES_SHOWN ? `, and ${all.length - CANDIDATES_SHOWN} more` : '';
		throw new TokenError(
			'usage',
			`That prefix matches ${all.length} tokens: ${all.slice(0, CANDIDATES_SHOWN).join(', ')}${more}; give more characters of the id`,
		);
	}

	return only;
}
