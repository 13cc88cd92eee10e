/** The token domain: pure functions and types, no I/O. Everything else imports from here. */
export * from './cells.js';
export * from './columns.js';
export * from './display.js';
export * from './errors.js';
export * from './export-string.js';
export * from './msgpack.js';
export * from './permissions.js';
export * from './raw-token.js';
export * from './record.js';
export * from './record-shape.js';
export * from './scopes.js';
export * from './summary.js';
export * from './summary-pack.js';
export * from './validation.js';
export * from './view.js';
