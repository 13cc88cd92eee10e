/** Redis: connection resolution, EmailEngine's key layout, the token store, the embedded server. */
export * from './comparing.js';
export * from './copying.js';
export * from './connection.js';
export * from './embedded.js';
export * from './embedded-lifecycle.js';
export * from './id-order.js';
export * from './journal-file.js';
export * from './keys.js';
export * from './open.js';
export * from './token-store.js';
export * from './auth-store.js';
export * from './redis-errors.js';
export * from './summaries-in-child.js';
export * from './summaries-loader.js';
export * from './summary-table.js';
export * from './tls.js';
