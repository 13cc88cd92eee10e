#!/usr/bin/env node
/**
 * The entry point. It loads no React or Ink: commands print and exit, and only the full-screen
 * app (no command, on a terminal) imports the UI.
 */

// chalk ignores NO_COLOR; Ink reads FORCE_COLOR, so map it before anything loads chalk.
if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') {
	process.env['FORCE_COLOR'] = '0';
}

const {main} = await import('./commands/main.js');
const code = await main(process.argv.slice(2));
// Let stdout drain, then leave with the documented code even if a handle is still open.
process.exitCode = code;
setTimeout(() => process.exit(code), 0).unref();
