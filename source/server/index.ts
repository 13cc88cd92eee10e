/** The bundled API server: EmailEngine's token authentication over the same Redis (compatibility §6, §7). */
export * from './auth.js';
export * from './credential.js';
export * from './http.js';
export * from './logger.js';
export * from './metrics.js';
export * from './permissions.js';
export * from './prepared-token.js';
export * from './restrictions.js';
export * from './routes.js';
export * from './server.js';
