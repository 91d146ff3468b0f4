import { chmodSync, writeFileSync } from 'node:fs';

/**
 * Shows the first-run admin key exactly once: on stdout as a plain-text banner (never through the
 * logger, whose JSON stream goes to stderr and to log pipelines), and in a 0600 file if asked.
 */
export function announceAdminKey(adminKey: string, keyFile: string | undefined, out: NodeJS.WritableStream = process.stdout): void {
  if (keyFile) {
    writeFileSync(keyFile, `${adminKey}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  const rule = '='.repeat(72);
  out.write(
    [
      rule,
      'FIRST RUN: save your admin API key (shown only once)',
      '',
      `  ${adminKey}`,
      '',
      `  org: org_default   scopes: read,write,admin`,
      keyFile ? `  also written to ${keyFile} (mode 0600)` : '  set MEMTRACE_BOOTSTRAP_KEY_FILE to also write it to a file',
      rule,
      '',
    ].join('\n'),
  );
}
