import {defineConfig} from 'vitest/config';

export default defineConfig({
	// JSX for React's production runtime (jsx, not jsxDEV, which the production build lacks): see
	// NODE_ENV below.
	oxc: {jsx: {runtime: 'automatic', development: false}},
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		exclude: ['test/bench/**', 'node_modules/**'],
		globalSetup: ['test/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Most files wait on what they started (a redis-server, an app, a served port), so more
		// workers than cores finish sooner, until contention eats the gain. Files share their
		// worker's module cache (isolate: false): loading ioredis, Ink and the sources again for each
		// of 70 files cost more than a third of the wall time. Files must keep nothing in modules to
		// share: test/commands/in-process.test.ts checks only that an in-process command run leaves no
		// listener on `process` and no open socket and reads only the environment it is given; state
		// kept in a module by a source or test file is not detected by any test.
		// Measured on this 2-core machine, `npx vitest run` whole: 2 workers isolated 129 s,
		// 4 isolated 113 s, 2 shared 94 s, 3 shared 84 s, 4 shared 84 s. Since most app tests run the
		// app in the worker (test/ui/helpers/in-process-app.ts), fewer children compete with the
		// workers: 3 shared 80 s, 83 s, 86 s; 4 shared 76 s, 76 s, 73 s; 5 shared 83 s.
		maxWorkers: 4,
		isolate: false,
		// Ink renders only the final frame when it thinks it runs in CI (is-in-ci reads CI at import).
		// The UI tests read the live screen, so the test processes run as in a terminal even in CI;
		// what they spawn gets an explicit environment of its own.
		//
		// React's production build, as the app runs it (source/ui/run-app.ts sets NODE_ENV): the apps
		// the tests run in their workers are the app as shipped, and the development build's checks
		// cost about a tenth of the suite's CPU (whole suite: 140 s of CPU and 77 s against 158 s
		// and 88 s, one run each, back to back).
		env: {CI: 'false', NODE_ENV: 'production'},
		// Transformed modules are kept on disk between runs (node_modules/.experimental-vitest-cache,
		// keyed by each file's content): a second `npm test` (and CI's runs on the other Node
		// releases) transforms only what changed. Measured on test/tokens and test/format, one run
		// each: transform 8.4 s → 3.0 s.
		experimental: {fsModuleCache: true},
		// A CommonJS module's default import is its `exports` object, as in Node and in the bundle
		// (esbuild follows Node), not its `exports.default`: the sources then run here as they ship
		// (source/store/open.ts imports ioredis's connector module this way).
		deps: {interopDefault: false},
	},
});
