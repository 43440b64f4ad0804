import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// n8n's community rules, self-hosted set (`n8n-node cloud-support disable`), on every .ts file.
// One deliberate departure:
export default [
	// Compiled emulator/bench output and the cached n8n install are not sources.
	{ ignores: ['build/**', '.cache/**', 'docs/**'] },
	...configWithoutCloudSupport,
	// Tests, benchmarks and the emulator never run inside n8n: they start n8n and the emulator as
	// processes, use made-up tokens as fixtures and throw plain errors (there is no n8n node to
	// attach an NodeApiError to). Those three node-code rules stay on for nodes/ and credentials/.
	{
		files: ['test/**/*.ts', 'emulator/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
];
