import type {KeySource} from '../../../source/ui/hooks/keypress.js';

/** A key source a test types into, for views rendered in this process (no terminal to read keys from). */
export function fakeKeys(): {source: KeySource; type: (text: string) => void} {
	let listener: ((text: string) => {quit: boolean}) | undefined;
	const source: KeySource = {
		subscribe(next) {
			listener = next;
			return () => {
				listener = undefined;
			};
		},
	};
	return {
		source,
		type(text) {
			listener?.(text);
		},
	};
}
