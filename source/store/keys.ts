/**
 * EmailEngine's key layout (compatibility §1.2), the only place in ee-tokens that knows a key name.
 * `prefix` is already the `EENGINE_REDIS_PREFIX` value plus ":" (or empty).
 */
export function keysFor(prefix: string) {
	return {
		tokens: `${prefix}tokens`,
		access: `${prefix}tokens:access`,
		/** Index of instance-wide tokens; bound tokens live in `iat:{account}` instead. */
		index: (account: string | undefined) => (account === undefined ? `${prefix}iat` : `${prefix}iat:${account}`),
		auditLog: (id: string) => `${prefix}tokens:log:${id}`,
		rateLimit: (window: number, bucket: number, id: string) => `${prefix}rl:${window}:${bucket}:api:${id}`,
		settings: `${prefix}settings`,
		accounts: `${prefix}ia:accounts`,
		account: (account: string) => `${prefix}iad:${account}`,
	};
}

export type Keys = ReturnType<typeof keysFor>;
