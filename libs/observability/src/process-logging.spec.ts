import { transformFileSync } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Process-wide handlers cannot be installed inside a jest worker, so a child process runs the
 * compiled logger and handler, then does what libraries and stray code do.
 */
function runChild(script: string) {
  const dir = mkdtempSync(join(tmpdir(), 'memtrace-process-logging-'));
  try {
    for (const name of ['logger', 'process-logging']) {
      const { code } = transformFileSync(join(__dirname, `${name}.ts`), { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
      writeFileSync(join(dir, `${name}.js`), code);
    }
    writeFileSync(
      join(dir, 'main.js'),
      `const { createLogger } = require('./logger');\nconst { routeProcessOutputToLogger } = require('./process-logging');\n` +
        `routeProcessOutputToLogger(createLogger({ level: 'debug', name: 'child' }));\n${script}`,
    );
    const result = spawnSync(process.execPath, [join(dir, 'main.js')], {
      env: { ...process.env, NODE_PATH: join(__dirname, '..', '..', '..', 'node_modules') },
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { code: result.status, stdout: result.stdout, lines: result.stderr.split('\n').filter((line) => line !== '') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, any>);

describe('routeProcessOutputToLogger', () => {
  it('turns console prints, warnings, a stray rejection and an uncaught exception into JSON lines, then exits 1', () => {
    const child = runChild(`
      console.error(new Error('printed by a library'));
      console.warn('%s is deprecated', 'thing');
      console.log('chatter');
      process.emitWarning('too many listeners', 'MaxListenersExceededWarning');
      Promise.reject(new Error('nobody awaited this'));
      setTimeout(() => { throw new Error('boom'); }, 100);
      setTimeout(() => console.log('never reached'), 5_000);
    `);
    expect(child.stdout).toBe('');
    const entries = parsed(child.lines);
    expect(entries.map((e) => [e.level, e.source ?? null, e.msg.split('\n')[0]])).toEqual([
      ['error', 'console', 'Error: printed by a library'],
      ['warn', 'console', 'thing is deprecated'],
      ['info', 'console', 'chatter'],
      ['warn', 'process', 'too many listeners'],
      ['error', null, 'unhandled promise rejection'],
      ['fatal', null, 'uncaught exception; exiting'],
    ]);
    expect(entries[4].err.message).toBe('nobody awaited this');
    expect(entries[5].err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('boom') });
    // It kept running after the rejection (the exception came later) and stopped at the exception.
    expect(child.code).toBe(1);
  });
});
