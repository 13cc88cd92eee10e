import packageJson from '../../package.json' with {type: 'json'};

/**
 * ee-tokens' version, from package.json: `--help` says it, `serve` answers it on /v1/stats. An import,
 * not a read at run time: the build (esbuild) writes it into the bundle, which has no fixed place
 * relative to package.json.
 */
export const version: string = packageJson.version;
