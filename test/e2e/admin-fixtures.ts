import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { AppProcess, CliResult, runCli } from '@memtrace/testing';

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

export interface HttpResult {
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: any;
  text: string;
  contentType: string | null;
}

export interface RequestOptions {
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  /** Sent verbatim with `content-type: application/json` (for malformed bodies). */
  raw?: string;
  /** Sent as `x-api-key`, or as `Authorization: Bearer` when `auth` is 'bearer'. */
  key?: string;
  auth?: 'x-api-key' | 'bearer';
  headers?: Record<string, string>;
}

/**
 * A tiny HTTP client that records every response body, so a suite can prove at the end that no
 * secret ever left the server.
 */
export class HttpClient {
  readonly transcript: string[] = [];

  constructor(private readonly baseUrl: () => string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== undefined) {
      if (options.auth === 'bearer') headers.authorization = `Bearer ${options.key}`;
      else headers['x-api-key'] = options.key;
    }
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl()}${path}`, { method, headers, body });
    const text = await response.text();
    this.transcript.push(text);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
  }
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

/** Polls `check` until it returns true or the deadline passes (a liveness bound, not a timing claim). */
export async function eventually(check: () => Promise<boolean>, deadlineMs = 15_000, stepMs = 50): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Runs the CLI with `--json` and parses stdout; throws with stderr when the command fails. */
export function cliJson(args: string[], env: Record<string, string>): any {
  const result = runCli(['--json', ...args], env);
  if (result.code !== 0) throw new Error(`memtrace ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Non-empty lines of a CLI output stream. */
export const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

export function describeCli(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
