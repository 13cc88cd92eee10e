import v8 from 'node:v8';

/**
 * Keeps V8's young generation at its first size for the rest of the app's life. The token table
 * (about 15 MB at 100,000 tokens, parsed from the loader's replies) lives as long as the app but
 * is made young, and V8 takes so many survivors as a sign to grow the young generation to its
 * largest, which it then keeps, mostly empty: at 100,000 tokens the app stayed at 142-143 MB
 * resident, with this 128-131 MB (the table itself unchanged). Keys and redraws make little
 * garbage, which a small young generation collects as cheaply.
 *
 * Called once the terminal reader's worker runs: on Node 20 and 22 starting a Worker gives V8 back
 * the process's flags, undoing one set before it. A flag set at run time is V8's documented
 * `v8.setFlagsFromString`, whose effect is not guaranteed; this one only stops a growth.
 */
export function keepYoungGenerationSmall(): void {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
}
