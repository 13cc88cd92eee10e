import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		exclude: ['test/bench/**', 'node_modules/**'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Each file starts its own redis-server; two cores, so keep the pool modest.
		maxWorkers: 2,
		// Ink renders only the final frame when it thinks it runs in CI (is-in-ci reads CI at import).
		// The UI tests read the live screen, so the test processes run as in a terminal even in CI;
		// what they spawn gets an explicit environment of its own.
		env: {CI: 'false'},
	},
});
