#!/usr/bin/env node
// Checks that the monorepo's three maps agree with the tree (run by `npm run lint`): every app and
// library folder is a project in nest-cli.json with its entry file, and every library has its
// `@memtrace/<name>` alias in tsconfig.json (the one alias table, scripts/build-config.js).
'use strict';
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { root, paths } = require('./build-config');

/** Built by vite as a static page, not a Nest project. */
const NOT_NEST = new Set(['apps/explorer']);

const nest = require('../nest-cli.json');
const problems = [];
const folders = ['apps', 'libs'].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${dir}/${entry.name}`),
);

if (nest.monorepo !== true) problems.push('nest-cli.json: "monorepo" must be true');
const byRoot = new Map(Object.entries(nest.projects).map(([name, project]) => [project.root, { name, ...project }]));
for (const folder of folders) {
  if (NOT_NEST.has(folder)) continue;
  const project = byRoot.get(folder);
  if (!project) {
    problems.push(`nest-cli.json: no project for ${folder}`);
    continue;
  }
  const kind = folder.startsWith('apps/') ? 'application' : 'library';
  if (project.type !== kind) problems.push(`nest-cli.json: ${project.name} should be of type "${kind}"`);
  if (project.sourceRoot !== `${folder}/src`) problems.push(`nest-cli.json: ${project.name}'s sourceRoot should be ${folder}/src`);
  if (!existsSync(join(root, project.sourceRoot, `${project.entryFile}.ts`))) problems.push(`nest-cli.json: ${project.name}'s entry ${project.sourceRoot}/${project.entryFile}.ts does not exist`);
  if (kind === 'library') {
    const alias = paths[`@memtrace/${folder.slice('libs/'.length)}`];
    if (!alias || !alias[0].replace(/^\.\//, '').startsWith(`${folder}/src`)) problems.push(`tsconfig.json: no @memtrace alias for ${folder}/src`);
  }
}
for (const projectRoot of byRoot.keys()) if (!folders.includes(projectRoot)) problems.push(`nest-cli.json: project root ${projectRoot} is not a folder`);
for (const [alias, [target]] of Object.entries(paths)) {
  if (!existsSync(join(root, target.replace('*', '')))) problems.push(`tsconfig.json: alias ${alias} points to ${target}, which does not exist`);
}

if (problems.length > 0) {
  process.stderr.write(`layout check failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`layout: ${byRoot.size} Nest projects, ${Object.keys(paths).length} aliases, in agreement with the tree\n`);
