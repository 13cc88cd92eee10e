import type {AnyCommand} from './command.js';

/**
 * Every subcommand, in the order the main help lists them. Each module loads only when its command
 * runs: a script calling `ee-tokens issue` in a loop pays for the modules of `issue` alone.
 */
export type CommandEntry = {
	name: string;
	summary: string;
	load: () => Promise<AnyCommand>;
	/**
	 * Whether this run would write to Redis, from its flags and words: a read-only connection
	 * (--read-only, or an instance with readOnly = true) refuses it before Redis is opened. One list,
	 * here, so a command cannot forget to ask; a command without it only reads.
	 */
	writes?: (flags: Readonly<Record<string, unknown>>, input: readonly string[]) => boolean;
};

const always = () => true;
const unlessDryRun = (flags: Readonly<Record<string, unknown>>) => flags['dryRun'] !== true;

export const COMMANDS: readonly CommandEntry[] = [
	{
		name: 'list',
		summary: 'List tokens: a table for people, --json for scripts',
		load: async () => (await import('./list.js')).listCommand,
	},
	{
		name: 'issue',
		writes: always,
		summary: 'Create a new access token and print it (the only time it is shown)',
		load: async () => (await import('./issue.js')).issueCommand,
	},
	{
		name: 'show',
		summary: "Show one token's record and last use",
		load: async () => (await import('./show.js')).showCommand,
	},
	{
		name: 'export',
		summary: 'Print the export string of a token (or of all tokens) for import elsewhere',
		load: async () => (await import('./export.js')).exportCommand,
	},
	{
		name: 'import',
		writes: always,
		summary: 'Import export strings; a token already present is never overwritten',
		load: async () => (await import('./import.js')).importCommand,
	},
	{
		name: 'revoke',
		writes: unlessDryRun,
		summary: 'Delete a token (or a selection, with a plan and an undo journal)',
		load: async () => (await import('./revoke.js')).revokeCommand,
	},
	{
		name: 'rotate',
		writes: always,
		summary: 'Replace a token with a new one of the same fields; the old one works for a grace period',
		load: async () => (await import('./rotate.js')).rotateCommand,
	},
	{
		name: 'edit',
		writes: always,
		summary: "Change a token's description, expiry, restrictions, permissions or metadata in place",
		load: async () => (await import('./edit.js')).editCommand,
	},
	{
		name: 'review',
		summary: 'Review every token for risks: unused, no expiry, all scopes, deleted account…',
		load: async () => (await import('./review.js')).reviewCommand,
	},
	{
		name: 'restore',
		writes: unlessDryRun,
		summary: 'Put tokens a revoke by selection deleted back, byte for byte, from its undo journal',
		load: async () => (await import('./restore.js')).restoreCommand,
	},
	{
		name: 'diff',
		summary: 'Compare the tokens of two Redis endpoints: only in one, only in the other, different',
		load: async () => (await import('./diff.js')).diffCommand,
	},
	{
		name: 'sync',
		summary: 'Copy the tokens one Redis endpoint lacks from another, with a plan; never overwrites',
		load: async () => (await import('./sync.js')).syncCommand,
	},
	{
		name: 'log',
		summary: "A token's audit log as EmailEngine records it: each request, allowed or denied and why",
		load: async () => (await import('./log.js')).logCommand,
	},
	{
		name: 'can',
		summary: 'Whether a token may make a request (METHOD PATH), and which check refuses it if not',
		load: async () => (await import('./can.js')).canCommand,
	},
	{
		name: 'settings',
		// `settings audit-log` only reads; `settings audit-log on|off` writes.
		writes: (_flags, input) => input[1] !== undefined,
		summary: "Show or switch EmailEngine's token audit log: settings audit-log [on|off]",
		load: async () => (await import('./settings.js')).settingsCommand,
	},
	{
		name: 'serve',
		// serve writes on its own: POST /v1/tokens, DELETE /v1/tokens/{id}, a prepared token. Its
		// last-use and rate-limit writes are EmailEngine's own, but those routes are not: a read-only
		// instance refuses serve, and `can` checks a token there without writing.
		writes: always,
		summary: 'Run a small API server that authenticates tokens exactly as EmailEngine does',
		load: async () => (await import('./serve.js')).serveCommand,
	},
	{
		name: 'instances',
		summary: 'List the named instances of the config file (config.toml), for --instance NAME',
		load: async () => (await import('./instances.js')).instancesCommand,
	},
	{
		name: 'embedded',
		summary: 'Where the embedded Redis keeps its data and whether it runs (status), or stop it',
		load: async () => (await import('./embedded.js')).embeddedCommand,
	},
	{
		name: 'completion',
		summary: 'Print a shell completion script: ee-tokens completion bash|zsh|fish',
		load: async () => (await import('./completion.js')).completionCommand,
	},
];

/** The EmailEngine spelling `emailengine tokens issue|export|import` (compatibility §4). */
export const EMAILENGINE_SUBCOMMANDS = ['issue', 'export', 'import'];
