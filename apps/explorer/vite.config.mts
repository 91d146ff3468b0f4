import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The memory explorer: a static Preact app that the gateway serves at /explorer (see
 * apps/gateway/src/explorer). `npm run build` (scripts/setup.js) writes it to dist/explorer; the
 * page loads nothing but its own files, so it works offline and under a strict CSP.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/explorer/',
  // Caches in the repository's node_modules, not beside the sources.
  cacheDir: here('../../node_modules/.vite/explorer'),
  // The SDK from source, as the rest of the monorepo uses it: no build order between the two.
  resolve: { alias: { '@memtrace/sdk': here('../../libs/sdk/src/index.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../../dist/explorer'),
    emptyOutDir: true,
    target: 'es2022',
    // Never data: URIs (the CSP allows only the page's own files), and no inline polyfill.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  test: {
    root: here('.'),
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
