import {isPlainMap} from './msgpack.js';
import type {LastUse, TokenRecord} from './record.js';
import {LIMITS} from './validation.js';

/**
 * How a rotation links the old token and the new one: a member of the record's `metadata`, a JSON
 * text EmailEngine stores and answers as it is and never interprets (compatibility §2), under a key
 * that is ee-tokens' own. The new token's metadata says `{"ee-tokens":{"rotatedFrom":"<old id>"}}`,
 * the old one's `{"ee-tokens":{"replacedBy":"<new id>"}}`; every other byte of the text is kept as
 * it was (no re-serialising: that would round large numbers and drop formatting an owner relies on).
 * Metadata that is not a JSON object is not touched, and the rotation is then not linked.
 */
export const LINK_KEY = 'ee-tokens';

export type RotationLink = {rotatedFrom?: string; replacedBy?: string};

/** The other token of a rotation as read now: `record` undefined when it is gone (revoked, reaped, unreadable). */
export type LinkedToken = {id: string; record?: TokenRecord; lastUse?: LastUse};

/** The tokens a token's rotation link names, as read now. */
export type RotationFacts = {rotatedFrom?: LinkedToken; replacedBy?: LinkedToken};

/** An id as stored: EmailEngine keeps an upper-case one from an export string verbatim (compatibility §1.4). */
const ID = /^[\da-f]{64}$/i;

/** The link a stored metadata value holds, if it holds one; anything malformed reads as none. */
export function rotationLinkOf(metadata: unknown): RotationLink | undefined {
	const object = jsonObject(metadata);
	const value = object?.[LINK_KEY];
	if (!isPlainMap(value)) {
		return undefined;
	}

	const link: RotationLink = {};
	for (const key of ['rotatedFrom', 'replacedBy'] as const) {
		const id = value[key];
		if (typeof id === 'string' && ID.test(id)) {
			link[key] = id;
		}
	}

	return link.rotatedFrom === undefined && link.replacedBy === undefined ? undefined : link;
}

/**
 * The metadata text with ee-tokens' member set to `link` (any earlier one replaced), or undefined
 * when it cannot be linked: the text is not a JSON object, or the result would pass EmailEngine's
 * 1 MiB limit. Absent metadata becomes an object of the link alone.
 */
export function withRotationLink(metadata: unknown, link: RotationLink): string | undefined {
	const member = `${JSON.stringify(LINK_KEY)}:${JSON.stringify(link)}`;
	if (metadata === undefined || metadata === null || metadata === '') {
		return `{${member}}`;
	}

	const original = jsonObject(metadata);
	if (!original) {
		return undefined;
	}

	let text = metadata as string;
	// Every earlier member under the key goes (JSON.parse keeps the last of duplicates).
	for (let found = ownMember(text); found; found = ownMember(text)) {
		text = text.slice(0, found.start) + text.slice(found.end);
	}

	const open = text.indexOf('{') + 1;
	const empty = topLevelMembers(text).length === 0;
	const linked = `${text.slice(0, open)}${member}${empty ? '' : ','}${text.slice(open)}`;
	// The result must be the original object plus the link, and within EmailEngine's limit.
	const check = jsonObject(linked);
	const without = (object: Record<string, unknown>) => JSON.stringify(Object.entries(object).filter(([key]) => key !== LINK_KEY));
	if (
		!check ||
		linked.length > LIMITS.metadata ||
		without(check) !== without(original) ||
		JSON.stringify(check[LINK_KEY]) !== JSON.stringify(link)
	) {
		return undefined;
	}

	return linked;
}

function jsonObject(metadata: unknown): Record<string, unknown> | undefined {
	if (typeof metadata !== 'string' || metadata.length > LIMITS.metadata) {
		return undefined;
	}

	try {
		const value: unknown = JSON.parse(metadata);
		return isPlainMap(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** The first member under LINK_KEY, with one of the commas around it, as a range to cut. */
function ownMember(text: string): {start: number; end: number} | undefined {
	const members = topLevelMembers(text);
	const index = members.findIndex(member => member.key === LINK_KEY);
	if (index === -1) {
		return undefined;
	}

	const member = members[index]!;
	const next = members[index + 1];
	if (next) {
		return {start: member.start, end: next.start};
	}

	const previous = members[index - 1];
	return {start: previous ? previous.end : member.start, end: member.end};
}

type Member = {key: string; start: number; end: number};

/**
 * The top-level members of a JSON object text (`"key": value`, from the key's quote to the value's
 * end). Only called on text JSON.parse has accepted as an object, so it needs no error handling.
 */
function topLevelMembers(text: string): Member[] {
	const members: Member[] = [];
	let index = skipSpace(text, text.indexOf('{') + 1);
	while (text[index] === '"') {
		const start = index;
		const keyEnd = skipString(text, index);
		const key = JSON.parse(text.slice(start, keyEnd)) as string;
		const end = skipValue(text, skipSpace(text, skipSpace(text, keyEnd) + 1));
		members.push({key, start, end});
		index = skipSpace(text, end);
		if (text[index] === ',') {
			index = skipSpace(text, index + 1);
		}
	}

	return members;
}

const skipSpace = (text: string, index: number): number => {
	while (index < text.length && ' \t\n\r'.includes(text[index]!)) {
		index++;
	}

	return index;
};

/** From a string's opening quote to just past its closing one. */
function skipString(text: string, index: number): number {
	let at = index + 1;
	while (text[at] !== '"') {
		at += text[at] === '\\' ? 2 : 1;
	}

	return at + 1;
}

/** From a value's first character to just past its last. */
function skipValue(text: string, index: number): number {
	const first = text[index];
	if (first === '"') {
		return skipString(text, index);
	}

	if (first === '{' || first === '[') {
		let depth = 0;
		let at = index;
		for (;;) {
			const character = text[at];
			if (character === '"') {
				at = skipString(text, at);
				continue;
			}

			if (character === '{' || character === '[') {
				depth++;
			} else if (character === '}' || character === ']') {
				depth--;
				if (depth === 0) {
					return at + 1;
				}
			}

			at++;
		}
	}

	let at = index;
	while (at < text.length && !',}] \t\n\r'.includes(text[at]!)) {
		at++;
	}

	return at;
}
