import {describe, expect, it} from 'vitest';
import {
	EMPTY_ACCESS,
	decodeExportString,
	encodeExportString,
	encodeLastUse,
	encodeRecord,
	importedRecord,
	tokenIdOf,
} from '../../source/tokens/index.js';
import {VECTOR, hex} from '../helpers/vectors.js';

describe('compatibility §0 test vectors', () => {
	it('derives the id from the decoded bytes, not the hex text', () => {
		expect(tokenIdOf(VECTOR.rawToken)).toBe(VECTOR.id);
		expect(tokenIdOf(VECTOR.rawToken)).not.toBe(VECTOR.wrongId);
		// Upper-case raw tokens authenticate in EmailEngine: same bytes, same id.
		expect(tokenIdOf(VECTOR.rawToken.toUpperCase())).toBe(VECTOR.id);
	});

	it('decodes the export string to id, created Date, scopes and description', () => {
		const {id, fields} = decodeExportString(VECTOR.exportString);
		expect(id).toBe(VECTOR.id);
		expect(Object.keys(fields)).toEqual(['created', 'scopes', 'description']);
		expect(fields['created']).toEqual(new Date(VECTOR.created));
		expect(fields['scopes']).toEqual(['*']);
		expect(fields['description']).toBe('test token');
	});

	it('re-encodes to the identical string', () => {
		const {id, fields} = decodeExportString(VECTOR.exportString);
		expect(encodeExportString(id, fields)).toBe(VECTOR.exportString);
		// The stored form has created as an integer; exporting it gives the same bytes.
		expect(encodeExportString(id, {created: VECTOR.created, scopes: ['*'], description: 'test token'})).toBe(VECTOR.exportString);
	});

	it('stores the imported record with created as uint64 milliseconds, byte for byte', () => {
		const {fields} = decodeExportString(VECTOR.exportString);
		expect(encodeRecord(importedRecord(fields, VECTOR.created)).toString('hex')).toBe(VECTOR.storedHex);
	});

	it('encodes access records as EmailEngine does', () => {
		expect(EMPTY_ACCESS.toString('hex')).toBe('80');
		expect(encodeLastUse(VECTOR.created, '127.0.0.1').toString('hex')).toBe(
			`82a4${hex('time')}cf00000193f34e4a5fa2${hex('ip')}a9${hex('127.0.0.1')}`,
		);
		expect(encodeLastUse(VECTOR.created, null).toString('hex')).toBe(`82a4${hex('time')}cf00000193f34e4a5fa2${hex('ip')}c0`);
	});
});

describe('export string decoding tolerance', () => {
	const base64 = Buffer.from(VECTOR.exportString, 'base64url').toString('base64');

	it.each([
		['padded standard base64', base64],
		['surrounding whitespace and newline', `  ${VECTOR.exportString}\n`],
		['padded base64url', `${VECTOR.exportString}${'='.repeat((4 - (VECTOR.exportString.length % 4)) % 4)}`],
	])('accepts %s', (_name, input) => {
		expect(decodeExportString(input).id).toBe(VECTOR.id);
	});

	it('lower-cases an upper-case id so the record stays reachable by its raw token', () => {
		const upper = encodeExportString(VECTOR.id.toUpperCase(), {created: 1, description: 'x'});
		expect(decodeExportString(upper).id).toBe(VECTOR.id);
	});

	it('keeps unknown keys verbatim and in order', () => {
		const text = encodeExportString(VECTOR.id, {created: 5, futureField: {a: [1, 2]}, description: 'x'});
		const {fields} = decodeExportString(text);
		expect(Object.keys(fields)).toEqual(['created', 'futureField', 'description']);
		expect(fields['futureField']).toEqual({a: [1, 2]});
	});
});
