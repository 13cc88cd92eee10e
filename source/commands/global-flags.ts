import {TLS_FILE_KINDS, type TlsFileKind, type TlsFlags, tlsFlagName} from '../store/index.js';

/**
 * The options every command (and the app) takes besides its own, in one list: main.ts takes them
 * out of argv (meow cannot spell a dotted flag), flag-check.ts suggests them for a typo and
 * completion.ts completes them.
 */
export type GlobalOptions = {
	/** `--dbs.redis`, taken out of argv before meow (meow cannot spell a dotted flag). */
	redisFlag?: string;
	/** `--instance NAME`: a named instance of the config file (source/config/). */
	instanceFlag?: string;
	/** `--read-only`: refuse every write, whatever the connection. */
	readOnly?: boolean;
	/** `--dbs.timeout`: seconds Redis has to connect and to answer each command. */
	timeoutFlag?: string;
	/** `--dbs.tls-ca`, `--dbs.tls-cert`, `--dbs.tls-key`: files for a `rediss://` Redis. */
	tlsFlags?: TlsFlags;
	/** `--verbose`: also say what is usually left unsaid (that an embedded Redis already running is used). */
	verbose?: boolean;
};

/** A global option that takes a value: its spelling, what the value is (for messages), where it goes. */
export type GlobalValueFlag = {
	name: string;
	value: string;
	set: (found: GlobalOptions, value: string) => void;
	get: (found: GlobalOptions) => string | undefined;
};

const TLS_VALUES: Record<TlsFileKind, string> = {ca: 'a CA certificate file', cert: 'a client certificate file', key: 'a client key file'};

export const GLOBAL_VALUE_FLAGS: readonly GlobalValueFlag[] = [
	{
		name: '--dbs.redis',
		value: 'a Redis URL',
		set(found, value) {
			found.redisFlag = value;
		},
		get: found => found.redisFlag,
	},
	{
		name: '--instance',
		value: 'the name of an instance of the config file (ee-tokens instances lists them)',
		set(found, value) {
			found.instanceFlag = value;
		},
		get: found => found.instanceFlag,
	},
	{
		name: '--dbs.timeout',
		value: 'seconds',
		set(found, value) {
			found.timeoutFlag = value;
		},
		get: found => found.timeoutFlag,
	},
	...TLS_FILE_KINDS.map((kind): GlobalValueFlag => ({
		name: tlsFlagName(kind),
		value: TLS_VALUES[kind],
		set(found, value) {
			found.tlsFlags = {...found.tlsFlags, [kind]: value};
		},
		get: found => found.tlsFlags?.[kind],
	})),
];

/** Global options without a value, and what each sets. */
export const GLOBAL_SWITCH_OPTIONS: Readonly<Record<string, (found: GlobalOptions) => void>> = {
	'--verbose'(found) {
		found.verbose = true;
	},
	'--read-only'(found) {
		found.readOnly = true;
	},
};

export const GLOBAL_SWITCHES = Object.keys(GLOBAL_SWITCH_OPTIONS);

/** Every global option as typed, for completion and typo suggestions (`--help` is every command's own). */
export const GLOBAL_FLAG_NAMES: readonly string[] = [...GLOBAL_VALUE_FLAGS.map(flag => flag.name), ...GLOBAL_SWITCHES];
