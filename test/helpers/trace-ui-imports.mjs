// Preloaded with `node --import` to report every React or Ink module the process loads, one
// "LOADED <url>" line on stderr each: the proof that subcommands never load the UI stack. The built
// CLI is a bundle (package.json "build"), so React and Ink are not files of their own there: the
// build's metafile says which of its files hold them, and loading any of those is reported too.
import {readFileSync} from 'node:fs';
import {register} from 'node:module';
import {URL} from 'node:url';

const root = new URL('../../', import.meta.url);
const UI_PACKAGE = /node_modules\/(ink|react|react-reconciler|yoga-layout)\//;
const meta = JSON.parse(readFileSync(new URL('dist/meta.json', root), 'utf8'));
const uiFiles = Object.entries(meta.outputs)
	.filter(([, output]) => Object.keys(output.inputs).some(input => UI_PACKAGE.test(input)))
	.map(([file]) => new URL(file, root).href);

const hook = `
const uiFiles = new Set(${JSON.stringify(uiFiles)});
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	if (/\\/node_modules\\/(ink|react|react-reconciler|yoga-layout)\\//.test(result.url) || uiFiles.has(result.url)) {
		process.stderr.write('LOADED ' + result.url + '\\n');
	}
	return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
