// Unit specs (*.spec.ts) and integration specs (*.int-spec.ts) beside the code; end-to-end specs
// (test/e2e/*.e2e-spec.ts) start real processes. NestJS 12 ships ESM only, so its packages are
// transformed to CommonJS for jest (../shared/toolchain.md). The swc options and the aliases are the
// build's (scripts/build-config.js).
const { jestModuleNameMapper, swcOptions } = require('./scripts/build-config');

const swc = ['@swc/jest', swcOptions()];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(.*/node_modules/)?(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|load-esm|uuid)/)',
  ],
  moduleNameMapper: {
    ...jestModuleNameMapper(),
    // libs/sdk is ESM source: its relative imports name the emitted `.js` files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};
module.exports = {
  // Jest's default on a 2-core machine is one worker, which leaves a core idle while an e2e suite
  // waits on its processes; two workers took the suite from 834 s to about 600 s here.
  maxWorkers: 2,
  // jest's 5 s default is too tight for the heavier specs (DuckDB batches of 200k rows, property
  // tests, an e2e suite's first request) on a loaded 2-core CI machine. A global option: inside a
  // project's config jest ignores it.
  testTimeout: 20_000,
  // @duckdb/node-bindings starts a native "RefReaper" handle when the binding loads (not per
  // instance), which keeps the process alive after the last test (seen with --detectOpenHandles).
  forceExit: true,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
