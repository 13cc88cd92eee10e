import {TokenError, quoteTyped} from '../tokens/index.js';
import type {AnyFlags} from './command.js';
import {didYouMean} from '../format/index.js';
import {GLOBAL_FLAG_NAMES} from './global-flags.js';

type FlagSpec = AnyFlags[string];
type Known = {name: string; flag: FlagSpec};

const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

const usage = (message: string) => new TokenError('usage', message);

/** `--help` and `-h` are every command's; dispatch answers them before anything runs. */
const HELP: FlagSpec = {type: 'boolean'};

/** A flag as typed, for a message: its name only, never a value glued to it. */
const shown = (dashes: string, name: string) =>
	/[\da-f]{16,}/i.test(name) ? `${dashes}… (a flag not shown: it may hold a token)` : `${dashes}${name}`;

/** Every command's global options, taken out of argv earlier: suggested for a typo, never parsed here. */
const GLOBAL_NAMES = GLOBAL_FLAG_NAMES.map(name => name.slice(2));

/** "; did you mean --scope?" for an unknown flag close to a known one (`-scope` is --scope's). */
function suggestion(dashes: string, name: string, long: ReadonlyMap<string, Known>, then: string): string {
	if (dashes === '-' && long.has(name) && name.length > 1) {
		return didYouMean(name, [name], then, known => `--${known}`);
	}

	// Kebab-case spellings only: --allOfAccount and --all-of-account are one flag, said one way.
	const names = [...long.keys()].filter(known => !/[A-Z]/.test(known)).concat(GLOBAL_NAMES);
	return didYouMean(name.length > 1 ? name : '', names, then, known => `--${known}`);
}

/** Long names (camelCase, kebab-case, aliases) and short names, each to the flag it spells. */
function lookups(flags: AnyFlags): {long: Map<string, Known>; short: Map<string, Known>} {
	const long = new Map<string, Known>([['help', {name: 'help', flag: HELP}]]);
	const short = new Map<string, Known>([['h', {name: 'help', flag: HELP}]]);
	for (const [name, flag] of Object.entries(flags)) {
		const known = {name, flag};
		long.set(name, known).set(kebab(name), known);
		for (const alias of flag.aliases ?? []) {
			long.set(alias, known);
		}

		if (flag.shortFlag) {
			short.set(flag.shortFlag, known);
		}
	}

	return {long, short};
}

/**
 * Checks argv against a command's flags before meow reads it, because meow (yargs-parser) reads
 * several things silently in ways that widen a token or act on a guess:
 * - a bare string flag becomes '' or is dropped (`-a` → no account), and one followed by another
 *   flag takes nothing (`-s -a acme` → no scope, so `*`);
 * - `--scope=` or `-s ''` is an empty value, the same as not asking;
 * - `--no-account` turns a string flag into `false`; `--port abc` into null (then the default);
 * - `-scope` is read as the short flags -s -c -o -p -e, `--json=no` as false;
 * - a flag given twice is an uncaught error (exit 1) instead of a usage error.
 * Every one of these is a usage error here, in one line that names the flag. A value that starts
 * with "-" is given as `--flag=-value`, so a flag is never mistaken for a value.
 */
export function checkArgv(argv: readonly string[], flags: AnyFlags, command: string): void {
	const {long, short} = lookups(flags);
	const seen = new Set<string>();
	const hint = `run ee-tokens ${command} --help`;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument === '--') {
			return;
		}

		// Positional arguments (and `-`, stdin's name) are meow's input; dispatch refuses extras.
		if (!argument.startsWith('-') || argument === '-') {
			continue;
		}

		const dashes = argument.startsWith('--') ? '--' : '-';
		const body = argument.slice(dashes.length);
		const equals = body.indexOf('=');
		const name = equals === -1 ? body : body.slice(0, equals);
		const inline = equals === -1 ? undefined : body.slice(equals + 1);
		const negated = dashes === '--' && name.startsWith('no-') && !long.has(name);
		const known = dashes === '--' ? long.get(negated ? name.slice(3) : name) : short.get(name);
		if (!known) {
			throw usage(`Unknown flag ${shown(dashes, name)}${suggestion(dashes, name, long, hint)}`);
		}

		const flag = shown(dashes, negated ? name.slice(3) : name);
		if (known.flag.type === 'boolean') {
			if (inline !== undefined) {
				throw usage(`${flag} takes no value; ${hint}`);
			}

			continue;
		}

		if (negated) {
			throw usage(`--no-${name.slice(3)} is not an option: ${flag} takes a value; leave it out instead`);
		}

		if (!known.flag.isMultiple && seen.has(known.name)) {
			throw usage(`${flag} is given twice; give it once`);
		}

		seen.add(known.name);
		let value = inline;
		if (value === undefined) {
			const next = argv[index + 1];
			// `--port -1` is a number that is out of range, not a missing value: say that.
			const negativeNumber = known.flag.type === 'number' && next !== undefined && /^-\d/.test(next);
			if (next === undefined || (next.startsWith('-') && next !== '-' && !negativeNumber)) {
				throw usage(
					`${flag} needs a value${next === undefined ? '' : ` (it is followed by the flag ${shown('', next.split('=')[0]!)}; write ${flag}=VALUE for a value that starts with -)`}`,
				);
			}

			value = next;
			index++;
		}

		if (value.trim() === '') {
			throw usage(`${flag} is empty: give it a value, or leave the flag out`);
		}

		if (known.flag.type === 'number' && !/^\d+$/.test(value)) {
			throw usage(`${flag} must be a number (0 or more, in decimal digits), not ${quoteTyped(value)}`);
		}
	}
}
