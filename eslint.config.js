// The linter: the recommended rules of ESLint and typescript-eslint (type-aware), React's hook
// rules for the app, and the import boundaries of docs/architecture.md, which fail the build.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Folders of source/ a folder must not import (statically; the entry loads the app dynamically). */
const boundary = (folder, forbidden, why) => ({
	files: [`source/${folder}/**/*.{ts,tsx}`],
	rules: {
		'no-restricted-imports': [
			'error',
			{patterns: [{group: forbidden.map(name => `**/${name}/*`), message: `source/${folder}/ ${why} (docs/architecture.md)`}]},
		],
	},
});

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/bench/.work/**']},
	// Plain JavaScript here is Node scripts (bench baselines, test helpers, this file).
	{
		files: ['**/*.{js,mjs}'],
		languageOptions: {
			globals: {
				process: 'readonly',
				Buffer: 'readonly',
				setTimeout: 'readonly',
				setInterval: 'readonly',
				clearTimeout: 'readonly',
				console: 'readonly',
			},
		},
	},
	js.configs.recommended,
	...tseslint.configs.recommended,
	// Type-aware rules (floating promises, unsafe any) where they pay: the shipped code. Tests and
	// scripts get the syntactic rules; type-checking all of them would double the linter's time.
	...tseslint.configs.recommendedTypeCheckedOnly.map(config => ({...config, files: ['source/**/*.{ts,tsx}']})),
	{
		files: ['source/**/*.{ts,tsx}'],
		languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
	},
	{
		linterOptions: {reportUnusedDisableDirectives: 'error'},
		rules: {
			eqeqeq: ['error', 'always', {null: 'ignore'}],
			// `typeof import('…')` types a module that is loaded lazily, on purpose.
			'@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports', disallowTypeAnnotations: false}],
		},
	},
	// The build bundles source/ (docs/architecture.md, "The build"): there a CommonJS package loaded
	// with import() arrives only as its default export, so `const {Redis} = await import('ioredis')`
	// is undefined in dist/ while it works in the tests that run the sources. Packages are imported
	// statically, except the ESM ones and those taken by their default export on purpose.
	{
		files: ['source/**/*.{ts,tsx}'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: 'ImportExpression[source.value=/^(?![.]|ink$|execa$|react$|proper-lockfile$)/]',
					message: 'Import this package statically: the bundle gives a CommonJS package loaded with import() only as its default export.',
				},
			],
		},
	},
	// Tests feed hostile text on purpose (control characters in their patterns are the point), read
	// JSON bodies of any shape, and ignore failures of cleanup and polling.
	{
		files: ['test/**'],
		rules: {'no-control-regex': 'off', '@typescript-eslint/no-explicit-any': 'off', 'no-empty': ['error', {allowEmptyCatch: true}]},
	},
	{files: ['source/ui/**/*.{ts,tsx}', 'test/ui/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended},
	boundary('tokens', ['store', 'format', 'commands', 'server', 'ui', 'config'], 'is the pure domain: it imports nothing of ours'),
	boundary('format', ['store', 'commands', 'server', 'ui', 'config'], 'is presentation over the domain: it imports tokens/ only'),
	boundary('store', ['format', 'commands', 'server', 'ui', 'config'], 'is Redis: it imports tokens/ only'),
	boundary('config', ['commands', 'server', 'ui'], 'resolves named instances to what store/ opens: it imports tokens/, store/ and format/'),
	boundary('server', ['format', 'commands', 'ui', 'config'], 'answers HTTP: it imports store/ and tokens/'),
	boundary('commands', ['ui'], 'prints and exits: only the entry loads the app, dynamically'),
	boundary('ui', ['commands', 'server', 'config'], 'is the app: it imports store/, format/ and tokens/ (instances come from the entry)'),
);
