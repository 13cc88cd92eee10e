import {describe, expect, it} from 'vitest';
import {confirmsRevoke, revokeConfirmation} from '../../source/tokens/index.js';
import {confirmationText} from '../../source/ui/state/revoke.js';

const ID = 'ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d';

describe('the typed confirmation of a revoke', () => {
	it('is the first six characters of the id, in the app as in the CLI', () => {
		expect(revokeConfirmation(ID)).toBe('ea3873');
		expect(confirmationText([{id: ID, description: 'x'}])).toBe(revokeConfirmation(ID));
	});

	it('accepts the start typed in any case with spaces around it, and nothing shorter or different', () => {
		expect(confirmsRevoke(' EA3873 ', ID)).toBe(true);
		expect(confirmsRevoke('ea387', ID)).toBe(false);
		expect(confirmsRevoke('ea3873f', ID)).toBe(false);
		expect(confirmsRevoke('', ID)).toBe(false);
	});

	it('accepts the start of an id stored upper-case, typed in either case', () => {
		const upper = ID.toUpperCase();
		expect(revokeConfirmation(upper)).toBe('EA3873');
		expect(confirmsRevoke('ea3873', upper)).toBe(true);
		expect(confirmsRevoke('EA3873', upper)).toBe(true);
		expect(confirmsRevoke('ea3874', upper)).toBe(false);
	});
});
