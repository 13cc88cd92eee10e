// Preloaded with `node --import` to report every React or Ink module the process loads, one
// "LOADED <url>" line on stderr each: the proof that subcommands never load the UI stack.
import {register} from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	if (/\\/node_modules\\/(ink|react|react-reconciler|yoga-layout)\\//.test(result.url)) {
		process.stderr.write('LOADED ' + result.url + '\\n');
	}
	return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
