import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { AppProcess, CliResult } from '@memtrace/testing';

/** Shared helpers of the admin API and CLI end-to-end suites. */

/** `mtk_` + base64url with padding of 32 bytes: 48 characters ending in `=` (upstream's format). */
export const API_KEY_RE = /^mtk_[A-Za-z0-9_-]{43}=$/;
const API_KEY_ANYWHERE = /mtk_[A-Za-z0-9_-]{43}=/g;

/** The admin key of the first-run banner, which a server prints on stdout exactly once. */
export function bootstrapKeyFrom(app: AppProcess): string {
  const keys = app.stdout().match(API_KEY_ANYWHERE) ?? [];
  if (keys.length !== 1) throw new Error(`expected one bootstrap key in the banner, found ${keys.length}:\n${app.stdout()}`);
  return keys[0];
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Upstream's masking rule, written out independently of the product's implementation. */
export function expectedMask(token: string | undefined): string {
  if (!token) return '(empty)';
  if (token.length <= 8) return '*'.repeat(token.length);
  return `${token.slice(0, 4)}${'*'.repeat(token.length - 8)}${token.slice(-4)}`;
}

/** Runs one query on the suite's database. */
export async function sql<T = any>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Everything an admin mutation could change (orgs, keys, bindings and key versions, audit excluded),
 * in a stable order: two equal snapshots mean nothing was written in between.
 */
export async function controlPlaneSnapshot(databaseUrl: string): Promise<unknown> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const q = async (text: string) => (await client.query(text)).rows;
    return {
      orgs: await q('SELECT id, name, created_at FROM organizations ORDER BY id'),
      keys: await q('SELECT id, org_id, name, key_hash, scopes, expires_at, revoked_at FROM api_keys ORDER BY id'),
      bindings: await q(
        "SELECT id, org_id, kind, url, database, measurement, encode(token_cipher, 'hex') AS cipher, key_version, updated_at FROM store_bindings ORDER BY id",
      ),
      versions: await q('SELECT version, fingerprint FROM master_key_versions ORDER BY version'),
      agents: await q('SELECT id, org_id FROM agents ORDER BY id'),
    };
  } finally {
    await client.end();
  }
}

/** Non-empty lines of a CLI output stream. */
export const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

export function describeCli(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
