/** @type {import('jest').Config} */
const transform = {
	// Type errors are caught once by `tsc --noEmit` in `npm test`; per-file transpiling keeps jest fast.
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};

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
		},
	],
};
