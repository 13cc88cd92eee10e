import {SCOPES, TokenError} from '../tokens/index.js';
import {singleQuoted} from '../format/shell.js';
import {type AnyCommand, defineCommand} from './command.js';
import {EXIT} from './exit-codes.js';
import {COMMANDS, EMAILENGINE_SUBCOMMANDS} from './registry.js';
import {GLOBAL_FLAG_NAMES} from './global-flags.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What every command takes besides its own flags (main.ts takes them out of argv). */
const GLOBAL_FLAGS = [...GLOBAL_FLAG_NAMES, '--help'];

/** The flags whose value is a scope: completed with the scope names. */
const SCOPE_FLAGS = ['-s', '--scope'];

/** The flags whose value may be an instance of the config file: completed with their names. */
const INSTANCE_FLAGS = ['--instance', '--from', '--to'];

/**
 * The instance names of the config file (`[instances.NAME]` or `[instances."NAME"]` tables), read
 * by the shell on Tab with sed: a name is in the file itself, so no ee-tokens and no Redis runs.
 * The path is the config file's own default (config/file.ts); a name is letters, digits, `.`, `_`
 * and `-` only, so the list splits on whitespace safely.
 */
const INSTANCE_NAMES =
	'sed -n \'s/^[[:space:]]*\\[[[:space:]]*instances\\."\\{0,1\\}\\([A-Za-z0-9._-]\\{1,64\\}\\)"\\{0,1\\}[[:space:]]*\\].*/\\1/p\' ' +
	'"${XDG_CONFIG_HOME:-$HOME/.config}/ee-tokens/config.toml" 2>/dev/null';

/** One command as the scripts complete it: its name, its flags as typed, and the words it takes first. */
type CompletedCommand = {name: string; flags: string[]; subcommands: readonly string[]};

const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

function flagsOf(command: AnyCommand): string[] {
	return Object.entries(command.flags).flatMap(([name, flag]) => [
		`--${kebab(name)}`,
		...(flag.aliases ?? []).map(alias => `--${alias}`),
		...(flag.shortFlag ? [`-${flag.shortFlag}`] : []),
	]);
}

/**
 * Commands, flags and scopes are written into the script: completing them costs the shell nothing
 * and never runs ee-tokens. Token ids are left out on purpose: completing one would connect to
 * Redis on each Tab (a remote Redis, a timeout, or starting the embedded one), and ids in a
 * completion menu end up in terminal scrollback; `list` shows them, and -t takes their first 8.
 */
async function completedCommands(): Promise<CompletedCommand[]> {
	const commands = await Promise.all(
		COMMANDS.map(async entry => {
			const command = await entry.load();
			return {name: entry.name, flags: flagsOf(command), subcommands: command.subcommands ?? []};
		}),
	);
	return [...commands, {name: 'tokens', flags: [], subcommands: EMAILENGINE_SUBCOMMANDS}];
}

/**
 * One `case` arm per command, setting its flags and subcommands: bash and zsh share the syntax
 * (fish has no case statement and lists them its own way).
 */
function commandCases(commands: readonly CompletedCommand[]): string {
	return commands
		.map(({name, flags, subcommands}) =>
			[
				`\t\t${name})`,
				`\t\t\tflags=(${flags.map(singleQuoted).join(' ')})`,
				`\t\t\tsubcommands=(${subcommands.map(singleQuoted).join(' ')})`,
				'\t\t\t;;',
			].join('\n'),
		)
		.join('\n');
}

function bashScript(commands: readonly CompletedCommand[]): string {
	const cases = commandCases(commands);
	return `# ee-tokens completion for bash. Load it with: source <(ee-tokens completion bash)
_ee_tokens() {
	local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
	local -a candidates flags=() subcommands=()
	if ((COMP_CWORD == 1)); then
		candidates=(${commands.map(({name}) => singleQuoted(name)).join(' ')} '--help' '--version')
	else
		case $prev in
		${SCOPE_FLAGS.join('|')})
			candidates=(${SCOPES.map(singleQuoted).join(' ')})
			;;
		${INSTANCE_FLAGS.join('|')})
			candidates=($(${INSTANCE_NAMES}))
			;;
		*)
			case \${COMP_WORDS[1]} in
${cases}
			esac
			candidates=("\${flags[@]}" ${GLOBAL_FLAGS.map(singleQuoted).join(' ')})
			((COMP_CWORD == 2)) && candidates+=("\${subcommands[@]}")
			;;
		esac
	fi
	# compgen -W would expand the scope * into file names: the candidates are matched here instead.
	COMPREPLY=()
	local candidate
	for candidate in "\${candidates[@]}"; do
		[[ $candidate == "$cur"* ]] && COMPREPLY+=("$candidate")
	done
}
complete -F _ee_tokens ee-tokens
`;
}

function zshScript(commands: readonly CompletedCommand[]): string {
	const cases = commandCases(commands);
	return `#compdef ee-tokens
# ee-tokens completion for zsh. Load it with: source <(ee-tokens completion zsh)
_ee_tokens() {
	local -a flags subcommands
	if ((CURRENT == 2)); then
		compadd -- ${commands.map(({name}) => singleQuoted(name)).join(' ')} '--help' '--version'
		return
	fi
	case \${words[CURRENT-1]} in
	${SCOPE_FLAGS.join('|')})
		compadd -Q -- ${SCOPES.map(scope => singleQuoted(scope === '*' ? '\\*' : scope)).join(' ')}
		return
		;;
	${INSTANCE_FLAGS.join('|')})
		compadd -- \${(f)"$(${INSTANCE_NAMES})"}
		return
		;;
	esac
	case \${words[2]} in
${cases}
	esac
	((CURRENT == 3)) && compadd -- "\${subcommands[@]}"
	compadd -- "\${flags[@]}" ${GLOBAL_FLAGS.map(singleQuoted).join(' ')}
}
compdef _ee_tokens ee-tokens
`;
}

function fishScript(commands: readonly CompletedCommand[]): string {
	const lines = [
		'# ee-tokens completion for fish. Load it with: ee-tokens completion fish | source',
		'complete -c ee-tokens -f',
		`complete -c ee-tokens -n __fish_use_subcommand -a ${singleQuoted(commands.map(({name}) => name).join(' '))}`,
		`complete -c ee-tokens -n __fish_use_subcommand -l help -l version`,
	];
	for (const {name, flags, subcommands} of commands) {
		const when = `-n ${singleQuoted(`__fish_seen_subcommand_from ${name}`)}`;
		if (subcommands.length > 0) {
			lines.push(`complete -c ee-tokens ${when} -a ${singleQuoted(subcommands.join(' '))}`);
		}

		for (const flag of [...flags, ...GLOBAL_FLAGS]) {
			const option = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
			const scopes = SCOPE_FLAGS.includes(flag)
				? ` -x -a ${singleQuoted(SCOPES.map(scope => (scope === '*' ? '\\*' : scope)).join(' '))}`
				: INSTANCE_FLAGS.includes(flag)
					? // fish has no ${VAR:-default}: the POSIX shell reads the file's path as bash and zsh do.
						` -x -a ${singleQuoted(`(sh -c ${singleQuoted(INSTANCE_NAMES)})`)}`
					: '';
			lines.push(`complete -c ee-tokens ${when} ${option}${scopes}`);
		}
	}

	return `${lines.join('\n')}\n`;
}

const SCRIPTS: Record<Shell, (commands: readonly CompletedCommand[]) => string> = {bash: bashScript, zsh: zshScript, fish: fishScript};

export const completionCommand = defineCommand({
	name: 'completion',
	subcommands: SHELLS,
	usage: `
	Usage
	  $ ee-tokens completion bash|zsh|fish

	Prints a completion script for the shell: commands, their flags, scope names after -s or
	--scope, and the config file's instance names after --instance, --from and --to (read from
	the file on Tab; nothing runs ee-tokens). Token ids are not completed: that would ask Redis on every Tab; list shows them, and
	-t takes their first 8 characters.

	Examples
	  $ source <(ee-tokens completion bash)          # in ~/.bashrc
	  $ source <(ee-tokens completion zsh)           # in ~/.zshrc, after compinit
	  $ ee-tokens completion fish > ~/.config/fish/completions/ee-tokens.fish
`,
	flags: {},
	async run(cli, context) {
		const shell = String(cli.input[0]) as Shell;
		if (!Object.hasOwn(SCRIPTS, shell)) {
			throw new TokenError('usage', `Give a shell: ee-tokens completion ${SHELLS.join('|')}`);
		}

		context.stdout.write(SCRIPTS[shell](await completedCommands()));
		return EXIT.ok;
	},
});
