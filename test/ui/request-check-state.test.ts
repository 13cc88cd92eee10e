import {describe, expect, it} from 'vitest';
import {keyEvent} from '../../source/ui/keymap.js';
import {type RequestCheckState, initialRequestCheck, requestCheckReducer} from '../../source/ui/state/request-check.js';

const press = (state: RequestCheckState, ...keys: ReturnType<typeof keyEvent>[]) => keys.reduce(requestCheckReducer, state);
const typed = (text: string) => [...text].map(character => keyEvent(character));
const named = (name: 'up' | 'down' | 'return' | 'escape') => keyEvent('', {name});

describe('the request check (t)', () => {
	it('opens on the request a token of its kind most likely makes', () => {
		expect(initialRequestCheck({account: 'acme', scopes: ['api']}).fields.request).toBe('GET /v1/account/acme');
		// An account id is a path segment: one with a slash or a space is encoded, as a client would send it.
		expect(initialRequestCheck({account: 'a b/c', scopes: ['api']}).fields.request).toBe('GET /v1/account/a%20b%2Fc');
		expect(initialRequestCheck({account: undefined, scopes: ['metrics']}).fields.request).toBe('GET /metrics');
		expect(initialRequestCheck({account: undefined, scopes: ['api', 'metrics']}).fields.request).toBe('GET /v1/stats');
		expect(initialRequestCheck({account: undefined, scopes: undefined}).fields).toEqual({request: 'GET /v1/stats', ip: '', referer: ''});
	});

	it('types into the field in focus (j and k are text there), Enter or ↓ and ↑ move round the fields, Ctrl-U erases one, Esc closes', () => {
		let state = initialRequestCheck({account: undefined, scopes: ['api']});
		state = press(state, keyEvent('u', {ctrl: true}), ...typed('GET /v1/jk'));
		expect(state).toMatchObject({focus: 'request', fields: {request: 'GET /v1/jk'}});
		state = press(state, named('return'), ...typed('10.0.0.1'), named('down'), ...typed('https://a.example/'));
		expect(state).toMatchObject({focus: 'referer', fields: {request: 'GET /v1/jk', ip: '10.0.0.1', referer: 'https://a.example/'}});
		expect(press(state, named('down')).focus).toBe('request');
		state = press(state, named('up'), keyEvent('u', {ctrl: true}));
		expect(state).toMatchObject({focus: 'ip', fields: {ip: '', referer: 'https://a.example/'}, closed: false});
		// A paste with a line break stays one line of text.
		expect(press(state, keyEvent('10.0.0.2\n', {paste: true})).fields.ip).toBe('10.0.0.2 ');
		expect(press(state, named('escape')).closed).toBe(true);
	});
});
