// Over 300 lines for a reason: it is one table (every command, its keys and where it applies),
// and a table split across files is no longer one owner.
import {QUERY_TERMS, QUERY_WORDS_BRIEF} from '../tokens/index.js';

/**
 * The one keymap of the app: a command enum, its bindings and where it applies. The footer hints,
 * the `?` help screen and every key handler read this table, so they cannot disagree.
 */

/** A key press, normalised from Ink's `(input, key)` pair so reducers and tests need no Ink. */
export type KeyName =
	'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete';

export type KeyEvent = {
	/** Printable text (one character, or a whole paste); empty for named keys. */
	input: string;
	name?: KeyName;
	ctrl: boolean;
	meta: boolean;
	shift: boolean;
	/** Pasted text (bracketed paste): text for the focused field, never a command. */
	paste?: boolean;
};

export const keyEvent = (input: string, extra: Partial<KeyEvent> = {}): KeyEvent => ({
	input,
	ctrl: false,
	meta: false,
	shift: false,
	...extra,
});

export enum Command {
	Up = 'up',
	Down = 'down',
	PageUp = 'pageUp',
	PageDown = 'pageDown',
	Top = 'top',
	Bottom = 'bottom',
	Filter = 'filter',
	ClearFilter = 'clearFilter',
	FilterDone = 'filterDone',
	Sort = 'sort',
	SortReverse = 'sortReverse',
	Details = 'details',
	Refresh = 'refresh',
	Mark = 'mark',
	ClearMarks = 'clearMarks',
	Issue = 'issue',
	Import = 'import',
	Export = 'export',
	Revoke = 'revoke',
	Rotate = 'rotate',
	Edit = 'edit',
	Help = 'help',
	Quit = 'quit',
	ShowExpired = 'showExpired',
	Review = 'review',
	AuditLog = 'auditLog',
	AuditSetting = 'auditSetting',
	CheckRequest = 'checkRequest',
	Instances = 'instances',
	CopyTo = 'copyTo',
	ForceQuit = 'forceQuit',
	// Inside dialogs
	Close = 'close',
	Back = 'back',
	Next = 'next',
	Toggle = 'toggle',
	Complete = 'complete',
	Copy = 'copy',
	WriteFile = 'writeFile',
	Confirm = 'confirm',
	Done = 'done',
	// In a text field (the filter, a wizard step, the import string, the revoke confirmation)
	EraseChar = 'eraseChar',
	EraseLine = 'eraseLine',
	EraseWord = 'eraseWord',
	DeleteChar = 'deleteChar',
	CaretLeft = 'caretLeft',
	CaretRight = 'caretRight',
	CaretStart = 'caretStart',
	CaretEnd = 'caretEnd',
}

/** Where a command applies: the footer of each view shows its own commands. */
export type View =
	| 'table'
	| 'filter'
	| 'details'
	| 'help'
	| 'wizard-text'
	| 'wizard-scopes'
	/** A wizard step that picks one of a list (the issue wizard's permissions). */
	| 'wizard-choice'
	| 'wizard-review'
	| 'token-shown'
	| 'export'
	| 'import-input'
	| 'import-confirm'
	| 'import-done'
	| 'revoke'
	| 'revoke-done'
	| 'too-small'
	/** A dialog that failed to draw (see Contained): its one-line error. */
	| 'failed'
	/** The table failed to draw. */
	| 'table-failed'
	/** The review (v): tokens by severity with their findings. */
	| 'review'
	/** One token's whole audit log (l in its details). */
	| 'audit-log'
	/** Whether the token may make a request (t): the request's fields and serve's answer. */
	| 'request-check'
	/** The instance picker (p): the config file's named instances. */
	| 'instances'
	/** Copying tokens to another instance (C): which instance, the plan to confirm, what was done. */
	| 'copy-choose'
	| 'copy-confirm'
	| 'copy-done';

/** `meta` left out matches either; `ctrl` left out means without Ctrl. */
type Binding = {input?: string; name?: KeyName; ctrl?: boolean; meta?: boolean};

type Entry = {
	bindings: Binding[];
	/** How the keys read in the footer and in help. */
	keys: string;
	/** Short footer label. */
	label: string;
	/** The footer label in views where the key does something else (? closes the help it opened). */
	labelIn?: Partial<Record<View, string>>;
	/** How the keys read in views where some of them are text (q in a text field types q). */
	keysIn?: Partial<Record<View, string>>;
	/**
	 * The footer label when the view's hints do not all fit: the hint then goes last, saying the
	 * rest are a key away (? lists every key).
	 */
	labelWhenCut?: string;
	/** Help text. */
	help: string;
	views: View[];
	/** Footer order (lower first); the footer shows as many as fit. */
	rank?: number;
	/** It writes to Redis: on a read-only instance it is greyed in the footer and help, and refused. */
	writes?: true;
};

const input = (text: string): Binding => ({input: text});
const named = (name: KeyName): Binding => ({name});
const ctrl = (text: string): Binding => ({input: text, ctrl: true});

/** The views with a text field in focus, where printable keys are text and only these edit it. */
const TEXT_FIELDS: View[] = ['filter', 'wizard-text', 'import-input', 'revoke', 'request-check'];

/** The views with a list to move in (↑/↓, k/j): rows, lines, fields or choices. */
const LIST_VIEWS: View[] = [
	'table',
	'details',
	'help',
	'wizard-scopes',
	'wizard-choice',
	'review',
	'audit-log',
	'request-check',
	'instances',
	'copy-choose',
];

export const KEYMAP: Record<Command, Entry> = {
	[Command.Up]: {
		bindings: [named('up'), input('k')],
		keys: '↑/k',
		label: 'up',
		help: 'Move up one row (only ↑ while typing)',
		// In the request check the keys are text and ↑ goes to the field before.
		keysIn: {'request-check': '↑'},
		labelIn: {'request-check': 'previous field'},
		views: LIST_VIEWS,
	},
	[Command.Down]: {
		bindings: [named('down'), input('j')],
		keys: '↓/j',
		label: 'down',
		help: 'Move down one row (only ↓ while typing)',
		keysIn: {'request-check': '↓'},
		labelIn: {'request-check': 'next field'},
		views: LIST_VIEWS,
	},
	[Command.PageUp]: {
		bindings: [named('pageup')],
		keys: 'PgUp',
		label: 'page up',
		help: 'Move up one page',
		views: ['table', 'review', 'audit-log'],
	},
	[Command.PageDown]: {
		bindings: [named('pagedown')],
		keys: 'PgDn',
		label: 'page down',
		help: 'Move down one page',
		views: ['table', 'review', 'audit-log'],
	},
	[Command.Top]: {bindings: [input('g'), named('home')], keys: 'g', label: 'first', help: 'Go to the first row', views: ['table']},
	[Command.Bottom]: {bindings: [input('G'), named('end')], keys: 'G', label: 'last', help: 'Go to the last row', views: ['table']},
	[Command.Filter]: {
		rank: 3,
		bindings: [input('/')],
		keys: '/',
		label: 'filter',
		// In the audit log the filter is a switch: denied requests only, or all.
		labelIn: {'audit-log': 'denied only / all'},
		help: 'Filter by what rows show, or by terms',
		views: ['table', 'audit-log'],
	},
	[Command.ClearFilter]: {rank: 1, bindings: [named('escape')], keys: 'Esc', label: 'clear', help: 'Clear the filter', views: ['filter']},
	[Command.FilterDone]: {
		rank: 2,
		bindings: [named('return')],
		keys: 'Enter',
		label: 'keep filter',
		help: 'Stop typing, keep the filter',
		views: ['filter'],
	},
	[Command.Sort]: {rank: 15, bindings: [input('s')], keys: 's', label: 'sort', help: 'Sort by the next column shown', views: ['table']},
	[Command.SortReverse]: {rank: 16, bindings: [input('S')], keys: 'S', label: 'reverse', help: 'Reverse the sort order', views: ['table']},
	[Command.Details]: {
		rank: 4,
		bindings: [named('return')],
		keys: 'Enter',
		label: 'details',
		help: 'Show every field of the token',
		views: ['table', 'review'],
	},
	[Command.Refresh]: {
		rank: 17,
		bindings: [input('r')],
		keys: 'r',
		// One word for the key wherever it is shown: the footer's label and help's sentence both say reload.
		label: 'reload',
		help: 'Reload tokens from Redis (also every 10 s)',
		views: ['table', 'table-failed', 'details', 'audit-log'],
	},
	[Command.Mark]: {
		rank: 12,
		bindings: [input(' ')],
		keys: 'Space',
		label: 'mark',
		help: 'Mark a row for bulk revoke or export',
		views: ['table'],
	},
	[Command.ClearMarks]: {
		rank: 13,
		bindings: [input('u')],
		keys: 'u',
		label: 'unmark all',
		help: 'Clear all marks, also ones the filter hides',
		views: ['table'],
	},
	[Command.ShowExpired]: {
		rank: 14,
		bindings: [input('x')],
		keys: 'x',
		label: 'expired',
		help: 'Show or hide expired tokens (still stored)',
		views: ['table'],
	},
	[Command.Review]: {
		rank: 11,
		bindings: [input('v')],
		keys: 'v',
		label: 'review',
		help: 'Review: risky tokens, most severe first',
		views: ['table'],
	},
	[Command.Issue]: {writes: true, rank: 5, bindings: [input('n')], keys: 'n', label: 'new', help: 'Issue a new token', views: ['table']},
	[Command.Import]: {
		writes: true,
		rank: 6,
		bindings: [input('i')],
		keys: 'i',
		label: 'import',
		help: 'Import an export string',
		views: ['table'],
	},
	[Command.Export]: {
		rank: 7,
		bindings: [input('e')],
		keys: 'e',
		label: 'export',
		help: 'Export the token (or the marked ones)',
		views: ['table', 'details'],
	},
	[Command.Revoke]: {
		writes: true,
		rank: 8,
		bindings: [input('d')],
		keys: 'd',
		label: 'revoke',
		help: 'Revoke the token (or the marked ones)',
		views: ['table', 'details'],
	},
	[Command.Rotate]: {
		writes: true,
		rank: 9,
		bindings: [input('R')],
		keys: 'R',
		label: 'rotate',
		help: 'Rotate: a new token, the old one stops later',
		views: ['table', 'details'],
	},
	[Command.Edit]: {
		writes: true,
		rank: 10,
		bindings: [input('E')],
		keys: 'E',
		label: 'edit',
		help: 'Edit description, expiry or restrictions',
		views: ['table', 'details'],
	},
	[Command.AuditLog]: {
		rank: 15,
		bindings: [input('l')],
		keys: 'l',
		label: 'audit log',
		help: "Open the token's whole audit log",
		views: ['details'],
	},
	[Command.CheckRequest]: {
		rank: 16,
		bindings: [input('t')],
		keys: 't',
		label: 'check a request',
		help: 'May it make a request? As serve judges',
		views: ['table', 'details'],
	},
	[Command.Instances]: {
		rank: 18,
		bindings: [input('p')],
		keys: 'p',
		label: 'instances',
		help: 'Pick another instance of the config file',
		views: ['table'],
	},
	[Command.CopyTo]: {
		// It writes to the other instance, not this one: a read-only instance may copy out.
		rank: 19,
		bindings: [input('C')],
		keys: 'C',
		label: 'copy to',
		help: 'Copy the marked tokens (or this one) to another instance',
		views: ['table'],
	},
	[Command.AuditSetting]: {
		writes: true,
		rank: 16,
		bindings: [input('a')],
		keys: 'a',
		label: 'logging on/off',
		help: "Turn EmailEngine's audit log on or off",
		views: ['details', 'audit-log'],
	},
	[Command.Help]: {
		rank: 1,
		bindings: [input('?')],
		keys: '?',
		label: 'help',
		labelIn: {help: 'close'},
		labelWhenCut: 'more',
		help: 'Show this help (in it: close it)',
		views: ['table', 'help'],
	},
	[Command.Quit]: {rank: 2, bindings: [input('q')], keys: 'q', label: 'quit', help: 'Quit', views: ['table', 'too-small', 'table-failed']},
	[Command.ForceQuit]: {
		bindings: [ctrl('c')],
		keys: 'Ctrl-C',
		label: 'quit',
		help: 'Quit from anywhere (a wizard is abandoned)',
		views: [],
	},
	[Command.Close]: {
		rank: 1,
		// q as well, as in less and man; in a text field q is text (TEXT_FIELDS are matched typing).
		bindings: [named('escape'), input('q')],
		keys: 'Esc/q',
		keysIn: Object.fromEntries(TEXT_FIELDS.map(view => [view, 'Esc'])),
		label: 'close',
		help: 'Close the dialog',
		views: [
			'details',
			'help',
			'token-shown',
			'export',
			'import-input',
			'import-done',
			'revoke',
			'revoke-done',
			'failed',
			'review',
			'audit-log',
			'request-check',
			'instances',
			'copy-choose',
			'copy-done',
		],
	},
	[Command.Back]: {
		rank: 1,
		bindings: [named('escape')],
		keys: 'Esc',
		label: 'back',
		help: 'Back one step (from the first: cancel)',
		views: ['wizard-text', 'wizard-scopes', 'wizard-choice', 'wizard-review', 'import-confirm', 'copy-confirm'],
	},
	[Command.Next]: {
		rank: 2,
		bindings: [named('return')],
		keys: 'Enter',
		label: 'next',
		labelIn: {instances: 'switch', 'copy-choose': 'copy there'},
		help: 'Accept the field and go on',
		views: ['wizard-text', 'wizard-scopes', 'wizard-choice', 'import-input', 'request-check', 'instances', 'copy-choose'],
	},
	[Command.Toggle]: {
		rank: 3,
		bindings: [input(' ')],
		keys: 'Space',
		label: 'toggle',
		help: 'Toggle the scope under the cursor',
		views: ['wizard-scopes'],
	},
	[Command.Complete]: {
		rank: 4,
		bindings: [named('tab')],
		keys: 'Tab',
		label: 'complete',
		help: 'Complete the account id from the suggestions',
		views: ['wizard-text'],
	},
	[Command.Copy]: {
		rank: 3,
		bindings: [input('c')],
		keys: 'c',
		label: 'copy',
		help: 'Copy (tmux, xclip/wl-copy/pbcopy, OSC 52)',
		views: ['token-shown', 'export', 'revoke-done'],
	},
	[Command.WriteFile]: {
		rank: 3,
		bindings: [input('w')],
		keys: 'w',
		label: 'write file',
		help: 'Write the exports to a file (mode 0600)',
		views: ['export'],
	},
	[Command.Confirm]: {
		rank: 2,
		bindings: [named('return')],
		keys: 'Enter',
		label: 'confirm',
		help: 'Confirm (issue, import, revoke or copy)',
		views: ['wizard-review', 'import-confirm', 'revoke', 'copy-confirm'],
	},
	[Command.Done]: {
		rank: 2,
		bindings: [named('return')],
		keys: 'Enter',
		label: 'done',
		help: 'Close the result',
		views: ['token-shown', 'import-done', 'revoke-done', 'copy-done'],
	},
	[Command.EraseChar]: {
		bindings: [{name: 'backspace', meta: false}],
		keys: 'Backspace',
		label: 'erase',
		help: 'Erase one character',
		views: TEXT_FIELDS,
	},
	[Command.EraseLine]: {
		bindings: [ctrl('u')],
		keys: 'Ctrl-U',
		label: 'erase all',
		help: 'Erase the field',
		views: TEXT_FIELDS,
	},
	// The rest of a shell line's editing (readline's keys). Last in the footer: help lists them.
	[Command.EraseWord]: {
		rank: 90,
		bindings: [ctrl('w'), {name: 'backspace', ctrl: true}, {name: 'backspace', meta: true}],
		keys: 'Ctrl-W',
		label: 'erase word',
		help: 'Erase the word before the caret (also Alt-Backspace)',
		views: TEXT_FIELDS,
	},
	[Command.DeleteChar]: {
		rank: 91,
		bindings: [named('delete')],
		keys: 'Delete',
		label: 'delete',
		help: 'Erase the character under the caret',
		views: TEXT_FIELDS,
	},
	[Command.CaretLeft]: {
		rank: 92,
		bindings: [named('left'), ctrl('b')],
		keys: '←',
		label: 'left',
		help: 'Move the caret left (also Ctrl-B)',
		views: TEXT_FIELDS,
	},
	[Command.CaretRight]: {
		rank: 93,
		bindings: [named('right'), ctrl('f')],
		keys: '→',
		label: 'right',
		help: 'Move the caret right (also Ctrl-F)',
		views: TEXT_FIELDS,
	},
	[Command.CaretStart]: {
		rank: 94,
		bindings: [named('home'), ctrl('a')],
		keys: 'Home',
		label: 'start',
		help: 'Move the caret to the start (also Ctrl-A)',
		views: TEXT_FIELDS,
	},
	[Command.CaretEnd]: {
		rank: 95,
		bindings: [named('end'), ctrl('e')],
		keys: 'End',
		label: 'end',
		help: 'Move the caret to the end (also Ctrl-E)',
		views: TEXT_FIELDS,
	},
};

/**
 * Whether a key press is one of a command's bindings. A paste never is, whatever it holds. While
 * `typing` (a text field has the keys), a printable binding (`k`, `g`) is text, not the command.
 */
export function matches(command: Command, key: KeyEvent, {typing = false}: {typing?: boolean} = {}): boolean {
	if (key.paste) {
		return false;
	}

	return KEYMAP[command].bindings.some(binding => {
		if (binding.name !== undefined) {
			return key.name === binding.name && key.ctrl === Boolean(binding.ctrl) && (binding.meta === undefined || key.meta === binding.meta);
		}

		if (typing && !binding.ctrl) {
			return false;
		}

		return key.name === undefined && key.input === binding.input && Boolean(binding.ctrl) === key.ctrl;
	});
}

/** The first command of `commands` the key press is bound to (see matches for `typing`). */
export function commandFor(key: KeyEvent, commands: readonly Command[], options: {typing?: boolean} = {}): Command | undefined {
	return commands.find(command => matches(command, key, options));
}

/**
 * The command a key means in a view: its own commands, and in a view with a text field in focus
 * (TEXT_FIELDS) printable keys are text, never a command (q types q there, and closes elsewhere).
 */
export function commandIn(view: View, key: KeyEvent): Command | undefined {
	return commandFor(key, commandsOf(view), {typing: TEXT_FIELDS.includes(view)});
}

/** The commands of a view in keymap order (the footer and the handlers use the same list). */
export function commandsOf(view: View): Command[] {
	return (Object.keys(KEYMAP) as Command[]).filter(command => KEYMAP[command].views.includes(view));
}

export type Hint = {keys: string; label: string; command: Command};

/** Footer hints for a view: `↑/k up  ↓/j down …`, de-duplicated by label. */
export function hintsFor(view: View): Hint[] {
	const hints: Hint[] = [];
	const ranked = commandsOf(view).sort((a, b) => (KEYMAP[a].rank ?? 50) - (KEYMAP[b].rank ?? 50));
	for (const command of ranked) {
		const {labelIn, keysIn} = KEYMAP[command];
		const keys = keysIn?.[view] ?? KEYMAP[command].keys;
		const label = labelIn?.[view] ?? KEYMAP[command].label;
		if (!hints.some(hint => hint.label === label && hint.keys === keys)) {
			hints.push({keys, label, command});
		}
	}

	return hints;
}

/** A row of help: its keys, what they do, and the commands it stands for (none for a filter term). */
export type HelpSection = {title: string; rows: Array<{keys: string; help: string; commands?: Command[]}>};

/**
 * One help row for several commands that are one idea (the caret's moves): help stays on one
 * 120x32 screen. Each command still has its own footer hint and help sentence in KEYMAP.
 */
type SharedRow = {commands: Command[]; keys: string; help: string};

const HELP_GROUPS: Array<{title: string; commands: Array<Command | SharedRow>}> = [
	{title: 'Moving', commands: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Top, Command.Bottom]},
	{
		title: 'Finding',
		commands: [
			Command.Filter,
			Command.FilterDone,
			Command.ClearFilter,
			// s and S on one row: the line the instance picker (p) needs on one 120x32 screen.
			{commands: [Command.Sort, Command.SortReverse], keys: 's/S', help: 'Sort by the next column shown / reverse'},
			Command.Refresh,
			Command.ShowExpired,
			Command.Review,
			// Here rather than under Tokens: looking at one, and the two columns of help stay even
			// (each 29 lines, on one 120x32 screen) since w joined the dialogs' keys.
			Command.Details,
			Command.CheckRequest,
			// Which instance the table is of, and copying to another: one row, here, where both columns
			// still fit one 120x32 screen.
			{commands: [Command.Instances, Command.CopyTo], keys: 'p/C', help: 'Pick another instance / copy tokens to one'},
		],
	},
	{
		title: 'Tokens',
		commands: [
			Command.Issue,
			Command.Import,
			Command.Export,
			Command.Revoke,
			Command.Rotate,
			Command.Edit,
			Command.Mark,
			Command.ClearMarks,
			Command.AuditLog,
			Command.AuditSetting,
		],
	},
	// One section, not two: a title and a blank line less keep the help on one 120x32 screen (120x30 before the
	// audit log's keys).
	{
		title: 'Dialogs and typing',
		commands: [
			Command.Next,
			Command.Toggle,
			Command.Complete,
			Command.Copy,
			Command.WriteFile,
			{commands: [Command.Confirm, Command.Done], keys: 'Enter', help: 'Confirm, or close a result'},
			Command.Back,
			Command.Close,
			{
				commands: [Command.CaretLeft, Command.CaretRight, Command.CaretStart, Command.CaretEnd],
				keys: '←/→',
				help: 'Move the caret; Home/End (Ctrl-A/E) to an end',
			},
			{commands: [Command.EraseChar, Command.DeleteChar], keys: 'Backspace', help: 'Erase before the caret (Delete: under it)'},
			{commands: [Command.EraseWord, Command.EraseLine], keys: 'Ctrl-W/U', help: 'Erase the word before the caret / the field'},
		],
	},
	{title: 'App', commands: [Command.Help, Command.Quit, Command.ForceQuit]},
];

/** The filter's language (`/`), from its owner (tokens/query.ts), as `list --help` shows it too. */
const FILTER_TERMS: HelpSection = {
	title: 'Filter terms (/)',
	rows: [...QUERY_TERMS.map(term => ({keys: term.key, help: term.brief})), {keys: 'words', help: QUERY_WORDS_BRIEF}],
};

/** The help screen's content, straight from the keymap, and the filter's terms after its keys. */
export function helpSections(): HelpSection[] {
	const sections = HELP_GROUPS.map((group): HelpSection => ({
		title: group.title,
		rows: group.commands.map(entry =>
			typeof entry === 'string' ? {keys: KEYMAP[entry].keys, help: KEYMAP[entry].help, commands: [entry]} : entry,
		),
	}));
	sections.splice(2, 0, FILTER_TERMS);
	return sections;
}
