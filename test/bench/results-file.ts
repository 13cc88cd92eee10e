/**
 * RESULTS.md holds two runs' results: the default run's (`npm run bench`) and the scale run's
 * (`npm run bench -- --scale`), which take minutes each and are run apart. Each rewrites its own
 * part and keeps the other's, split at one marker line (an HTML comment, which Markdown does not
 * show and Prettier leaves as it is).
 */
export const SCALE_MARK = '<!-- From here on: the scale run (`npm run bench -- --scale`); the default run keeps it as it is. -->';

/** `existing` (the file as it is, undefined if there is none) with `part` replaced by `text`. */
export function spliceResults(existing: string | undefined, part: 'default' | 'scale', text: string): string {
	const at = existing?.indexOf(SCALE_MARK) ?? -1;
	const defaultPart = existing === undefined ? '# Benchmark results\n' : at < 0 ? existing : existing.slice(0, at);
	const scalePart = existing !== undefined && at >= 0 ? existing.slice(at) : undefined;
	if (part === 'default') {
		return scalePart === undefined ? text : `${text.trimEnd()}\n\n${scalePart}`;
	}

	return `${defaultPart.trimEnd()}\n\n${SCALE_MARK}\n\n${text.trimEnd()}\n`;
}
