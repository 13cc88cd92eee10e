/** Named instances: the config file (config.toml), checked, and resolved to what store/ opens. */
export * from './file.js';
export * from './resolve.js';
