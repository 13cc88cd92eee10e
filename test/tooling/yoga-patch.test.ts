import {execa} from 'execa';
import {expect, it} from 'vitest';

/**
 * The yoga-layout the app runs is the patched one (docs/architecture.md, "Two patched dependencies"): its WebAssembly,
 * embedded as a data: URL, is decoded directly instead of through fetch(), which in Node loads the
 * whole of undici to read it (about 50 ms of every app start). Nothing else would notice an install
 * that lost the patch: the screens are the same, only slower. In a process of its own, since this
 * one has loaded yoga already.
 */
it('yoga-layout loads its WebAssembly without calling fetch', async () => {
	const script = `
		let fetched = 0;
		globalThis.fetch = async () => { fetched++; throw new Error('fetch'); };
		const {default: Yoga} = await import('yoga-layout');
		const node = Yoga.Node.create();
		node.setWidth(7);
		node.calculateLayout();
		console.log(JSON.stringify({fetched, width: node.getComputedWidth()}));
	`;
	const {stdout} = await execa('node', ['--input-type=module', '--eval', script], {cwd: new URL('../..', import.meta.url)});
	expect(JSON.parse(stdout)).toEqual({fetched: 0, width: 7});
});
