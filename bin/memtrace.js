#!/usr/bin/env node
// `memtrace serve [--app standalone|gateway|admin]` runs a server; every other command is the admin
// CLI. This dispatcher keeps apps from importing each other. Both need the build (`npm run build`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'apps');
const args = process.argv.slice(2);
const serving = args.length === 0 || args[0] === 'serve';
let entry = join(dist, 'admin', 'src', 'cli', 'main.js');
if (serving && !args.includes('--help') && !args.includes('-h')) {
  const i = args.indexOf('--app');
  const app = i >= 0 ? args[i + 1] : (args.find((a) => a.startsWith('--app=')) || '--app=standalone').slice(6);
  if (!['standalone', 'gateway', 'admin', 'ingest-worker'].includes(app)) {
    process.stderr.write(`error: unknown app '${app}' (standalone, gateway, admin, ingest-worker)\n`);
    process.exit(1);
  }
  entry = join(dist, app, 'src', 'main.js');
}
if (!existsSync(entry)) {
  process.stderr.write('error: memtrace is not built yet; run `npm run build` (or `npm start`, which builds) first\n');
  process.exit(1);
}
require(entry);
