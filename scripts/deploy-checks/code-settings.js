// What the manifests must agree with, read from the code itself (as text: no build needed), so that
// no port or timeout is written down a second time here:
//   libs/config/src/env.config.ts   the default of every MEMTRACE_* variable
//   libs/http/src/run-server.ts     DEFAULT_METRICS_PORTS and SHUTDOWN_TIMEOUT_MS
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ENV_FILE = 'libs/config/src/env.config.ts';
const RUN_SERVER_FILE = 'libs/http/src/run-server.ts';

/**
 * How each server process is wired (the one piece of knowledge about the apps kept here): which
 * variable is its listening port, the name its container gives that port, which port its probes use,
 * which bind-address variable must open it to the pod network, and the secrets it needs (README,
 * "Secrets each process needs").
 */
const APPS = {
  gateway: {
    portVar: 'MEMTRACE_SERVER_PORT',
    portName: 'http',
    probePort: 'http',
    hostVars: ['MEMTRACE_SERVER_HOST', 'MEMTRACE_METRICS_HOST'],
    secrets: ['DATABASE_URL', 'REDIS_URL', 'MEMTRACE_MASTER_KEY', 'MEMTRACE_INTERNAL_SECRET'],
  },
  admin: {
    portVar: 'MEMTRACE_ADMIN_PORT',
    portName: 'http',
    probePort: 'http',
    hostVars: ['MEMTRACE_SERVER_HOST', 'MEMTRACE_METRICS_HOST'],
    secrets: ['DATABASE_URL', 'REDIS_URL', 'MEMTRACE_MASTER_KEY'],
  },
  'ingest-worker': {
    portVar: 'MEMTRACE_WORKER_PORT',
    portName: 'http',
    probePort: 'http',
    hostVars: ['MEMTRACE_WORKER_HOST', 'MEMTRACE_METRICS_HOST'],
    secrets: ['DATABASE_URL', 'REDIS_URL', 'MEMTRACE_MASTER_KEY'],
  },
  // No HTTP API port: the metrics port also serves /health and /ready, and the probes use it.
  query: {
    portVar: 'MEMTRACE_QUERY_PORT',
    portName: 'rpc',
    probePort: 'metrics',
    hostVars: ['MEMTRACE_QUERY_BIND_HOST', 'MEMTRACE_METRICS_HOST'],
    secrets: ['DATABASE_URL', 'REDIS_URL', 'MEMTRACE_MASTER_KEY', 'MEMTRACE_INTERNAL_SECRET'],
  },
};
/** One-shot commands of the image (docker/entrypoint.sh) that may run in a Job. */
const JOBS = { migrate: { secrets: ['DATABASE_URL'] } };
/** Every secret any process reads; a process given one it does not need is reported. */
const ALL_SECRETS = ['DATABASE_URL', 'REDIS_URL', 'MEMTRACE_MASTER_KEY', 'MEMTRACE_INTERNAL_SECRET'];

const number = (text) => Number(text.replace(/_/g, ''));

/** Reads the defaults and timeouts from the code under `root`; throws naming what it cannot find. */
function loadCodeSettings(root) {
  const envText = readFileSync(join(root, ENV_FILE), 'utf8');
  const runServerText = readFileSync(join(root, RUN_SERVER_FILE), 'utf8');
  const find = (text, file, re, what) => {
    const match = re.exec(text);
    if (!match) throw new Error(`cannot find ${what} in ${file}; update scripts/deploy-checks/code-settings.js`);
    return match;
  };
  const defaults = {};
  for (const app of Object.values(APPS)) {
    defaults[app.portVar] = number(find(envText, ENV_FILE, new RegExp(`\\b${app.portVar}:\\s*port\\(([\\d_]+)\\)`), `the default of ${app.portVar}`)[1]);
    for (const hostVar of app.hostVars) {
      defaults[hostVar] = find(envText, ENV_FILE, new RegExp(`\\b${hostVar}:\\s*z\\.string\\(\\)\\.default\\('([^']*)'\\)`), `the default of ${hostVar}`)[1];
    }
  }
  defaults.MEMTRACE_QUERY_HOST = find(envText, ENV_FILE, /\bMEMTRACE_QUERY_HOST:\s*z\.string\(\)\.default\('([^']*)'\)/, 'the default of MEMTRACE_QUERY_HOST')[1];
  defaults.MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS = number(
    find(envText, ENV_FILE, /\bMEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS:\s*positiveInt\(([\d_]+)\)/, 'the default of MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS')[1],
  );
  const metricsBody = find(runServerText, RUN_SERVER_FILE, /DEFAULT_METRICS_PORTS[^=]*=\s*\{([^}]*)\}/, 'DEFAULT_METRICS_PORTS')[1];
  const metricsPorts = {};
  for (const [, name, port] of metricsBody.matchAll(/'?([\w-]+)'?\s*:\s*([\d_]+)/g)) metricsPorts[name] = number(port);
  for (const app of Object.keys(APPS)) {
    if (!metricsPorts[app]) throw new Error(`DEFAULT_METRICS_PORTS in ${RUN_SERVER_FILE} has no port for ${app}`);
  }
  const shutdownTimeoutMs = number(find(runServerText, RUN_SERVER_FILE, /\bSHUTDOWN_TIMEOUT_MS\s*=\s*([\d_]+)/, 'SHUTDOWN_TIMEOUT_MS')[1]);
  return { defaults, metricsPorts, shutdownTimeoutMs };
}

module.exports = { APPS, JOBS, ALL_SECRETS, loadCodeSettings };
