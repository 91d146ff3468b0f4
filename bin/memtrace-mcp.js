#!/usr/bin/env node
// `memtrace-mcp`: the MCP server over stdio (MEMTRACE_URL, MEMTRACE_API_KEY). Needs the build
// (`npm run build`). Only the protocol may reach stdout, so every message here goes to stderr.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'mcp', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('memtrace-mcp: not built yet; run `npm run build` in the memtrace checkout first\n');
  process.exit(1);
}
require(entry);
