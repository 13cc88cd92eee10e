/** The token domain: pure functions and types, no I/O, nothing of ours imported. */
export * from './address.js';
export * from './errors.js';
export * from './expiry.js';
export * from './export-string.js';
export * from './msgpack.js';
export * from './permissions.js';
export * from './raw-token.js';
export * from './record.js';
export * from './record-shape.js';
export * from './revoke-confirmation.js';
export * from './scopes.js';
export * from './summary.js';
export * from './summary-reader.js';
export * from './time.js';
export * from './typed-text.js';
export * from './validation.js';
export * from './view.js';
