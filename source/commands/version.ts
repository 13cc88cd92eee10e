import {createRequire} from 'node:module';

/** ee-tokens' version, from package.json: `--help` says it, `serve` answers it on /v1/stats. */
export const version = (createRequire(import.meta.url)('../../package.json') as {version: string}).version;
