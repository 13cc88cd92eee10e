import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {checkArgv} from '../../source/commands/flag-check.js';
import {parseAddress, parseExpiry, parseRateLimit, parseReferrer, parseScopes, quoteTyped} from '../../source/tokens/index.js';

const token = randomBytes(32).toString('hex');
const windows = Array.from({length: token.length - 7}, (_, index) => token.slice(index, index + 8));

/** The message a call throws, lower-cased for the scan (a token authenticates in any case). */
function messageOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		return (error as Error).message.toLowerCase();
	}

	throw new Error('expected a refusal');
}

describe('typed values in messages', () => {
	it('are quoted, with the controls JSON leaves alone escaped, and cut short', () => {
		expect(quoteTyped('2027-01-15 oct')).toBe('"2027-01-15 oct"');
		expect(quoteTyped('a\u001B[2J\u009B\u202Eb')).toBe('"a\\u001b[2J\\u009b\\u202eb"');
		expect(quoteTyped('x'.repeat(200))).toBe(`"${'x'.repeat(80)}…"`);
	});

	it('never show any part of a raw token, whichever validator refuses it', () => {
		const flags = {token: {type: 'string', shortFlag: 't'}, port: {type: 'number'}} as const;
		const refusals = [
			() => parseExpiry(token, 0),
			() => parseExpiry(`${token.slice(0, 20)} 30d`, 0),
			() => parseAddress(token),
			() => parseAddress(`${token}::1`),
			() => parseRateLimit(`${token}/60`),
			() => parseScopes([`api,${token}`]),
			() => parseReferrer(`https://${token}.example.com/ x`),
			() => checkArgv([`-t${token}`], flags, 'show'),
			() => checkArgv([`--${token}=1`], flags, 'show'),
			() => checkArgv(['--port', token], flags, 'show'),
			() => checkArgv(['-t', `-${token}`], flags, 'show'),
		];
		for (const [index, refusal] of refusals.entries()) {
			const message = messageOf(refusal);
			expect(
				windows.filter(window => message.includes(window)),
				`${index}: ${message}`,
			).toEqual([]);
		}
	});
});
