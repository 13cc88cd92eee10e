import type {Command} from './command.js';
import {exportCommand} from './export.js';
import {importCommand} from './import.js';
import {issueCommand} from './issue.js';
import {listCommand} from './list.js';
import {revokeCommand} from './revoke.js';
import {serveCommand} from './serve.js';
import {showCommand} from './show.js';

/** Every subcommand, in the order the main help lists them. */
export const COMMANDS: ReadonlyArray<Command<any>> = [
	listCommand,
	issueCommand,
	showCommand,
	exportCommand,
	importCommand,
	revokeCommand,
	serveCommand,
];

/** The EmailEngine spelling `emailengine tokens issue|export|import` (spec §4). */
export const EMAILENGINE_SUBCOMMANDS = ['issue', 'export', 'import'];
