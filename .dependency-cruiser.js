// Import rules of ../shared/conventions.md, checked by `npm run lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'apps-do-not-import-apps',
      comment: 'Only the standalone entry composes other apps.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/standalone/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    { name: 'libs-do-not-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'contracts-and-sdk-stay-plain',
      comment: 'libs/contracts, libs/sdk and libs/mcp import nothing from Nest.',
      severity: 'error',
      from: { path: '^libs/(contracts|sdk|mcp)/' },
      to: { path: '@nestjs' },
    },
    {
      name: 'explorer-stays-in-the-browser',
      comment: 'apps/explorer is a static page: it may use the SDK (the REST API) and browser packages, nothing of the server.',
      severity: 'error',
      from: { path: '^apps/explorer/src/' },
      to: { path: ['^libs/(?!sdk/)', '^apps/(?!explorer/)', '@nestjs', '^(node:)?(fs|path|child_process|net|http|crypto|os)$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^generated/|node_modules)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
