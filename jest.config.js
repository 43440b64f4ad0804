/** @type {import('jest').Config} */
const transform = {
	// Type errors are caught once by `tsc --noEmit` in `npm test`; per-file transpiling keeps jest fast.
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};

// Tests import the package's public entry as '../..'; resolved by package.json "main" that
// would be the last build in dist/ (stale, and a second copy of the process-wide state). Map it
// to the source entry so every test runs the code as it is now.
const moduleNameMapper = { '^\\.\\./\\.\\.$': '<rootDir>/index.ts' };

module.exports = {
	testTimeout: 30000,
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
			transform,
			moduleNameMapper,
		},
		{
			// End-to-end: the packed package inside a real n8n 2.41 (one server for the whole
			// project, started by globalSetup) against the emulator. Needs the cached runtime
			// from test/e2e/runtime/install.sh; slow tests get minutes (setupTimeout).
			displayName: 'e2e',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.e2e.test.ts'],
			globalSetup: '<rootDir>/test/e2e/runtime/globalSetup.ts',
			globalTeardown: '<rootDir>/test/e2e/runtime/globalTeardown.ts',
			setupFilesAfterEnv: ['<rootDir>/test/e2e/runtime/setupTimeout.ts'],
			transform,
			moduleNameMapper,
		},
	],
};
