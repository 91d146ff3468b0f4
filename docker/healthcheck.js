#!/usr/bin/env node
// `entrypoint.sh healthcheck <app>`: exit 0 if the app answers on its own port, 1 otherwise.
// The address comes from the app's own configuration code (dist/libs/config), so the probe
// follows the same variables and defaults as the server: GET /health on the HTTP apps' port, a
// TCP connect to the query service's port (it has no HTTP API port).
'use strict';
const { get } = require('node:http');
const { connect } = require('node:net');
const { join } = require('node:path');

const app = process.argv[2];
const TIMEOUT_MS = 3000;

function finish(ok, why) {
  if (!ok) process.stderr.write(`healthcheck ${app}: ${why}\n`);
  process.exit(ok ? 0 : 1);
}

let config;
try {
  const { AppConfig } = require(join(__dirname, '..', 'dist', 'libs', 'config', 'src', 'app-config.js'));
  config = AppConfig.fromEnv();
} catch (error) {
  finish(false, error.message);
}
const targets = {
  gateway: [config.http.host, config.http.gatewayPort],
  standalone: [config.http.host, config.http.gatewayPort],
  admin: [config.http.host, config.http.adminPort],
  'ingest-worker': [config.ingest.host, config.ingest.port],
  query: [config.query.bindHost, config.query.port],
};
if (!targets[app]) {
  process.stderr.write(`healthcheck: unknown app '${app}' (${Object.keys(targets).join(', ')})\n`);
  process.exit(64);
}
const [bind, port] = targets[app];
// A wildcard bind is reached on loopback; a specific address only there.
const host = ['', '0.0.0.0', '::'].includes(bind) ? '127.0.0.1' : bind;
if (!port) finish(false, 'its port is 0 (picked at start), so there is nothing fixed to probe');
setTimeout(() => finish(false, `no answer from ${host}:${port} within ${TIMEOUT_MS} ms`), TIMEOUT_MS);

if (app === 'query') {
  const socket = connect(port, host, () => {
    socket.destroy();
    finish(true);
  });
  socket.on('error', (error) => finish(false, `${host}:${port}: ${error.message}`));
} else {
  get({ host, port, path: '/health' }, (response) => {
    response.resume();
    finish(response.statusCode === 200, `GET /health on ${host}:${port} answered ${response.statusCode}`);
  }).on('error', (error) => finish(false, `${host}:${port}: ${error.message}`));
}
