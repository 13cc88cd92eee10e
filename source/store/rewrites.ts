import {isDeepStrictEqual} from 'node:util';
import {
	EMPTY_ACCESS,
	type LastUse,
	type LinkedToken,
	type RotationFacts,
	type RotationPlan,
	type TokenEdit,
	TokenError,
	type TokenRecord,
	editedRecord,
	encodeRecord,
	generateRawToken,
	indexAccountOf,
	planRotation,
	refuseExpired,
	rewriteProblem,
	rotationLinkOf,
	tokenIdOf,
	unreadableReason,
} from '../tokens/index.js';
import {getLastUse, getRecord, resolveToken} from './lookup.js';
import type {RewritingRedis} from './rewrite-scripts.js';
import {type StoreContext, decodeOrUndefined, unreadableError} from './stored-records.js';

/**
 * Rotating and editing (issue #12 §3, §4): read the record, work out what it becomes
 * (tokens/rewrite.ts), and write that back only if the stored bytes are still the ones read
 * (rewrite-scripts.ts). Nothing is retried: a conflict means someone else changed the token, and
 * what they did should be looked at before trying again.
 */

/** For tests: runs between the read and the compare-and-set write, where another writer could act. */
export type RewriteHooks = {afterRead?: () => Promise<void>};

/**
 * An edit made on a record read earlier (the app's form, filled from it): it is refused as a
 * conflict when the stored record is no longer that one, so an operator never overwrites what
 * another changed after the form was filled.
 */
export type EditOptions = RewriteHooks & {basedOn?: TokenRecord};

export type EditOutcome = {id: string; before: TokenRecord; record: TokenRecord; changed: boolean};

export type RotateOutcome = {
	rawToken: string;
	id: string;
	record: TokenRecord;
	old: {id: string; record: TokenRecord; lastUse?: LastUse};
} & Omit<RotationPlan, 'successor' | 'retired'>;

/** The record under an id or raw token, as bytes and decoded, refused when it may not be rewritten. */
async function readForRewrite(store: StoreContext, idOrToken: string, what: string) {
	// An unreadable record is a TokenError 'unreadable' here (exit 6): it can be revoked, not rewritten.
	const {id, lastUse} = await resolveToken(store, idOrToken);
	// The bytes the write compares with, and the record decoded from exactly those bytes.
	const bytes = await store.redis.hgetBuffer(store.keys.tokens, id);
	if (!bytes) {
		throw new TokenError('not-found', 'No token with that id or value');
	}

	const record = decodeOrUndefined(bytes);
	if (!record) {
		throw unreadableError(id, unreadableReason(bytes) ?? 'unreadable');
	}

	const entry = {id, record, lastUse};
	const problem = rewriteProblem(entry.record);
	if (problem !== undefined) {
		throw new TokenError('unreadable', `Token ${entry.id} cannot be ${what}: ${problem}: ee-tokens revoke -t ${entry.id}`);
	}

	refuseExpired(entry.id, entry.record, store.now(), what);
	return {...entry, bytes};
}

/** A compare-and-set that found the record changed (0): said apart from a token revoked meanwhile. */
async function conflict(store: StoreContext, id: string, what: string): Promise<TokenError> {
	if (!(await store.redis.hexists(store.keys.tokens, id))) {
		return new TokenError('not-found', `Token ${id} was revoked while it was being ${what}; nothing was written`);
	}

	return new TokenError(
		'conflict',
		`Token ${id} changed while it was being ${what} (another writer); nothing was written: look at it again (ee-tokens show -t ${id}) and retry`,
	);
}

/** Changes the fields an edit asks for, keeping the token's value, id and created time. */
export async function editToken(store: StoreContext, idOrToken: string, edit: TokenEdit, hooks: EditOptions = {}): Promise<EditOutcome> {
	const read = await readForRewrite(store, idOrToken, 'edited');
	if (hooks.basedOn !== undefined && !isDeepStrictEqual(hooks.basedOn, read.record)) {
		throw await conflict(store, read.id, 'edited');
	}

	const record = editedRecord(read.id, read.record, edit);
	const encoded = encodeRecord(record);
	await hooks.afterRead?.();
	if (encoded.equals(read.bytes)) {
		return {id: read.id, before: read.record, record, changed: false};
	}

	const written = await (store.redis as RewritingRedis).eeReplaceIfUnchanged(store.keys.tokens, read.id, read.bytes, encoded);
	if (written !== 1) {
		throw await conflict(store, read.id, 'edited');
	}

	return {id: read.id, before: read.record, record, changed: true};
}

/**
 * A new token with every field of the old one, and the old one retired after the grace, in one
 * step. The new raw token is returned once and kept nowhere.
 */
export async function rotateToken(
	store: StoreContext,
	idOrToken: string,
	graceMs: number,
	hooks: RewriteHooks = {},
): Promise<RotateOutcome> {
	const read = await readForRewrite(store, idOrToken, 'rotated');
	const rawToken = generateRawToken();
	const id = tokenIdOf(rawToken);
	const {successor, retired, ...plan} = planRotation(read, id, store.now(), graceMs);
	await hooks.afterRead?.();
	const written = await (store.redis as RewritingRedis).eeRotateIfUnchanged(
		store.keys.tokens,
		store.keys.access,
		store.keys.index(indexAccountOf(successor)),
		read.id,
		read.bytes,
		encodeRecord(retired),
		id,
		encodeRecord(successor),
		EMPTY_ACCESS,
	);
	if (written !== 1) {
		throw await conflict(store, read.id, 'rotated');
	}

	return {rawToken, id, record: successor, old: {id: read.id, record: retired, lastUse: read.lastUse}, ...plan};
}

/**
 * The tokens a record's rotation link names (tokens/rotation-link.ts), as they are now, for a details
 * view. A linked record that cannot be read counts as gone: it cannot authenticate either.
 */
export async function rotationFacts(store: StoreContext, record: TokenRecord): Promise<RotationFacts> {
	const link = rotationLinkOf(record['metadata']);
	const read = async (id: string | undefined): Promise<LinkedToken | undefined> => {
		if (id === undefined) {
			return undefined;
		}

		const [linked, lastUse] = await Promise.all([getRecord(store, id), getLastUse(store, id)]);
		return {id, record: linked, lastUse};
	};

	const [rotatedFrom, replacedBy] = await Promise.all([read(link?.rotatedFrom), read(link?.replacedBy)]);
	return {rotatedFrom, replacedBy};
}
