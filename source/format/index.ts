/**
 * Presentation both front ends share (the app and the CLI's tables): display text for untrusted
 * values, times for people, the token table's columns. Not cells.js (terminal widths): it loads
 * string-width, whose Unicode tables take ~100 ms to load, which only the app and `list` on a
 * terminal need (not every command, nor the listing's child process).
 */
export * from './columns.js';
export * from './details.js';
export * from './display.js';
export * from './rotation.js';
export * from './review.js';
export * from './permissions.js';
export * from './shell.js';
export * from './audit-log.js';
export * from './did-you-mean.js';
