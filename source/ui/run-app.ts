// Placeholder replaced by the UI work in this same session; never committed.
export async function runApp(_options: {redisFlag?: string}): Promise<number> {
	process.stderr.write('ee-tokens: the full-screen app is not built yet\n');
	return 1;
}
