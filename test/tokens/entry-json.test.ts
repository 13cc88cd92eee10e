import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {
	type StoredEntry,
	buildRecord,
	decodeLastUse,
	decodeRecord,
	encodeLastUse,
	encodeRecord,
	entriesJson,
	entryToJson,
} from '../../source/tokens/index.js';
import type {JsonOptions} from '../../source/tokens/view.js';
import {writeJsonArray} from '../../source/commands/output.js';
import {CLI_JSON} from '../../source/commands/safe-json.js';
import {fuzzCases, random} from '../helpers/fuzz.js';
import {FULL_RECORD, ODD_RECORDS, bytesOf, hex} from '../helpers/msgpack-bytes.js';
import {VECTOR} from '../helpers/vectors.js';

/** One token's JSON text as entriesJson() writes it, or undefined when its record cannot be read. */
function entryJsonText(id: string, record: Buffer, access: Buffer | null | undefined, options: JsonOptions = {}): string | undefined {
	let readable = true;
	const json = entriesJson([{id, record, access: access ?? undefined}], options, () => {
		readable = false;
	});
	return readable ? json.toString('utf8') : undefined;
}

/**
 * `list --json` writes each token's JSON straight from its stored bytes (entriesJson). The
 * reference is what it wrote before: the library's decoded record made entryToJson() objects,
 * written a chunk at a time by writeJsonArray(). Both must give the same bytes on every input.
 */
async function reference(entries: readonly StoredEntry[]): Promise<string> {
	const objects: Array<Record<string, unknown>> = [];
	for (const {id, record, access} of entries) {
		let decoded;
		try {
			decoded = decodeRecord(record);
		} catch {
			continue;
		}

		objects.push(entryToJson({id, record: decoded, lastUse: decodeLastUse(access)}, CLI_JSON));
	}

	let text = '';
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			text += chunk.toString('utf8');
			done();
		},
	});
	await writeJsonArray(sink, [objects]);
	return text;
}

function ours(entries: readonly StoredEntry[]): {text: string; unreadable: string[]} {
	const unreadable: string[] = [];
	const body = entriesJson(entries, CLI_JSON, id => unreadable.push(id)).toString('utf8');
	return {text: body === '' ? '[]\n' : `[\n${body}\n]\n`, unreadable};
}

const ID = 'ab'.repeat(32);
const entry = (record: Buffer, access?: Buffer, id = ID): StoredEntry => ({id, record, access});

async function agree(entries: readonly StoredEntry[], label: string): Promise<void> {
	const expected = await reference(entries);
	const label2 = `${label}: ${entries.map(({record}) => record.toString('hex')).join(' ')}`;
	expect(ours(entries).text, label2).toBe(expected);
}

describe('list --json written straight from stored bytes', () => {
	it('writes the compatibility vector and a record of every field as EmailEngine lists them', async () => {
		const full = FULL_RECORD;
		expect(entryJsonText(ID, encodeRecord(full), encodeLastUse(1_790_000_000_005, '203.0.113.9'), CLI_JSON)).toBe(
			`{"id":"${ID}","account":"acme","created":"2026-09-21T14:13:20.000Z","expires":"2027-01-15T08:00:00.000Z","ip":"127.0.0.1",` +
				`"remoteAddress":"10.0.0.1","scopes":["api","smtp"],"description":"Billing sync","restrictions":{"referrers":["*.example.com"],` +
				`"addresses":["10.0.0.0/8"],"rateLimit":{"maxRequests":10,"timeWindow":60}},"metadata":"{\\"a\\":1}",` +
				`"access":{"time":"2026-09-21T14:13:20.005Z","ip":"203.0.113.9"}}`,
		);
		await agree([entry(Buffer.from(VECTOR.storedHex, 'hex'), hex('80'), VECTOR.id), entry(encodeRecord(full))], 'vector and full');
	});

	it('agrees with the library on odd but valid shapes, hostile text and last uses', async () => {
		const records: Array<[string, unknown]> = [
			['account stored last', {created: 1, scopes: ['api'], description: 'd', account: 'late'}],
			['integer account', {created: 1, account: 42, description: 'x'}],
			['empty and nil account', {account: '', description: ''}],
			['nil account', {account: null}],
			['account false, a list, a map', {account: false, other: {account: ['a']}}],
			['account a map', {account: {a: 1}}],
			['a stored id', {id: 'other', created: 5}],
			['a stored id that is a map', {created: 5, id: {deep: [1, 2]}}],
			['non-string scope members', {scopes: ['api', 1, null, ['nested'], 'metrics']}],
			['negative and small integers', {created: -1, expires: 0}],
			['floats', {created: 1.25, expires: Number.NaN, ratio: 0.1, tiny: -0, float32: 1.5}],
			['infinity', {created: Number.POSITIVE_INFINITY, other: Number.NEGATIVE_INFINITY}],
			['beyond a Date', {created: 8.64e15 + 1, expires: -(2 ** 60)}],
			['big integers', {created: 2 ** 60, expires: -(2 ** 40), big: 2 ** 64, small: -(2 ** 63)}],
			['times as text', {created: '2026-01-01', expires: true}],
			['booleans and nil', {created: true, description: null, flag: false}],
			['binary', {description: new Uint8Array([1, 2, 3])}],
			['dates', {created: new Date(1_700_000_000_000), expires: new Date(-5)}],
			['non-ASCII text', {description: 'Rechnungsprüfung 請求 🚀', account: 'mañana'}],
			['long text', {description: 'x'.repeat(70_000), metadata: `"${'\\'.repeat(300)}"`}],
			['byte-order mark', {description: `\uFEFF${'y'.repeat(300)}`, short: '\uFEFFz'}],
			['escapes', {description: 'a\u001B[2Jb\u0007"q"\\n', tab: '\t', del: 'x\u007Fy'}],
			['C1 and bidi', {description: 'a\u009B31mb\u202Ec\u2066d\u2069', account: '\u0085acct'}],
			['line separators', {description: 'a\u2028b\u2029c'}],
			['nested maps', {restrictions: {rateLimit: {maxRequests: 1, timeWindow: 2}}, description: 'after'}],
			['lists of maps with an id', {permissions: [{id: 1}, {id: 2}], list: [{a: 1}, {id: 'x'}]}],
			['a map in a list', {scopes: [{api: true}]}],
			['deep nesting', {a: {b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}}],
			['unknown extension', {description: 'd', other: {type: 5, data: new Uint8Array([1])}}],
			['many keys', Object.fromEntries(Array.from({length: 80}, (_, index) => [`key${index}`, index]))],
			['index-like keys', {created: 1, 7: 'seven', 0: 'zero', '01': 'leading zero', '-1': 'negative'}],
			['keys of odd text', {'': 'empty', 'quo"te': 1, 'back\\slash': 2, 'ctrl\u0001': 3, ü: 4, '\u009Bk': 5, ['k'.repeat(300)]: 6}],
			['underscored keys', {_proto_ab: 1, __proto: 2, constructor: 3, toString: 4, hasOwnProperty: 5}],
			['empty map', {}],
			['empty containers', {scopes: [], restrictions: {}}],
		];
		const lastUses: Array<Buffer | undefined> = [
			undefined,
			hex('80'),
			encodeLastUse(1_790_000_000_000, '127.0.0.1'),
			encodeLastUse(5, null),
			bytesOf({ip: 'x', time: 7}),
			bytesOf({time: 'soon'}),
			bytesOf({time: new Date(9), ip: '\u009B1m'}),
			bytesOf({time: 8.64e15 + 1, ip: '"quoted"'}),
			bytesOf([1, 2]),
			hex('c1'),
			Buffer.alloc(0),
		];
		for (const [index, [label, value]] of records.entries()) {
			await agree([entry(bytesOf(value), lastUses[index % lastUses.length])], label);
		}

		for (const lastUse of lastUses) {
			await agree([entry(bytesOf({created: 1}), lastUse)], `last use ${lastUse?.toString('hex')}`);
		}

		// Ids are hash fields: anything at all.
		for (const id of ['', 'ABC', 'quo"te', 'back\\slash', '\u001B[2J', 'a\u009Bb', '\u202Eevil', 'ünï', 'x'.repeat(500)]) {
			await agree([entry(bytesOf({created: 1, description: 'd'}), undefined, id)], `id ${JSON.stringify(id)}`);
		}
	});

	it('leaves out records the library cannot read, and says which, with the separators right', async () => {
		const broken = ODD_RECORDS;
		const good = entry(bytesOf({created: 1, description: 'good'}));
		const libraryReads = (bytes: Buffer) => {
			try {
				decodeRecord(bytes);
				return true;
			} catch {
				return false;
			}
		};

		let unreadable = 0;
		for (const [label, bytes] of broken) {
			const entries = [good, entry(bytes, hex('80'), 'cd'.repeat(32)), good];
			await agree(entries, label);
			await agree([entry(bytes)], `${label} alone`);
			// Invalid UTF-8 is read (with replacement characters) by the library, and so here.
			expect(ours(entries).unreadable, label).toEqual(libraryReads(bytes) ? [] : ['cd'.repeat(32)]);
			unreadable += libraryReads(bytes) ? 0 : 1;
		}

		expect(unreadable).toBeGreaterThanOrEqual(broken.length - 2);

		// Still read: trailing bytes after the record (ignored), and a repeated key (the last value wins, in the first place).
		const readable: Array<[string, Buffer]> = [
			['trailing bytes', Buffer.concat([bytesOf({description: 'x'}), hex('c1 c1 ff')])],
			['repeated keys', hex('83 ab 64 65 73 63 72 69 70 74 69 6f 6e a1 61 a1 62 01 ab 64 65 73 63 72 69 70 74 69 6f 6e a1 62')],
			['repeated account', hex('82 a7 6163636f756e74 01 a7 6163636f756e74 a1 61')],
			['number key (an object puts it first)', hex('82 a1 61 01 01 a1 78')],
		];
		for (const [label, bytes] of readable) {
			await agree([good, entry(bytes)], label);
			expect(ours([entry(bytes)]).unreadable, label).toEqual([]);
		}
	});

	it(`agrees with the library on ${fuzzCases(3000)} mutated records`, async () => {
		const rng = random(0x15_0e);
		const seeds = [
			encodeRecord(buildRecord({created: 1_790_000_000_000, account: 'acme', scopes: ['api'], description: 'Billing', metadata: '{}'})),
			encodeRecord(
				buildRecord({
					created: 1,
					expires: 2,
					scopes: ['*'],
					description: 'ünï',
					restrictions: {addresses: ['::1'], rateLimit: {maxRequests: 1, timeWindow: 2}},
				}),
			),
			Buffer.from(VECTOR.storedHex, 'hex'),
			encodeRecord({created: 1, account: 7, scopes: 'api', expires: 'x', description: 'd', restrictions: null, permissions: null}),
		];
		const batch: StoredEntry[] = [];
		for (let index = 0; index < fuzzCases(3000); index++) {
			const bytes = Buffer.from(rng.pick(seeds));
			let record: Buffer;
			switch (rng.int(3)) {
				case 0: {
					for (let flips = 1 + rng.int(4); flips > 0; flips--) {
						bytes[rng.int(bytes.length)] = rng.int(256);
					}

					record = bytes;
					break;
				}

				case 1: {
					record = bytes.subarray(0, rng.int(bytes.length));
					break;
				}

				default: {
					record = Buffer.alloc(1 + rng.int(64));
					for (let at = 0; at < record.length; at++) {
						record[at] = rng.int(256);
					}

					// A map header first, so the walk goes past the first byte.
					record[0] = 0x80 + rng.int(16);
				}
			}

			const access = rng.int(3) === 0 ? undefined : Buffer.from(encodeLastUse(1_790_000_000_000 + index, '10.0.0.1'));
			if (access && rng.int(4) === 0) {
				access[rng.int(access.length)] = rng.int(256);
			}

			batch.push(entry(record, access, index.toString(16).padStart(64, '0')));
			if (batch.length === 50) {
				await agree(batch, 'mutated');
				batch.length = 0;
			}
		}

		await agree(batch, 'mutated');
	});
});
