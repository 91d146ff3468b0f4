// ESLint (typescript-eslint, type-aware) for the server code, run by `npm run lint`. Only rules
// that catch bugs the compiler does not: a promise nobody awaits or handles, and configuration
// read outside libs/config, where every environment variable is parsed once.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'generated/**', 'node_modules/**', 'libs/sdk/dist/**', 'apps/explorer/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `void promise` marks a deliberate fire-and-forget (its errors handled where it is made).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in libs/config (AppConfig), where every variable is parsed once.' }],
    },
  },
  {
    // The configuration itself, test programs and specs (which set up the processes they start),
    // and the stdio MCP server's own config module (a client program with its own variables).
    files: ['libs/config/**', 'libs/testing/**', 'test/**', '**/*.spec.ts', '**/*.int-spec.ts', 'apps/mcp/src/config/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
