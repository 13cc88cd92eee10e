/** Every scope EmailEngine knows (compatibility §4); `*` grants all of them. */
export const SCOPES = ['*', 'api', 'metrics', 'smtp', 'imap-proxy', 'mcp'] as const;

export type Scope = (typeof SCOPES)[number];

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

/** How people read a scope list, as EmailEngine's admin page shows it. */
export function describeScopes(scopes: readonly string[] | undefined): string {
	if (scopes === undefined) {
		return 'no scope limit';
	}

	if (scopes.length === 0) {
		return 'none';
	}

	return scopes.map(scope => (scope === '*' ? 'all scopes' : scope)).join(', ');
}
