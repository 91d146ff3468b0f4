// The path aliases and the swc options, in one place for the compiler, swc and jest. The alias
// table is tsconfig.json's `paths` (what tsc, the editor and dependency-cruiser read); the build
// (scripts/setup.js) and jest.config.js derive theirs from it.
'use strict';
const { join } = require('node:path');

const root = join(__dirname, '..');
const { paths } = require('../tsconfig.json').compilerOptions;

/** swc's options for TypeScript with Nest's decorators, to CommonJS. */
function swcOptions({ withPaths = false } = {}) {
  return {
    sourceMaps: true,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      ...(withPaths ? { baseUrl: root, paths } : {}),
    },
    module: { type: 'commonjs' },
  };
}

/** jest's `moduleNameMapper` for the same aliases: `@memtrace/x` and `@memtrace/x/*` patterns. */
function jestModuleNameMapper() {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mapper = {};
  for (const [alias, [target]] of Object.entries(paths)) {
    const to = `<rootDir>/${target.replace(/^\.\//, '')}`;
    if (alias.endsWith('/*')) mapper[`^${escape(alias.slice(0, -2))}/(.+)$`] = to.replace('*', '$1');
    else mapper[`^${escape(alias)}$`] = to;
  }
  return mapper;
}

module.exports = { root, paths, swcOptions, jestModuleNameMapper };
