// n8n's own lint rules for community nodes (`@n8n/node-cli`), applied to the package's nodes and credentials.
// Tests, the emulator and build scripts are not part of the published package and are not linted by these rules.
import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

export default [globalIgnores(['test/**', 'scripts/**', 'gulpfile.js', 'jest.config.js', 'index.js', 'dist/**']), ...config];
