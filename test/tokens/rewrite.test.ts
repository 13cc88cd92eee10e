import {describe, expect, it} from 'vitest';
import {
	LINK_KEY,
	buildRecord,
	editedRecord,
	planRotation,
	rotationLinkOf,
	withFields,
	withRotationLink,
} from '../../source/tokens/index.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const DAY = 86_400_000;

describe('the rotation link in metadata', () => {
	it('is added to an object without touching a byte of the rest (big numbers, spacing, nested braces)', () => {
		const metadata = '{ "n": 12345678901234567890,\n  "s": "a } \\" {",  "x": [1, {"y": "]"}] }';
		const linked = withRotationLink(metadata, {rotatedFrom: A})!;
		expect(linked).toBe(`{"${LINK_KEY}":{"rotatedFrom":"${A}"}, "n": 12345678901234567890,\n  "s": "a } \\" {",  "x": [1, {"y": "]"}] }`);
		expect(rotationLinkOf(linked)).toEqual({rotatedFrom: A});
	});

	it('replaces an earlier link, wherever it is and however often it is there', () => {
		const metadata = `{"a":1,"${LINK_KEY}":{"replacedBy":"${B}"},"b":2,"${LINK_KEY}":"junk"}`;
		const linked = withRotationLink(metadata, {rotatedFrom: C})!;
		expect(linked).toBe(`{"${LINK_KEY}":{"rotatedFrom":"${C}"},"a":1,"b":2}`);
		expect(withRotationLink(`{"${LINK_KEY}":{"rotatedFrom":"${A}"}}`, {replacedBy: B})).toBe(`{"${LINK_KEY}":{"replacedBy":"${B}"}}`);
		expect(withRotationLink('{ }', {replacedBy: B})).toBe(`{"${LINK_KEY}":{"replacedBy":"${B}"} }`);
	});

	it('gives absent metadata an object of its own, and leaves metadata that is not a JSON object alone', () => {
		expect(withRotationLink(undefined, {rotatedFrom: A})).toBe(`{"${LINK_KEY}":{"rotatedFrom":"${A}"}}`);
		for (const metadata of ['[1,2]', '"text"', '5', 'null', '{not json', 7, {a: 1}]) {
			expect(withRotationLink(metadata, {rotatedFrom: A})).toBeUndefined();
		}
	});

	it('reads only ids as links', () => {
		expect(rotationLinkOf(`{"${LINK_KEY}":{"rotatedFrom":"nope","replacedBy":"${B}"}}`)).toEqual({replacedBy: B});
		expect(rotationLinkOf(`{"${LINK_KEY}":["${A}"]}`)).toBeUndefined();
		expect(rotationLinkOf(5)).toBeUndefined();
	});
});

describe('withFields', () => {
	it('keeps every key in place and puts a new one where issue puts it', () => {
		const record = {created: 1, account: 'x', scopes: ['api'], description: 'd', imported: true};
		expect(Object.keys(withFields(record, {expires: 5, metadata: '{}'}))).toEqual([
			'created',
			'expires',
			'account',
			'scopes',
			'description',
			'metadata',
			'imported',
		]);
		expect(Object.keys(withFields({...record, expires: 2}, {expires: undefined}))).toEqual([
			'created',
			'account',
			'scopes',
			'description',
			'imported',
		]);
		// The order issue writes is the order buildRecord writes.
		const built = buildRecord({created: 1, scopes: ['api'], description: 'd', expires: 9, account: 'a', metadata: '{}'});
		expect(Object.keys(built)).toEqual(['created', 'expires', 'account', 'scopes', 'description', 'metadata']);
	});
});

describe('planRotation', () => {
	const now = 1_800_000_000_000;
	it('carries the lifetime over, and never extends the old token by the grace', () => {
		const record = {created: now - 10 * DAY, expires: now + 20 * DAY, scopes: ['api'], description: 'd'};
		const plan = planRotation({id: A, record}, B, now, DAY);
		expect(plan.successor['expires']).toBe(now + 30 * DAY);
		expect(plan.retired['expires']).toBe(now + DAY);
		expect(plan.keptEarlierExpiry).toBe(false);
		const soon = planRotation({id: A, record: {...record, expires: now + 1000}}, B, now, DAY);
		expect(soon.retired['expires']).toBe(now + 1000);
		expect(soon.keptEarlierExpiry).toBe(true);
	});

	it('leaves a token without expiry without one', () => {
		const plan = planRotation({id: A, record: {created: now - DAY, scopes: ['*'], description: 'd'}}, B, now, 0);
		expect(Object.hasOwn(plan.successor, 'expires')).toBe(false);
		expect(plan.retired['expires']).toBe(now);
	});
});

describe('editedRecord', () => {
	it('keeps the shape of REST restrictions: a removed key is nil', () => {
		const record = {
			created: 1,
			scopes: ['api'],
			description: 'd',
			restrictions: {referrers: null, addresses: ['10.0.0.1'], rateLimit: null},
		};
		expect(editedRecord(A, record, {addresses: null, referrers: ['https://x/*']})['restrictions']).toEqual({
			referrers: ['https://x/*'],
			addresses: null,
			rateLimit: null,
		});
		expect(editedRecord(A, record, {addresses: null})['restrictions']).toBeUndefined();
	});

	it('removes an emptied restrictions map, and adds restrictions in issue order', () => {
		const record = {created: 1, scopes: ['api'], description: 'd', restrictions: {addresses: ['10.0.0.1']}};
		expect(Object.keys(editedRecord(A, record, {addresses: null}))).toEqual(['created', 'scopes', 'description']);
		expect(
			Object.keys(editedRecord(A, record, {rateLimit: {maxRequests: 1, timeWindow: 2}, referrers: ['r']})['restrictions'] as object),
		).toEqual(['referrers', 'addresses', 'rateLimit']);
	});

	it('refuses to extend a token that never expires', () => {
		expect(() => editedRecord(A, {created: 1, scopes: ['api']}, {extendMs: DAY})).toThrow(/no expiry to extend/);
	});
});
