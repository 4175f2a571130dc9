// Two projects: `unit` runs nodes in real n8n-core execution contexts against the in-process emulator;
// `e2e` drives a real n8n 2.41 process (slow, serial), and needs the built package (see scripts/test-all.sh).
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
};

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
			setupFiles: ['<rootDir>/test/helpers/jest.setup.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/helpers/jest.timeout.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
		},
	],
};
