/**
 * The token domain: pure functions and types, no I/O. Everything else imports from here, except
 * cells.js (terminal widths): it loads string-width, whose Unicode tables take ~100 ms to load,
 * which only the app and `list` on a terminal need (not every command, nor the listing's child).
 */
export * from './address.js';
export * from './columns.js';
export * from './display.js';
export * from './errors.js';
export * from './expiry.js';
export * from './export-string.js';
export * from './msgpack.js';
export * from './permissions.js';
export * from './raw-token.js';
export * from './record.js';
export * from './record-shape.js';
export * from './scopes.js';
export * from './summary.js';
export * from './summary-pack.js';
export * from './typed-text.js';
export * from './validation.js';
export * from './view.js';
