#!/usr/bin/env node
// Checks the deployment artefacts offline, as CI runs them (no build, no cluster, no Docker engine):
//   1. renders k8s/overlays/<dev|prod> with `kubectl kustomize` and validates every object against
//      its schema (kubernetes-models, KEDA, Prometheus Operator; unknown kinds and fields fail);
//   2. checks the essentials of each render (scripts/deploy-checks/manifests.js): images, probes,
//      resources, selectors, references, ports against the apps' settings, scaling, isolation;
//   3. validates docker-compose.yml with `docker-compose config -q` when docker-compose is installed
//      (dummy secrets), and that it refuses to start without them.
// Usage: node scripts/check-deploy.js        exit 0 when everything passes, 1 otherwise.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const YAML = require('yaml');
const { loadCodeSettings } = require('./deploy-checks/code-settings');
const { validateSchemas } = require('./deploy-checks/schemas');
const { checkManifests } = require('./deploy-checks/manifests');

const ROOT = join(__dirname, '..');
const OVERLAYS = ['dev', 'prod'];
/** The variables docker-compose.yml requires (`${VAR:?…}`); dummies for `config -q`. */
const COMPOSE_SECRETS = {
  MEMTRACE_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
  MEMTRACE_INTERNAL_SECRET: 'check-deploy-dummy-internal-secret-0123456789',
  ARC_TOKEN: 'check-deploy-dummy-arc-token-0123456789abcdef',
  POSTGRES_PASSWORD: 'check-deploy-dummy-postgres-password',
};

/** Parses a multi-document YAML stream into objects (empty documents skipped); throws on a YAML error. */
function parseManifests(text, source) {
  const objects = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj);
  }
  return objects;
}

/** `kubectl kustomize k8s/overlays/<overlay>`, parsed. */
function renderOverlay(overlay, root = ROOT) {
  const dir = join(root, 'k8s', 'overlays', overlay);
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error?.code === 'ENOENT') throw new Error('kubectl is not installed (Debian: apt-get install -y kubectl)');
  if (result.status !== 0) throw new Error(`kubectl kustomize k8s/overlays/${overlay} failed:\n${result.stderr.trim()}`);
  return parseManifests(result.stdout, `k8s/overlays/${overlay}`);
}

/** Problems of one overlay: schema first, then the essentials. */
function checkOverlay(overlay, root = ROOT, settings = loadCodeSettings(root)) {
  const objects = renderOverlay(overlay, root);
  return { objects, problems: [...validateSchemas(objects), ...checkManifests(objects, settings)] };
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** docker-compose.yml: valid with the required secrets set, refused without them. Skipped without docker-compose. */
function checkCompose(root = ROOT) {
  if (!hasCommand('docker-compose')) return { skipped: 'docker-compose is not installed (Debian: apt-get install -y --no-install-recommends docker-compose)', problems: [] };
  const base = { ...process.env };
  for (const name of Object.keys(COMPOSE_SECRETS)) delete base[name];
  // An empty env file: a developer's .env must neither fill in a missing secret nor break the check.
  const dir = mkdtempSync(join(tmpdir(), 'check-deploy-'));
  const envFile = join(dir, 'empty.env');
  writeFileSync(envFile, '');
  const run = (env) => spawnSync('docker-compose', ['--env-file', envFile, '-f', join(root, 'docker-compose.yml'), 'config', '-q'], { cwd: root, env, encoding: 'utf8' });
  try {
    return composeProblems(run, base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function composeProblems(run, base) {
  const valid = run({ ...base, ...COMPOSE_SECRETS });
  if (valid.status !== 0) return { problems: [`docker-compose.yml: docker-compose config -q failed:\n${(valid.stderr || valid.stdout).trim()}`] };
  const problems = [];
  for (const name of Object.keys(COMPOSE_SECRETS)) {
    const env = { ...base, ...COMPOSE_SECRETS };
    delete env[name];
    const refused = run(env);
    // `${VAR:?message}` makes compose exit non-zero naming VAR.
    if (refused.status === 0 || !`${refused.stderr}${refused.stdout}`.includes(name)) {
      problems.push(`docker-compose.yml: accepted a start without ${name} (require it with \${${name}:?…})`);
    }
  }
  return { problems };
}

function main() {
  let failed = false;
  const report = (label, problems, detail = 'ok') => {
    if (problems.length === 0) return console.log(`✓ ${label}: ${detail}`);
    failed = true;
    console.log(`✗ ${label}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) console.log(`    ${problem.replace(/\n/g, '\n    ')}`);
  };
  let settings;
  try {
    settings = loadCodeSettings(ROOT);
  } catch (error) {
    report('settings from the code', [error.message]);
  }
  for (const overlay of settings ? OVERLAYS : []) {
    try {
      const { objects, problems } = checkOverlay(overlay, ROOT, settings);
      report(`k8s/overlays/${overlay}`, problems, `${objects.length} objects: schemas and essentials ok`);
    } catch (error) {
      report(`k8s/overlays/${overlay}`, [error.message]);
    }
  }
  const compose = checkCompose(ROOT);
  if (compose.skipped) console.log(`- docker-compose.yml: skipped: ${compose.skipped}`);
  else report('docker-compose.yml', compose.problems, 'valid, and refused without each required secret');
  process.exitCode = failed ? 1 : 0;
}

module.exports = { OVERLAYS, parseManifests, renderOverlay, checkOverlay, checkCompose, validateSchemas, checkManifests, loadCodeSettings };

if (require.main === module) main();
