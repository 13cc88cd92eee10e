import {
	type LastUse,
	type TokenEntry,
	TokenError,
	type TokenRecord,
	decodeLastUse,
	isHex64,
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
